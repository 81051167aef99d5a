#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot tests: a root filesystem made on a disk before bcache ever saw it is
# assembled at boot from bcachetab as a raw writeback volume, by images that
# dracut and initramfs-tools build for the installed Debian 6.1 kernel with
# the patched bcache.ko and this project's pieces. Nothing in the host's
# /lib/modules or /etc changes: the module tree is a hardlinked copy
# (initramfs-tools sees it through a bind mount in a private mount namespace).
#
# usage: run.sh [dracut] [dracut-systemd] [initramfs-tools] (default: all)
#        run.sh demo | bench-GEN | anchor-GEN | gate-GEN
# dracut-systemd is dracut's systemd initrd (what it builds on a systemd
# machine): the same cases through systemd as the initramfs's PID 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
KVER=${KVER:-$(printf '%s\n' /lib/modules/6.1.* | sort -V | tail -n 1)}
KVER=${KVER##*/}
W=$(pwd)/${BUILD:-build}/boot
KO=kernel/build/bcache.ko
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "boot $1: PASS"; }
bad() { fail=$((fail + 1)); echo "boot $1: FAIL $2"; }

setup() {
	rm -rf "$W" && mkdir -p "$W"
	# private module tree with the patched bcache.ko
	mkdir -p "$W/modroot/lib/modules"
	cp -al "/lib/modules/$KVER" "$W/modroot/lib/modules/$KVER"
	ko=$(find "$W/modroot/lib/modules/$KVER" -name bcache.ko)
	rm -f "$ko" && cp "$KO" "$ko"
	depmod -b "$W/modroot" "$KVER"
	make -s install DESTDIR="$W/inst" PREFIX=/usr >/dev/null
	export BCACHEASSEMBLE_BIN="$W/inst/usr/sbin/bcacheassemble"
	export BCACHEASSEMBLE_RULES="$W/inst/usr/lib/udev/rules.d/61-bcacheassemble.rules"
	export BCACHETAB="$W/bcachetab"
}

# Disks: vda root (raw, writeback, set C on vdb), vdc data (raw,
# writethrough, nofail, set C2 on vdd), vde formatted (set C).
disks() {
	rm -f "$W"/*.img
	U=$(cat /proc/sys/kernel/random/uuid) U2=$(cat /proc/sys/kernel/random/uuid)
	FSU=$(cat /proc/sys/kernel/random/uuid)
	truncate -s 96M "$W/vdb.img" "$W/vdd.img" "$W/blank.img"
	truncate -s 160M "$W/vda.img"
	truncate -s 64M "$W/vdc.img" "$W/vde.img"
	make-bcache --block 512 --bucket 32k -C "$W/vdb.img" >/dev/null
	make-bcache --block 512 --bucket 32k -C "$W/vdd.img" >/dev/null
	make-bcache -B "$W/vde.img" >/dev/null
	C=$(bcache-super-show "$W/vdb.img" | awk '$1=="cset.uuid" {print $2}')
	C2=$(bcache-super-show "$W/vdd.img" | awk '$1=="cset.uuid" {print $2}')
	F=$(bcache-super-show "$W/vde.img" | awk '$1=="dev.uuid" {print $2}')
	cat >"$BCACHETAB" <<TAB
# boot test volumes
root	UUID=$FSU	$C	raw,uuid=$U,mode=writeback,initrd
data	/dev/vdc	$C2	raw,uuid=$U2,nofail,sequential_cutoff=0
fmt	UUID=$F	$C	initrd
TAB
	chmod 0644 "$BCACHETAB"
	# the root filesystem, on the raw disk, before bcache sees it
	r="$W/root"
	rm -rf "$r" && mkdir -p "$r/bin" "$r/sbin" "$r/usr/sbin" "$r/etc" "$r/proc" \
		"$r/sys" "$r/dev" "$r/run" "$r/tmp" "$r/var/lib/bcacheassemble" "$r/usr/lib"
	cp /bin/busybox "$r/bin/"
	for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
	cp tests/boot/rootinit "$r/sbin/init"
	cp "$BCACHEASSEMBLE_BIN" "$r/usr/sbin/"
	cp "$BCACHETAB" "$r/etc/bcachetab"
	printf 'NAME="boottest"\nID=boottest\n' >"$r/usr/lib/os-release"
	ln -s ../usr/lib/os-release "$r/etc/os-release"
	mkfs.ext4 -q -F -b 4096 -U "$FSU" -d "$r" "$W/vda.img"
	# first registrations, as --create leaves them
	sh tests/vm/mkinitramfs.sh "$W/prep.gz" "$KVER" "$KO" bcacheassemble/bcacheassemble
	qemu "$W/prep.log" "$W/prep.gz" "BP_U=$U BP_C=$C BP_U2=$U2 BP_C2=$C2 bctest=bootprep" \
		vdb.img vdd.img
	grep -aq "BCTEST-RESULT bootprep PASS" "$W/prep.log" || { bad prep "see $W/prep.log"; return 1; }
}

# qemu LOG INITRD APPEND CACHE1 CACHE2. One TCG thread for both vCPUs (see
# tests/vm/run.sh): with a thread per vCPU, 2 of 16 boots stalled at start.
qemu() {
	timeout 600 qemu-system-x86_64 -accel tcg,thread=single -m 1024 -smp 2 -nographic -no-reboot \
		-kernel "/boot/vmlinuz-$KVER" -initrd "$2" \
		-append "console=ttyS0 panic=-1 panic_on_warn=1 oops=panic $3" \
		-drive "file=$W/vda.img,if=virtio,format=raw" \
		-drive "file=$W/$4,if=virtio,format=raw" \
		-drive "file=$W/vdc.img,if=virtio,format=raw" \
		-drive "file=$W/$5,if=virtio,format=raw" \
		-drive "file=$W/vde.img,if=virtio,format=raw" \
		</dev/null >"$1" 2>&1
}

# build_dracut [OUT [MODULE]]: MODULE "" builds the image without ours
build_dracut() {
	out=${1:-$W/dracut.initrd}
	mod=${2-bcacheassemble}
	rm -rf "$W/dracut-base"
	cp -a /usr/lib/dracut "$W/dracut-base"
	cp -a "$W/inst/usr/lib/dracut/modules.d/90bcacheassemble" "$W/dracut-base/modules.d/"
	mkdir -p "$W/dracut-conf"
	t0=$(date +%s.%N)
	dracutbasedir="$W/dracut-base" dracut --conf /dev/null --confdir "$W/dracut-conf" \
		--kmoddir "${MODROOT:-$W/modroot}/lib/modules/$KVER" --force --no-hostonly \
		--no-early-microcode -m "bash base udev-rules rootfs-block fs-lib $mod" \
		--drivers "virtio_blk virtio_pci ext4 crc32c_generic" \
		"$out" "$KVER" >"$W/dracut-build.log" 2>&1 || return 1
	echo "dracut image${mod:+ with $mod}: $(stat -c %s "$out") bytes, $(echo "$(date +%s.%N) - $t0" | bc) s"
}

# dracut's systemd initrd (what dracut builds on a systemd machine): its
# hooks run from dracut-pre-udev.service and dracut-initqueue.service
DRACUT_SYSTEMD="systemd systemd-initrd dracut-systemd bcacheassemble"

# build_image GEN OUT: the image each generator case boots
build_image() {
	case $1 in
	dracut) build_dracut "$2" ;;
	dracut-systemd) build_dracut "$2" "$DRACUT_SYSTEMD" ;;
	*) build_itools "$2" ;;
	esac
}

# build_itools [OUT [without]]
build_itools() {
	out=${1:-$W/itools.initrd}
	rm -rf "$W/itconf"
	cp -a /etc/initramfs-tools "$W/itconf"
	sed -i 's/^MODULES=.*/MODULES=list/' "$W/itconf/initramfs.conf"
	printf 'virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n' >>"$W/itconf/modules"
	mkdir -p "$W/itconf/hooks" "$W/itconf/scripts/local-top" "$W/itconf/scripts/local-block"
	[ "${2:-}" = without ] ||
		for f in hooks/bcacheassemble scripts/local-top/bcacheassemble scripts/local-block/bcacheassemble; do
			cp "$W/inst/usr/share/initramfs-tools/$f" "$W/itconf/$f"
		done
	t0=$(date +%s.%N)
	unshare -m sh -c "mount --bind '${MODROOT:-$W/modroot}/lib/modules/$KVER' '/lib/modules/$KVER' &&
		mkinitramfs -d '$W/itconf' -o '$out' '$KVER'" >"$W/itools-build.log" 2>&1 || return 1
	echo "initramfs-tools image${2:+ $2 bcacheassemble}: $(stat -c %s "$out") bytes, $(echo "$(date +%s.%N) - $t0" | bc) s"
}

# Guest seconds from /init starting to the root filesystem mounted.
root_time() {
	awk '/Run \/init as init process/ { gsub(/[][]/, "", $2); t0 = $2 }
	     /EXT4-fs \((bcache[0-9]+|vda)\): mounted filesystem/ && t0 != "" && !t1 {
		gsub(/[][]/, "", $2); t1 = $2 }
	     END { if (t1) printf "%.2f", t1 - t0; else print "n/a" }' "$1"
}

# bench GEN: N boots with the tool (root on the raw volume through bcache) and
# N without it (the image built without; root = the same disk mounted as is)
bench() {
	g=$1 n=${BENCH_BOOTS:-3}
	disks || return
	if [ "$g" = dracut ]; then
		build_dracut "$W/without.initrd" "" && build_dracut "$W/with.initrd" || return
		extra="rd.retry=10 rd.timeout=40 rd.shell=0"
	else
		build_itools "$W/without.initrd" without && build_itools "$W/with.initrd" || return
		extra="" # rootdelay= would be waited out in full
	fi
	for i in $(seq "$n"); do # the disk as is first: nothing is dirty yet
		qemu "$W/bench-without-$i.log" "$W/without.initrd" \
			"root=/dev/vda rootfstype=ext4 rw $extra boottest=bench" vdb.img vdd.img
		echo "$g without bcacheassemble, boot $i: root mounted $(root_time "$W/bench-without-$i.log") s after /init"
	done
	for i in $(seq "$n"); do
		qemu "$W/bench-with-$i.log" "$W/with.initrd" \
			"root=UUID=$FSU rootfstype=ext4 rw $extra boottest=bench" vdb.img vdd.img
		echo "$g with bcacheassemble, boot $i: root mounted $(root_time "$W/bench-with-$i.log") s after /init"
	done
	echo "$g image size added: $(($(stat -c %s "$W/with.initrd") - $(stat -c %s "$W/without.initrd"))) bytes"
}

# anchor GEN: a formatted root (make-bcache -B, attached to set C) found by
# Debian's bcache-tools (its udev rule and bcache-register, in the image
# beside ours) against the same root found by bcacheassemble; one image,
# the anchor's boots with rd.bcache.conf=0 (our copy of bcachetab ignored).
# Boots alternate; medians of BENCH_BOOTS (5) each.
anchor() {
	g=$1 n=${BENCH_BOOTS:-5}
	disks || return
	FSF=$(cat /proc/sys/kernel/random/uuid)
	rm -f "$W/froot.img"
	mkfs.ext4 -q -F -b 4096 -U "$FSF" -d "$W/root" "$W/froot.img" 56M
	# the backing device's data starts 8 KiB in (make-bcache's default)
	dd if="$W/froot.img" of="$W/vde.img" bs=8192 seek=1 conv=notrunc status=none
	printf 'fmt\tUUID=%s\t%s\tinitrd\n' "$F" "$C" >"$BCACHETAB"
	if [ "$g" = dracut ]; then
		build_dracut "$W/anchor.initrd" "bcache bcacheassemble" || return
		extra="rd.retry=10 rd.timeout=40 rd.shell=0"
	else
		build_itools "$W/anchor.initrd" || return
		extra=""
	fi
	grep -q bcache-register "$W/$([ "$g" = dracut ] && echo dracut || echo itools)-build.log" ||
		lsinitramfs "$W/anchor.initrd" 2>/dev/null | grep -q 'bcache-register' ||
		{ echo "$g: bcache-tools is not in the image"; return 1; }
	# the first boot attaches the backing device to set C (its superblock
	# says so from then on, for both paths)
	qemu "$W/anchor-0.log" "$W/anchor.initrd" "root=UUID=$FSF rootfstype=ext4 rw $extra boottest=bench" \
		vdb.img vdd.img
	grep -aq "EXT4-fs (bcache[0-9]*): mounted" "$W/anchor-0.log" || { echo "$g: warm-up boot failed: $W/anchor-0.log"; return 1; }
	: >"$W/anchor-tools.t"
	: >"$W/anchor-ours.t"
	for i in $(seq "$n"); do
		qemu "$W/anchor-tools-$i.log" "$W/anchor.initrd" \
			"root=UUID=$FSF rootfstype=ext4 rw $extra rd.bcache.conf=0 boottest=bench" vdb.img vdd.img
		qemu "$W/anchor-ours-$i.log" "$W/anchor.initrd" \
			"root=UUID=$FSF rootfstype=ext4 rw $extra boottest=bench" vdb.img vdd.img
		# each path did the work: in the initramfs (up to the root's
		# hand-over), no word of ours in the anchor's boot
		if sed '/BOOTTEST root-source/q' "$W/anchor-tools-$i.log" | grep -aq "bcacheassemble: fmt" ||
			! sed '/BOOTTEST root-source/q' "$W/anchor-ours-$i.log" | grep -aq "bcacheassemble: fmt"; then
			echo "$g boot $i: the wrong path registered the root (see $W/anchor-*-$i.log)"
			return 1
		fi
		for p in tools ours; do
			t=$(root_time "$W/anchor-$p-$i.log")
			echo "$t" >>"$W/anchor-$p.t"
			echo "$g $p, boot $i: root mounted $t s after /init"
		done
	done
	mt=$(grep -v n/a "$W/anchor-tools.t" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	mo=$(grep -v n/a "$W/anchor-ours.t" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	echo "$g formatted root, median of $n: bcache-tools $mt s, bcacheassemble $mo s, ratio $(echo "scale=3; $mo / $mt" | bc)"
}

# demo: the main job, as a person would watch it
demo() {
	disks || return
	build_itools >/dev/null || { echo "image build failed: $W/itools-build.log"; return 1; }
	echo "== bcachetab in the image (the root disk was never reformatted: ext4 from sector 0)"
	grep -v '^#' "$BCACHETAB"
	qemu "$W/demo-1.log" "$W/itools.initrd" "root=UUID=$FSU rootfstype=ext4 rw boottest=b1" vdb.img vdd.img
	echo "== boot 1, initramfs-tools: assembled at boot, root on bcache"
	grep -a -E "bcacheassemble|raw_register|Caching vd|EXT4-fs \(bcache|BOOTTEST (root-source|raw-mounted)" "$W/demo-1.log" |
		tr -d '\r' | sed 's/^/   /'
	qemu "$W/demo-2.log" "$W/itools.initrd" "root=UUID=$FSU rootfstype=ext4 rw boottest=b2" blank.img vdd.img
	echo "== boot 2, the cache disk removed: the writeback root is held, the raw disk is never mounted"
	grep -a -E "held back|Gave up|ALERT|does not exist" "$W/demo-2.log" | tr -d '\r' | sed 's/^/   /'
	qemu "$W/demo-3.log" "$W/itools.initrd" "root=UUID=$FSU rootfstype=ext4 rw boottest=b3" vdb.img vdd.img
	echo "== boot 3, the cache disk back: the file written in boot 1 through the cache"
	grep -a -E "BOOTTEST (root-source|marker)" "$W/demo-3.log" | tr -d '\r' | sed 's/^/   /'
}

# sane GEN CASE LOG: no boot may mount a raw disk. (A WARN or oops ends the
# guest through panic_on_warn/oops=panic, and then its markers are missing.)
sane() {
	if grep -aE 'EXT4-fs \(vd[a-e]\): mounted' "$3" >/dev/null; then
		echo "  $1 case $2: a raw disk was mounted ($3)"
		return 1
	fi
	# one owner: bcache-tools' rules (in the image, from the host) and the
	# udev and scan paths never register a device twice
	if grep -a 'already registered' "$3" >/dev/null; then
		echo "  $1 case $2: a device was registered twice ($3)"
		return 1
	fi
}
has() { grep -aq "$2" "$1"; }

generator() {
	g=$1 img=$2 extra=$3
	root="root=UUID=$FSU rootfstype=ext4 rw $extra"
	L="$W/$g"
	qemu "$L-1.log" "$img" "$root boottest=b1" vdb.img vdd.img
	if has "$L-1.log" "BOOTTEST root-source /dev/bcache" && sane "$g" 1 "$L-1.log" &&
		has "$L-1.log" "BOOTTEST data-d1 [0-9a-f]" && has "$L-1.log" "BOOTTEST fmt bcache" &&
		has "$L-1.log" "BOOTTEST link-name bcache[0-9]" && has "$L-1.log" "BOOTTEST link-uuid .*$U" &&
		has "$L-1.log" "BOOTTEST fs-uuid-link bcache[0-9]" &&
		has "$L-1.log" "BOOTTEST raw-path-links [1-9][0-9]* 0" &&
		has "$L-1.log" "BOOTTEST root-mode-b1 .*\[writeback\]"; then
		ok "$g cache present, writeback root from bcacheN (by-uuid resolves to it; /dev/bcache links), data and formatted volumes"
	else bad "$g 1" "see $L-1.log"; fi
	qemu "$L-2.log" "$img" "$root boottest=b2" blank.img vdd.img
	if ! has "$L-2.log" "BOOTTEST root-source" && sane "$g" 2 "$L-2.log" &&
		has "$L-2.log" "root: held back until cache set $C" &&
		{ [ "${g%%-*}" != dracut ] || has "$L-2.log" "the boot waits for the cache set"; }; then
		ok "$g root cache missing: held, raw disk never mounted, message names volume and set"
	else bad "$g 2" "see $L-2.log"; fi
	qemu "$L-3.log" "$img" "$root boottest=b3" vdb.img vdd.img
	if has "$L-3.log" "BOOTTEST marker written-in-boot-1" && sane "$g" 3 "$L-3.log"; then
		ok "$g cache back: data written in boot 1 intact"
	else bad "$g 3" "see $L-3.log"; fi
	qemu "$L-4.log" "$img" "$root boottest=b4" vdb.img blank.img
	d2=$(grep -a "BOOTTEST data-d2" "$L-4.log" | awk '{print $3}' | tr -d '\r')
	qemu "$L-5.log" "$img" "$root boottest=b5" vdb.img vdd.img
	if has "$L-4.log" "BOOTTEST data-held 0" && has "$L-4.log" "BOOTTEST stale-mark $U2" &&
		[ -n "$d2" ] && has "$L-5.log" "BOOTTEST data-read $d2" &&
		has "$L-5.log" "BOOTTEST data-attached yes" && sane "$g" 4 "$L-4.log" && sane "$g" 5 "$L-5.log"; then
		ok "$g writethrough nofail data volume: boot goes on, last resort runs it, no stale block after the cache returns"
	else bad "$g 4-5" "see $L-4.log $L-5.log"; fi
	qemu "$L-6.log" "$img" "$root boottest=b6 rd.bcache=0" vdb.img vdd.img
	# the boot must fail: the raw root stays hidden and unclaimed
	if has "$L-6.log" "disabled by rd.bcache=0" && ! has "$L-6.log" "registered raw backing device" &&
		sane "$g" 6 "$L-6.log"; then
		ok "$g rd.bcache=0 turns it off"
	else bad "$g 6" "see $L-6.log"; fi
	# boot 7: root's cache missing, started anyway by rd.bcache.run=root in
	# the initramfs; / read-only at hand-off, /var separate. The run mark
	# must survive the read-only scan and reach bcachetab once / is
	# writable. Then the images are rebuilt (as bcacheassemble-initramfs
	# does) and boot 8, cache back, must attach the root cold.
	qemu "$L-7.log" "$img" "root=UUID=$FSU rootfstype=ext4 ro $extra boottest=b7 rd.bcache.run=root" \
		blank.img vdd.img
	if has "$L-5.log" "BOOTTEST root-state clean" &&
		has "$L-7.log" "BOOTTEST root-source /dev/bcache" && has "$L-7.log" "BOOTTEST ro-scan-rc 1" &&
		has "$L-7.log" "BOOTTEST ro-mark $U" && ! has "$L-7.log" "BOOTTEST mark-after [0-9a-f]" &&
		has "$L-7.log" "BOOTTEST tab root.*,stale" && sane "$g" 7 "$L-7.log"; then
		ok "$g root started in the initramfs without its cache: mark kept while / is read-only, then 'stale' in bcachetab"
	else bad "$g 7" "see $L-5.log $L-7.log"; fi
	grep -a '^BOOTTEST tab ' "$L-7.log" | sed 's/^BOOTTEST tab //' | tr -d '\r' >"$BCACHETAB"
	build_image "$g" "$W/img8" >/dev/null
	qemu "$L-8.log" "$W/img8" "$root boottest=b8" vdb.img vdd.img
	if has "$L-8.log" "BOOTTEST marker7 written-in-boot-7" &&
		has "$L-8.log" "registered raw backing device vda.*state stale" &&
		has "$L-8.log" "BOOTTEST root-attached yes" &&
		has "$L-8.log" "BOOTTEST root-mode \[writethrough\]" &&
		! grep -a '^BOOTTEST tab root' "$L-8.log" | grep -q stale && sane "$g" 8 "$L-8.log"; then
		ok "$g cache back: root attached cold, boot-7 data intact, 'stale' cleared, writethrough until the images follow"
	else bad "$g 8" "see $L-8.log"; fi
}

# gate GEN: with the stock module (no register_raw), an image for a
# bcachetab whose root is an 'initrd' raw volume is refused, saying why and
# the fix; without an 'initrd' raw volume it is built, with a warning.
gate() {
	g=$1
	if [ ! -d "$W/stockroot" ]; then
		mkdir -p "$W/stockroot/lib/modules"
		cp -al "/lib/modules/$KVER" "$W/stockroot/lib/modules/$KVER"
		rm -rf "$W/stockroot/lib/modules/$KVER/updates"
		depmod -b "$W/stockroot" "$KVER"
	fi
	b=build_itools log=$W/itools-build.log
	[ "$g" = dracut ] && b=build_dracut log=$W/dracut-build.log
	if MODROOT=$W/stockroot $b "$W/gate.initrd" >/dev/null; then
		bad "$g gate" "an image without register_raw was built for an initrd raw root"
	elif grep -q "has no register_raw" "$log" && grep -q "needs it at boot for: root" "$log" &&
		grep -q "apt-get install bcacheassemble-dkms linux-headers-$KVER" "$log"; then
		ok "$g refuses an image whose bcache module lacks register_raw for an initrd raw root"
	else bad "$g gate" "no clear message in $log"; fi
	cp "$BCACHETAB" "$W/bcachetab.keep"
	sed -i '/^root/d' "$BCACHETAB"
	if MODROOT=$W/stockroot $b "$W/gate.initrd" >/dev/null; then
		ok "$g builds it when no initrd volume is raw"
	else bad "$g gate" "refused an image no initrd raw volume needs: $log"; fi
	cp "$W/bcachetab.keep" "$BCACHETAB"
}

[ -f "$KO" ] || { echo "missing $KO (make -C kernel module)"; exit 1; }
setup
[ $# -gt 0 ] || set -- dracut dracut-systemd initramfs-tools
for g in "$@"; do
	case $g in
	demo) demo; exit ;;
	gate-dracut | gate-initramfs-tools) disks && gate "${g#gate-}"; continue ;;
	bench-dracut) bench dracut; exit ;;
	bench-initramfs-tools) bench initramfs-tools; exit ;;
	anchor-dracut) anchor dracut; exit ;;
	anchor-initramfs-tools) anchor initramfs-tools; exit ;;
	dracut)
		disks || continue
		build_dracut || { bad dracut "image build failed: $W/dracut-build.log"; continue; }
		generator dracut "$W/dracut.initrd" "rd.retry=10 rd.timeout=40 rd.shell=0"
		gate dracut
		;;
	dracut-systemd)
		disks || continue
		build_image dracut-systemd "$W/dracut-systemd.initrd" ||
			{ bad dracut-systemd "image build failed: $W/dracut-build.log"; continue; }
		# no shell, and no halt in the image: power off when the boot fails
		generator dracut-systemd "$W/dracut-systemd.initrd" \
			"rd.retry=10 rd.timeout=40 rd.shell=0 rd.emergency=poweroff"
		;;
	initramfs-tools)
		disks || continue
		build_itools || { bad initramfs-tools "image build failed: $W/itools-build.log"; continue; }
		generator initramfs-tools "$W/itools.initrd" ""
		gate initramfs-tools
		;;
	esac
done
echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
