#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot Debian's installed 6.1 kernel under QEMU (TCG) with the patched
# bcache.ko and run the guest cases; every case reports a marker line on the
# console, checked here. A boot that dies (panic_on_warn, oops) fails every
# case it did not report.
#
# usage: run.sh [-k bcache.ko] [-e] [BOOT...]
#   -e      expect failure (the deliberately broken module)
#   BOOT    main harden race reboot (default: all)
set -u
cd "$(dirname "$0")/../.." || exit 1
KO=kernel/build/bcache.ko
EXPECT_FAIL=0
while getopts k:e o; do
	case $o in
	k) KO=$OPTARG ;;
	e) EXPECT_FAIL=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
# SERIES=6.12 (mainline): the kernel of the trixie (experimental) root made
# by kernel/chroot.sh, booted from its unpacked .deb, with its own modules
case ${SERIES:-6.1} in
6.1)
	KVER=${KVER:-$(printf '%s\n' /lib/modules/6.1.* | sort -V | tail -n 1)}
	KVER=${KVER##*/}
	VMLINUZ=/boot/vmlinuz-$KVER
	W=${BUILD:-build}/vm
	;;
6.12 | mainline)
	suite=trixie
	[ "$SERIES" = mainline ] && suite=experimental
	root=${CHROOT_CACHE:-/var/cache/bcacheassemble}/$suite
	KVER=$(cat "$root/.ready") || { echo "missing $root: make -C kernel module SERIES=$SERIES"; exit 1; }
	VMLINUZ=$root/boot-image/boot/vmlinuz-$KVER
	[ -f "$VMLINUZ" ] || VMLINUZ=$root/boot-image/usr/lib/modules/$KVER/vmlinuz
	export MODBASE=$root/boot-image/usr
	[ "$KO" = kernel/build/bcache.ko ] && KO=kernel/build-$SERIES/bcache.ko
	W=${BUILD:-build}/vm-$SERIES
	;;
*) echo "no VM setup for SERIES=$SERIES"; exit 2 ;;
esac
mkdir -p "$W"
[ -f "$KO" ] || { echo "missing $KO (make -C kernel module)"; exit 1; }
sh tests/vm/mkinitramfs.sh "$W/initrd.gz" "$KVER" "$KO" bcacheassemble/bcacheassemble ||
	{ echo "cannot build the guest initramfs"; exit 1; }

pass=0
fail=0
CMDLINE="console=ttyS0 loglevel=4 log_buf_len=4M panic_on_warn=1 oops=panic panic=-1 hung_task_panic=1 softlockup_panic=1 slub_debug=FZPU"

disks() { # [vda vdb vdc vdd sizes]
	rm -f "$W"/vd?.img
	truncate -s "${1:-256M}" "$W/vda.img"
	truncate -s "${2:-128M}" "$W/vdb.img"
	truncate -s "${3:-128M}" "$W/vdc.img"
	truncate -s "${4:-64M}" "$W/vdd.img"
}

# boot NAME CASES. One TCG thread for both vCPUs: with a thread per vCPU, 2
# of 16 boots here stalled at start (RCU: "timer wakeup didn't happen" on an
# idle vCPU) and never reached the cases.
boot() {
	log="$W/$1.log"
	set -- "$1" "$2"
	timeout 1500 qemu-system-x86_64 -accel tcg,thread=single -m 1536 -smp 2 -nographic \
		-no-reboot -kernel "$VMLINUZ" -initrd "$W/initrd.gz" \
		-append "$CMDLINE ${EXTRA_APPEND:-} bctest=$2" \
		-drive "file=$W/vda.img,if=virtio,format=raw" \
		-drive "file=$W/vdb.img,if=virtio,format=raw" \
		-drive "file=$W/vdc.img,if=virtio,format=raw" \
		-drive "file=$W/vdd.img,if=virtio,format=raw" \
		</dev/null >"$log" 2>&1
	for c in $(echo "$2" | tr , ' '); do
		r=$(grep -a "^BCTEST-RESULT $c " "$log" | tail -n 1 | tr -d '\r')
		case $r in
		"BCTEST-RESULT $c PASS") pass=$((pass + 1)); echo "vm $c: PASS" ;;
		"") fail=$((fail + 1)); echo "vm $c: FAIL (no result: the guest died, see $log)"
			grep -a -E 'Kernel panic|BUG:|WARNING:|Oops' "$log" | head -5 ;;
		*) fail=$((fail + 1)); echo "vm $c: FAIL ${r#BCTEST-RESULT $c FAIL }"
			sed -n "/^BCTEST-BEGIN $c/,/^BCTEST-RESULT $c/p" "$log" | grep -a -E '^  (FAIL|    )' | head -20 ;;
		esac
	done
}

t0=$(date +%s)
boots=${*:-main harden race reboot}
for b in $boots; do
	case $b in
	main) disks; boot main canary,refuse,alias,uevent,stale,4kn,tool ;;
	canary) disks; boot canary canary ;;
	bench) disks 640M 1G 640M 640M; boot bench bench ;;
	race) disks; boot race race,fuzz ;;
	harden) disks; boot harden harden ;;
	reboot) disks; boot reboot1 wbreboot1 && boot reboot2 wbreboot2 ;;
	demo)
		disks
		mkdir -p "$W/demo-root"
		echo "hello from a disk that was never reformatted" >"$W/demo-root/hello.txt"
		rm -f "$W/vda.img"
		truncate -s 256M "$W/vda.img"
		mkfs.ext4 -q -F -b 4096 -d "$W/demo-root" "$W/vda.img"
		boot demo1 demo1 && boot demo2 demo2
		grep -a -h '^DEMO|' "$W/demo1.log" "$W/demo2.log" | tr -d '\r' | cut -c7- ;;
	*) echo "unknown boot $b"; exit 2 ;;
	esac
done
echo "vm wall time: $(($(date +%s) - t0)) s"
if [ "$EXPECT_FAIL" = 1 ]; then
	echo "vm (expected to fail): $fail failed, $pass passed"
	[ "$fail" -gt 0 ] && echo "vm-broken: 1 passed, 0 failed" && exit 0
	echo "vm-broken: 0 passed, 1 failed"
	exit 1
fi
echo "vm: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
