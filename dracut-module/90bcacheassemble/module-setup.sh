#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # host_fs_types, udevdir, moddir, srcmods, kernel: set by dracut
# dracut module: assemble bcache volumes from /etc/bcachetab in the initramfs.

bca_bin() {
    echo "${BCACHEASSEMBLE_BIN:-@SBINDIR@/bcacheassemble}"
}

# called by dracut
check() {
    require_binaries "$(bca_bin)" || return 1
    if [[ $hostonly ]]; then
        local tab=${BCACHETAB:-/etc/bcachetab} dev
        [[ -f $tab ]] || return 255
        # needed for an 'initrd' volume or a root on a bcache device
        BCACHETAB=$tab "$(bca_bin)" --list 2>/dev/null | grep -q ' initrd' && return 0
        for dev in "${!host_fs_types[@]}"; do
            [[ $dev == /dev/bcache* ]] && return 0
        done
        return 255
    fi
    return 0
}

# called by dracut
depends() {
    echo udev-rules
    return 0
}

# Does module file $1 have register_raw? Debian 13 ships modules xz-compressed.
# grep reads to the end: dracut runs with pipefail, and grep -q stopping at
# the first match would fail the pipeline with SIGPIPE.
bca_has_register_raw() {
    case $1 in
        *.xz) xz -dc "$1" ;;
        *.zst) zstd -qdc "$1" ;;
        *.gz) gzip -dc "$1" ;;
        *) cat "$1" ;;
    esac 2>/dev/null | grep register_raw >/dev/null
}

# called by dracut. An image that must assemble an 'initrd' raw volume with
# a bcache module lacking register_raw would not boot: fail, so that dracut
# builds no image (a kernel's postinst then fails and the machine keeps
# booting the kernel it booted before).
installkernel() {
    local tab=${BCACHETAB:-/etc/bcachetab} ko need
    instmods bcache
    [[ -f $tab ]] || return 0
    need=$(BCACHETAB=$tab "$(bca_bin)" --list 2>/dev/null |
        awk '$2 == "raw" && / initrd( |$)/ { printf "%s ", $1 }')
    [[ $need ]] || return 0
    ko=$(sed -n 's|^\([^:]*/bcache\.ko[.a-z]*\):.*|\1|p' "$srcmods/modules.dep" 2>/dev/null | head -n 1)
    [[ $ko ]] && bca_has_register_raw "$srcmods/$ko" && return 0
    derror "bcacheassemble: kernel $kernel's bcache module (${ko:-none}) has no register_raw,"
    derror "and $tab needs it at boot for: $need. Not building this image."
    derror "Fix: apt-get install bcacheassemble-dkms linux-headers-$kernel, then dracut -f --kver $kernel"
    return 1
}

# called by dracut
install() {
    local tab=${BCACHETAB:-/etc/bcachetab}
    inst "$(bca_bin)" /usr/sbin/bcacheassemble
    if [[ -f $tab ]]; then
        BCACHETAB=$tab "$(bca_bin)" --check >/dev/null 2>&1 ||
            dwarn "bcacheassemble: $tab has problems (bcacheassemble --check); bad lines are skipped at boot"
        inst_simple "$tab" /etc/bcachetab
        # dracut's systemd initrd starts its initqueue (where the settled
        # and timeout hooks run) only when the image asks for it; at boot
        # the image may be read-only there (dracut 106)
        dracut_need_initqueue
    fi
    inst_simple "${BCACHEASSEMBLE_RULES:-@UDEVRULESDIR@/61-bcacheassemble.rules}" \
        "${udevdir}/rules.d/61-bcacheassemble.rules"
    # clears the flag that keeps bcache-tools' rules off our devices
    inst_simple "$(dirname "${BCACHEASSEMBLE_RULES:-@UDEVRULESDIR@/61-bcacheassemble.rules}")/69-bcacheassemble-after.rules" \
        "${udevdir}/rules.d/69-bcacheassemble-after.rules"
    inst_hook pre-udev 50 "$moddir/bcacheassemble-assemble.sh"
    inst_hook initqueue/settled 50 "$moddir/bcacheassemble-settled.sh"
    inst_hook initqueue/timeout 50 "$moddir/bcacheassemble-timeout.sh"
    inst_hook emergency 50 "$moddir/bcacheassemble-emergency.sh"
}
