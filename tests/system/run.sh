#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# System tests: a real Debian system (systemd as PID 1, its own kernel,
# udev, initramfs-tools, DKMS) with its root filesystem on a raw writeback
# volume, booted under QEMU; this project installed from its .deb files.
#
#   upgrade       apt-get installs the release's newer kernel build; DKMS
#                 builds the module for it before its image is made; the
#                 guest reboots into it: root from bcacheN, data intact.
#   upgrade-fail  the same with the DKMS build broken: the upgrade stops
#                 (apt fails, no image for the new kernel: Debian 13's DKMS
#                 fails the kernel's postinst itself, on Debian 12 the image
#                 gate does), every image left has register_raw, and the old
#                 kernel still boots the root.
#   bootin        /boot inside the raw root (the line says writeback), and
#                 bcache-tools installed; the first boot straight after the
#                 packages (no update-initramfs by hand). The upgrade as
#                 above; the new kernel and image are then read from the raw
#                 disk image, as GRUB would, and must be what the guest
#                 wrote; the guest boots them. No device registered twice.
#   convert       plain disks: the running root and a mounted /data are
#                 converted with --create --next-boot; the next boot has
#                 both on bcacheN in writeback; --remove takes them back to
#                 plain disks, data intact.
#   outage        /var on its own plain disk and a nofail data volume in
#                 writeback on a second cache set; power cut (QEMU killed)
#                 during fsync'd writes to the root, then a clean boot with
#                 every fsync'd file intact; the root's cache disk missing:
#                 the boot stops in the initramfs with a message naming the
#                 volume and its set; the data volume's cache disk missing:
#                 the boot goes on without /data, bcacheassemble --scan
#                 does not wait for the set; all back: both volumes in
#                 writeback, data intact.
#   smoke         the root volume as --create leaves it, one boot of the
#                 release's own kernel and image: root from bcacheN in
#                 writeback, units active, nothing failed, the raw disk in
#                 no by-uuid link (make check runs it, one generator per
#                 release; the other cases are make check-system's)
#   anchor        boot time against Debian's bcache-tools (see case_anchor;
#                 a benchmark, not in the default list)
#
# usage: [GEN=initramfs-tools|dracut] SUITE=trixie|bookworm run.sh [CASE...]
# The root is made once by mkroot.sh and cached; the packages come from
# build/deb (make deb).
set -u
cd "$(dirname "$0")/../.." || exit 1
suite=${SUITE:-trixie}
# the initramfs generator: initramfs-tools (Debian's default) or dracut
# (its systemd initrd: dracut includes systemd when the system has it)
gen=${GEN:-initramfs-tools}
case $gen in
initramfs-tools) TOP=$(pwd)/build/system-$suite ;;
dracut) TOP=$(pwd)/build/system-$suite-dracut ;;
*) echo "GEN: initramfs-tools or dracut, not $gen"; exit 1 ;;
esac
KO=kernel/build/bcache.ko
HOSTK=$(printf '%s\n' /lib/modules/6.1.* | sort -V | tail -n 1)
HOSTK=${HOSTK##*/}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "system $suite $gen $1: PASS"; }
bad() { fail=$((fail + 1)); echo "system $suite $gen $1: FAIL $2"; }
has() { grep -aq "$2" "$1"; }
# a SYSTEST line's value; a kernel message the console put inside the line
# ("SYSTEST service active[  146.54] bochs-drm ...": a late driver) is cut off
val() {
	grep -a "^SYSTEST $2 " "$1" | head -n 1 | cut -d' ' -f3- |
		sed 's/\[ *[0-9]*\.[0-9]*\] .*//' | tr -d '\r'
}

inroot() {
	unshare --mount --fork chroot "$W/tree" sh -c 'mount -t proc proc /proc && exec "$@"' sh \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# tree: the cached root, this project's packages installed, the root volume
# described in bcachetab, the images rebuilt: what an admin's machine looks
# like after following the README.
tree() {
	rm -rf "$W" && mkdir -p "$W"
	echo "system $suite: copying the root"
	cp -a "$cache" "$W/tree" && rm -f "$W/tree/.ready"
	FSU=$(cat /proc/sys/kernel/random/uuid) BOOTU=$(cat /proc/sys/kernel/random/uuid)
	U=$(cat /proc/sys/kernel/random/uuid)
	truncate -s 1G "$W/cache.img"
	truncate -s 64M "$W/blank.img" "$W/blank2.img"
	make-bcache --block 512 --bucket 64k -C "$W/cache.img" >/dev/null
	C=$(bcache-super-show "$W/cache.img" | awk '$1=="cset.uuid" {print $2}')
	t=$W/tree
	printf '# NAME\tDEVICE\tCSET\tOPTIONS\n' >"$t/etc/bcachetab"
	if [ "$anchor" = 1 ]; then
		# a formatted root (make-bcache -B): its filesystem 8 KiB in
		rm -f "$W/root.img"
		truncate -s $((6 * 1024 * 1024 * 1024 + 8192)) "$W/root.img"
		make-bcache --block 512 -B "$W/root.img" >/dev/null
		F=$(bcache-super-show "$W/root.img" | awk '$1=="dev.uuid" {print $2}')
		printf 'root\tUUID=%s\t%s\tinitrd\n' "$F" "$C" >>"$t/etc/bcachetab"
	# convert: the admin converts the disks later, with --create --next-boot
	elif [ "$convert" = 0 ]; then
		printf 'root\tUUID=%s\t%s\traw,uuid=%s,mode=writeback,initrd\n' \
			"$FSU" "$C" "$U" >>"$t/etc/bcachetab"
	fi
	printf 'UUID=%s\t/\text4\terrors=remount-ro\t0 0\n' "$FSU" >"$t/etc/fstab"
	if [ "$convert" = 1 ]; then
		DU=$(cat /proc/sys/kernel/random/uuid)
		mkdir -p "$W/data/d" "$t/data"
		echo "$C" >"$t/root/upgrade/cset"
		mkfs.ext4 -q -F -U "$DU" -d "$W/data" "$W/data.img" 256M
		printf 'UUID=%s\t/data\text4\tdefaults\t0 2\n' "$DU" >>"$t/etc/fstab"
	fi
	[ "$bootin" = 1 ] || printf 'UUID=%s\t/boot\text4\tdefaults\t0 0\n' "$BOOTU" >>"$t/etc/fstab"
	if [ "$outage" = 1 ]; then
		# a nofail data volume on its own cache set, its line as
		# --create --next-boot leaves it (attached cold at the next boot)
		DU=$(cat /proc/sys/kernel/random/uuid) U2=$(cat /proc/sys/kernel/random/uuid)
		VARU=$(cat /proc/sys/kernel/random/uuid)
		truncate -s 512M "$W/cache2.img"
		make-bcache --block 512 --bucket 64k -C "$W/cache2.img" >/dev/null
		C2=$(bcache-super-show "$W/cache2.img" | awk '$1=="cset.uuid" {print $2}')
		mkdir -p "$W/data/d" "$t/data"
		mkfs.ext4 -q -F -U "$DU" -d "$W/data" "$W/data.img" 256M
		printf 'data\t/dev/disk/by-id/virtio-sysdata\t%s\traw,uuid=%s,mode=writeback,nofail,stale\n' \
			"$C2" "$U2" >>"$t/etc/bcachetab"
		printf '/dev/bcache/data\t/data\text4\tnofail\t0 2\n' >>"$t/etc/fstab"
		printf 'UUID=%s\t/var\text4\tdefaults\t0 2\n' "$VARU" >>"$t/etc/fstab"
	fi
	echo "systest-$suite" >"$t/etc/hostname"
	echo "$new" >"$t/root/upgrade/kver"
	install -m 0755 tests/system/guest/systest "$t/usr/local/sbin/systest"
	install -m 0644 tests/system/guest/systest.service "$t/etc/systemd/system/"
	ln -sf /etc/systemd/system/systest.service "$t/etc/systemd/system/multi-user.target.wants/"
	# the console is the test's: a getty there would hang up its output
	ln -sf /dev/null "$t/etc/systemd/system/serial-getty@ttyS0.service"
	if [ "$bootin" = 1 ] || [ "$anchor" = 1 ]; then
		echo "system $suite: installing bcache-tools"
		inroot apt-get install -y -q --no-install-recommends bcache-tools >"$W/bcache-tools.log" 2>&1 ||
			{ bad install "bcache-tools: see $W/bcache-tools.log"; return 1; }
	fi
	cp build/deb/bcacheassemble_*.deb build/deb/bcacheassemble-dkms_*.deb "$t/tmp/"
	if [ "$gen" = dracut ]; then
		echo "system $suite: installing dracut (in place of initramfs-tools)"
		inroot apt-get install -y -q --no-install-recommends dracut >"$W/dracut.log" 2>&1 &&
			[ ! -e "$W/tree/usr/sbin/update-initramfs" ] ||
			{ bad install "dracut: see $W/dracut.log"; return 1; }
	fi
	echo "system $suite: installing the packages (DKMS builds for $old)"
	inroot sh -c 'dpkg -i /tmp/bcacheassemble_*.deb /tmp/bcacheassemble-dkms_*.deb' \
		>"$W/install.log" 2>&1 || { bad install "see $W/install.log"; return 1; }
	# DKMS's module wins over the stock one; removing the package restores it
	k1=$(inroot modinfo -k "$old" -F filename bcache)
	if [ "$smoke" = 1 ]; then
		# what make check affords: one DKMS build, one image build
		case "$k1" in
		*/updates/dkms/bcache.ko*) ok "packages installed: DKMS module for $old in updates/dkms ($k1)" ;;
		*) bad install "module after install: $k1"; return 1 ;;
		esac
	else
		inroot dpkg -r bcacheassemble-dkms >>"$W/install.log" 2>&1
		k2=$(inroot modinfo -k "$old" -F filename bcache)
		inroot sh -c 'dpkg -i /tmp/bcacheassemble-dkms_*.deb' >>"$W/install.log" 2>&1
		k3=$(inroot modinfo -k "$old" -F filename bcache)
		case "$k1 $k2 $k3" in
		*/updates/dkms/bcache.ko*" "*/kernel/drivers/md/bcache/bcache.ko*" "*/updates/dkms/bcache.ko*)
			ok "packages installed: DKMS module for $old in updates/dkms ($k1), stock one back on removal" ;;
		*) bad install "module after install, removal, install: $k1 $k2 $k3"; return 1 ;;
		esac
	fi
	rm -f "$t"/tmp/*.deb
	inroot systemctl enable bcacheassemble.service bcacheassemble-initramfs.service >>"$W/install.log" 2>&1
	if [ "$bootin" = 1 ] || [ "$smoke" = 1 ]; then
		# the packages rebuilt the images (with the generator installed):
		# reboot straight away
		rebuilt="update-initramfs -u -k all"
		[ "$gen" = dracut ] && rebuilt="dracut -f --regenerate-all"
		has "$W/install.log" "$rebuilt" ||
			{ bad install "the packages rebuilt no image: see $W/install.log"; return 1; }
	else
		if [ "$gen" = dracut ]; then
			inroot dracut -f "/boot/initrd.img-$old" "$old"
		else
			inroot update-initramfs -u -k "$old"
		fi >>"$W/install.log" 2>&1 ||
			{ bad install "update-initramfs: see $W/install.log"; return 1; }
	fi
	if [ "$bootin" = 0 ]; then
		# /boot on its own plain disk (the bootloader's view stays true);
		# the host reads kernels and images from it as a bootloader would
		mkfs.ext4 -q -F -U "$BOOTU" -d "$t/boot" "$W/boot.img" 512M
		find "$t/boot" -mindepth 1 -delete
	fi
	if [ "$outage" = 1 ]; then
		# /var on its own disk: the tool's state is there, mounted late
		mkfs.ext4 -q -F -U "$VARU" -d "$t/var" "$W/var.img" 2G
		find "$t/var" -mindepth 1 -delete
	fi
	if [ "$anchor" = 1 ]; then
		mkfs.ext4 -q -F -b 4096 -U "$FSU" -d "$t" "$W/fs.img" 6G
		dd if="$W/fs.img" of="$W/root.img" bs=8192 seek=1 conv=notrunc,sparse status=none
		rm -f "$W/fs.img"
	else
		mkfs.ext4 -q -F -b 4096 -U "$FSU" -d "$t" "$W/root.img" 6G
	fi
	echo "system $suite: root.img $(du -m "$W/root.img" | cut -f1) MiB used"
	rm -rf "$t"
	[ "$convert" = 1 ] || [ "$anchor" = 1 ] && return 0
	# the volume's first registration, as bcacheassemble --create leaves it
	sh tests/vm/mkinitramfs.sh "$W/prep.gz" "$HOSTK" "$KO" bcacheassemble/bcacheassemble
	timeout 600 qemu-system-x86_64 -accel tcg,thread=single -m 1024 -smp 2 -nographic \
		-no-reboot -kernel "/boot/vmlinuz-$HOSTK" -initrd "$W/prep.gz" \
		-append "console=ttyS0 panic=-1 SP_U=$U SP_C=$C bctest=sysprep" \
		-drive "file=$W/root.img,if=virtio,format=raw" \
		-drive "file=$W/cache.img,if=virtio,format=raw" \
		-drive "file=$W/$([ "$bootin" = 1 ] && echo blank2 || echo boot).img,if=virtio,format=raw" \
		-drive "file=$W/blank.img,if=virtio,format=raw" </dev/null >"$W/prep.log" 2>&1
	has "$W/prep.log" "BCTEST-RESULT sysprep PASS" || { bad prep "see $W/prep.log"; return 1; }
}

# boot LOG KVER STEP: the guest's kernel and image as its bootloader would
# find them on /boot; disks named by serial (/dev/disk/by-id/virtio-*)
boot() {
	rm -f "$W/vmlinuz" "$W/initrd"
	if [ "$bootin" = 1 ]; then
		# /boot in the root: read from the raw disk, which is all GRUB sees
		bootimg=$W/root.img bootdir=/boot bootdisk=
	else
		bootimg=$W/boot.img bootdir='' bootdisk="-drive file=$W/boot.img,if=none,id=d2,format=raw
			-device virtio-blk-pci,drive=d2,serial=sysboot"
	fi
	[ -f "$W/data.img" ] && bootdisk="$bootdisk -drive file=$W/data.img,if=none,id=d3,format=raw
		-device virtio-blk-pci,drive=d3,serial=sysdata"
	[ -f "$W/var.img" ] && bootdisk="$bootdisk -drive file=$W/var.img,if=none,id=d4,format=raw
		-device virtio-blk-pci,drive=d4,serial=sysvar"
	[ -f "$W/cache2.img" ] && [ -z "${nocache2:-}" ] && bootdisk="$bootdisk
		-drive file=$W/cache2.img,if=none,id=d5,format=raw -device virtio-blk-pci,drive=d5,serial=syscache2"
	cachedisk="-drive file=$W/cache.img,if=none,id=d1,format=raw -device virtio-blk-pci,drive=d1,serial=syscache"
	[ -z "${nocache:-}" ] || cachedisk=
	debugfs -R "dump $bootdir/vmlinuz-$2 $W/vmlinuz" "$bootimg" >/dev/null 2>&1
	debugfs -R "dump $bootdir/initrd.img-$2 $W/initrd" "$bootimg" >/dev/null 2>&1
	if [ ! -s "$W/vmlinuz" ] || [ ! -s "$W/initrd" ]; then
		echo "no kernel or image $2 on /boot" >"$1"
		return 1
	fi
	t0=$(date +%s)
	# the log exists before QEMU's shell opens it: tail -f below must not
	# find it missing (it gives up at once, and the guest is killed)
	: >"$1"
	# (word-split on purpose)
	qemu-system-x86_64 -accel tcg,thread=single -m 2048 -smp 2 \
		-nographic -no-reboot -kernel "$W/vmlinuz" -initrd "$W/initrd" \
		-append "root=UUID=$FSU rw console=ttyS0 panic=-1 sysrq_always_enabled ${append:-}systest=$3" \
		-drive "file=$W/root.img,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0,serial=sysroot \
		-monitor "unix:$W/monitor,server=on,wait=off" \
		$cachedisk $bootdisk </dev/null >"$1" 2>&1 &
	qpid=$!
	if [ -n "$plug_at" ]; then
		# when the guest says plug_at, the second cache disk is plugged in
		(timeout 3600 sh -c 'tail -n +1 --pid="$1" -f "$2" | grep -aq -m 1 -e "$3"' \
			sh "$qpid" "$1" "$plug_at" &&
			monitor "drive_add 0 if=none,id=d5,file=$W/cache2.img,format=raw" \
				"device_add virtio-blk-pci,drive=d5,serial=syscache2") >"$W/monitor.log" 2>&1 &
	fi
	# until the guest powers off, or says cut_at (then the power is cut:
	# QEMU killed, nothing flushed), or a task hangs, or the deadline
	timeout "${deadline:-${SYSTEM_TIMEOUT:-10800}}" sh -c 'tail -n +1 --pid="$1" -f "$2" |
		grep -aq -m 1 -e "$3" -e "$4"' sh "$qpid" "$1" "${cut_at:-^NEVER-CUT}" "$HUNG"
	has "$1" "$HUNG" && kill -0 "$qpid" 2>/dev/null && hung "$1"
	kill -KILL "$qpid" 2>/dev/null
	wait "$qpid"
	echo "system $suite: boot $3 on $2: $(($(date +%s) - t0)) s"
}

# hung LOG: a guest task hung (the kernel's hung-task report); before the
# guest is killed, what was in flight: each virtio disk's queues as QEMU sees
# them (LOG.hang) and the guest's blocked tasks (SysRq w, on its console)
HUNG="blocked for more than"
hung() {
	devs=$(monitor "info virtio" 2>&1)
	{
		echo "$devs"
		for p in $(echo "$devs" | grep -o '/machine/[^ ]*virtio-backend' | sort -u); do
			monitor "info virtio-queue-status $p 0" "info virtio-queue-status $p 1"
		done
	} >"$1.hang" 2>&1
	monitor "sendkey alt-sysrq-w" >/dev/null 2>&1
	timeout 120 sh -c 'tail -n +1 -f "$1" | grep -aq -m 1 "Show Blocked State"' sh "$1"
	echo "system $suite: a guest task hung: blocked tasks in $1, disk queues in $1.hang"
}

# monitor CMD...: commands to QEMU's human monitor of the running guest
monitor() {
	python3 - "$W/monitor" "$@" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
def prompt():
    buf = b''
    while not buf.endswith(b'(qemu) '):
        data = s.recv(4096)
        if not data:
            sys.exit('monitor closed')
        buf += data
    return buf.decode(errors='replace')
prompt()
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b'\n')
    print(prompt())
EOF
}

# common checks of a boot: KVER, root from bcacheN in writeback, nothing
# failed, no raw disk mounted
up() {
	came_up "$@" && has "$1" "^SYSTEST end "
}
came_up() { # the same checks for a boot whose step did not end (power cut)
	[ "$(val "$1" kernel)" = "$2" ] && has "$1" "^SYSTEST root-source /dev/bcache[0-9]" &&
		has "$1" "^SYSTEST root-mode .*\[${rootmode:-writeback}\]" && ! has "$1" "^SYSTEST failed [a-z]" &&
		[ "$(val "$1" service)" = active ] && [ "$(val "$1" raw-mounted)" = 0 ] &&
		! has "$1" "already registered" && ! has "$1" "$HUNG"
}

# What make check affords per release: the packages on a real system and
# one boot through its own kernel, DKMS module, generator and systemd
case_smoke() {
	smoke=1
	tree || return
	L=$W/smoke
	boot "$L-1.log" "$old" report
	if up "$L-1.log" "$old" && has "$L-1.log" "^SYSTEST units .*root=active" &&
		[ "$(val "$L-1.log" raw-links)" = 0 ]; then
		ok "$old: root from bcacheN in writeback, its unit active, nothing failed, the raw disk in no by-uuid link"
	else bad smoke "see $L-1.log"; fi
}

case_upgrade() {
	tree || return
	L=$W/upgrade
	boot "$L-1.log" "$old" up1
	m1=$(grep -a "^SYSTEST wrote marker " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	m2=$(grep -a "^SYSTEST wrote marker2 " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	if up "$L-1.log" "$old" && [ "$(val "$L-1.log" apt-rc)" = 0 ] &&
		[ "$(val "$L-1.log" new-image)" = yes ] &&
		has "$L-1.log" "^SYSTEST image $new .*updates/dkms/bcache.ko.* register_raw=yes" &&
		! has "$L-1.log" "register_raw=no"; then
		ok "apt-get install of kernel $new under a raw writeback root: DKMS module in its image"
	else bad upgrade-1 "see $L-1.log"; return; fi
	boot "$L-2.log" "$new" report
	if up "$L-2.log" "$new" && [ -n "$m1" ] && [ "$(val "$L-2.log" marker)" = "$m1" ] &&
		[ "$(val "$L-2.log" marker2)" = "$m2" ]; then
		ok "reboot into $new: root from bcacheN in writeback, data written before and after the upgrade intact"
	else bad upgrade-2 "see $L-2.log"; fi
}

case_upgrade_fail() {
	tree || return
	L=$W/upgrade-fail
	boot "$L-1.log" "$old" bad1
	m1=$(grep -a "^SYSTEST wrote marker " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	if up "$L-1.log" "$old" && [ "$(val "$L-1.log" apt-rc)" != 0 ] &&
		[ "$(val "$L-1.log" new-image)" = no ] &&
		{ has "$L-1.log" "has no register_raw" || has "$L-1.log" "dkms exited with return code"; } &&
		has "$L-1.log" "^SYSTEST image $old .*register_raw=yes" &&
		! has "$L-1.log" "register_raw=no"; then
		ok "DKMS build broken: the upgrade fails, no image for $new, the image of $old keeps register_raw"
	else bad upgrade-fail-1 "see $L-1.log"; return; fi
	boot "$L-2.log" "$old" report
	if up "$L-2.log" "$old" && [ -n "$m1" ] && [ "$(val "$L-2.log" marker)" = "$m1" ]; then
		ok "the next boot (still $old) assembles the root, data intact"
	else bad upgrade-fail-2 "see $L-2.log"; fi
}

# /boot in the raw root: the kernel runs it writethrough, GRUB reads the disk
case_bootin() {
	bootin=1 rootmode=writethrough
	tree || return
	L=$W/bootin
	boot "$L-1.log" "$old" bootin1
	m1=$(grep -a "^SYSTEST wrote marker " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	if up "$L-1.log" "$old" && [ "$(val "$L-1.log" apt-rc)" = 0 ] &&
		[ "$(val "$L-1.log" new-image)" = yes ] &&
		has "$L-1.log" "^SYSTEST line root[[:space:]].*mode=writeback" &&
		has "$L-1.log" "^SYSTEST image $new .*register_raw=yes" &&
		! has "$L-1.log" "register_raw=no"; then
		ok "bcache-tools installed, first boot straight after the packages; kernel $new installed into /boot on the raw root (writethrough, line writeback)"
	else bad bootin-1 "see $L-1.log"; return; fi
	rm -f "$W/vmlinuz" "$W/initrd"
	debugfs -R "dump /boot/vmlinuz-$new $W/vmlinuz" "$W/root.img" >/dev/null 2>&1
	debugfs -R "dump /boot/initrd.img-$new $W/initrd" "$W/root.img" >/dev/null 2>&1
	gk=$(val "$L-1.log" "bootfile vmlinuz-$new" | awk '{ print $2 }')
	gi=$(val "$L-1.log" "bootfile initrd.img-$new" | awk '{ print $2 }')
	hk=$(sha256sum <"$W/vmlinuz" | cut -d' ' -f1) hi=$(sha256sum <"$W/initrd" | cut -d' ' -f1)
	if [ -n "$gi" ] && [ "$gk" = "$hk" ] && [ "$gi" = "$hi" ]; then
		ok "the raw disk holds vmlinuz and initrd.img of $new as the guest wrote them (GRUB's view)"
	else bad bootin-raw "guest $gk $gi, raw disk $hk $hi"; return; fi
	boot "$L-2.log" "$new" report
	if up "$L-2.log" "$new" && [ -n "$m1" ] && [ "$(val "$L-2.log" marker)" = "$m1" ]; then
		ok "boot of $new from the files on the raw disk: root from bcacheN, data intact"
	else bad bootin-2 "see $L-2.log"; fi
}

# The documented conversion of a running root and a mounted data disk
# (--create --next-boot), the boot that follows, and the way back (--remove)
case_convert() {
	convert=1
	tree || return
	L=$W/convert
	boot "$L-1.log" "$old" convert1
	m1=$(grep -a "^SYSTEST wrote marker " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	d1=$(grep -a "^SYSTEST wrote dmarker " "$L-1.log" | awk '{ print $4 }' | tr -d '\r')
	if [ "$(val "$L-1.log" create-root)" = 0 ] && [ "$(val "$L-1.log" create-data)" = 0 ] &&
		has "$L-1.log" "^SYSTEST line root[[:space:]].*stale" && has "$L-1.log" "^SYSTEST line root[[:space:]].*initrd" &&
		has "$L-1.log" "^SYSTEST line data[[:space:]].*stale" && [ "$(val "$L-1.log" data-mounted)" = 1 ] &&
		has "$L-1.log" "^SYSTEST end "; then
		ok "--create --next-boot on the mounted root and /data: lines written, images rebuilt, nothing registered"
	else bad convert-1 "see $L-1.log"; return; fi
	boot "$L-2.log" "$old" convert2
	if up "$L-2.log" "$old" && [ "$(val "$L-2.log" marker)" = "$m1" ] &&
		[ "$(val "$L-2.log" dmarker)" = "$d1" ] &&
		has "$L-2.log" "^SYSTEST data-source /dev/bcache[0-9]" &&
		has "$L-2.log" "^SYSTEST data-mode .*\[writeback\]" &&
		has "$L-2.log" "^SYSTEST units .*root=active" &&
		has "$L-2.log" "^SYSTEST units .*data=active" &&
		! has "$L-2.log" "^SYSTEST line .*stale"; then
		ok "the next boot: root and /data from bcacheN in writeback, no --force, data intact, both volume units active"
	else bad convert-2 "see $L-2.log"; return; fi
	boot "$L-3.log" "$old" convert3
	if [ "$(val "$L-3.log" remove-data)" = 0 ] && [ "$(val "$L-3.log" remove-root)" = 0 ] &&
		! has "$L-3.log" "^SYSTEST line " && has "$L-3.log" "^SYSTEST end "; then
		ok "--remove data, --remove root: drained, detached, lines gone"
	else bad convert-3 "see $L-3.log"; return; fi
	boot "$L-4.log" "$old" report
	if has "$L-4.log" "^SYSTEST root-source /dev/vd" && has "$L-4.log" "^SYSTEST data-source /dev/vd" &&
		[ "$(val "$L-4.log" marker)" = "$m1" ] && [ "$(val "$L-4.log" dmarker)" = "$d1" ] &&
		! has "$L-4.log" "^SYSTEST failed [a-z]" && [ "$(val "$L-4.log" bcache-devices)" = 0 ]; then
		ok "the way back: plain disks mounted as before, data intact, no bcache device"
	else bad convert-4 "see $L-4.log"; fi
}

# Outages: power cut, cache disks missing and back, with /var on its own disk
case_outage() {
	outage=1
	tree || return
	L=$W/outage
	cut_at="^SYSTEST fsynced 12 "
	boot "$L-1.log" "$old" pc1
	cut_at=
	if came_up "$L-1.log" "$old" && has "$L-1.log" "^SYSTEST fsynced 12 " &&
		has "$L-1.log" "^SYSTEST data-source /dev/bcache[0-9]" &&
		has "$L-1.log" "^SYSTEST var-source /dev/vd" && ! has "$L-1.log" "^SYSTEST end "; then
		ok "/var on its own disk, /data attached cold; power cut after 12 fsync'd files"
	else bad outage-1 "see $L-1.log"; return; fi
	# FILE SUM per line: the markers, and pc-N for the fsync'd files
	grep -a "^SYSTEST wrote \|^SYSTEST fsynced " "$L-1.log" | tr -d '\r' |
		awk '{ print ($2 == "fsynced" ? "pc-" $3 : $3), $4 }' | LC_ALL=C sort >"$W/written"
	intact() { # LOG: every file written and fsync'd before the cut, as written
		grep -a "^SYSTEST rmarker \|^SYSTEST dmarker \|^SYSTEST pcfile " "$1" | tr -d '\r' |
			awk '{ print ($2 == "pcfile" ? "pc-" $3 : $2), ($2 == "pcfile" ? $4 : $3) }' |
			LC_ALL=C sort >"$W/read"
		# each file read back (in every report of the boot) as written
		LC_ALL=C join "$W/written" "$W/read" | awk -v n="$(wc -l <"$W/written")" \
			'$2 != $3 { bad = 1 } { seen[$1] = 1 } END { for (k in seen) m++; exit bad || m != n }'
	}
	boot "$L-2.log" "$old" report
	if up "$L-2.log" "$old" && intact "$L-2.log" &&
		has "$L-2.log" "^SYSTEST data-mode .*\[writeback\]" &&
		has "$L-2.log" "^SYSTEST units .*root=active" && has "$L-2.log" "^SYSTEST units .*data=active"; then
		ok "the boot after the cut: root and /data in writeback, $(wc -l <"$W/written") fsync'd files intact, nothing failed"
	else bad outage-2 "see $L-2.log"; return; fi
	# the root's cache disk missing: held in the initramfs until the
	# generator gives up on the root (initramfs-tools: rootdelay, then its
	# panic; dracut: rd.retry for its initqueue, rd.timeout for systemd's
	# wait on the root device, then the emergency action instead of a shell)
	case $gen in
	dracut) append="rd.retry=60 rd.timeout=120 rd.shell=0 rd.emergency=reboot " ;;
	*) append="rootdelay=90 " ;;
	esac
	nocache=1 deadline=1800
	boot "$L-3.log" "$old" report
	nocache='' append='' deadline=''
	if grep -a "root" "$L-3.log" | grep -a "$C" | grep -aq "held" && ! has "$L-3.log" "^SYSTEST " &&
		! has "$L-3.log" "Kernel panic\|BUG:\|Call Trace"; then
		ok "root's cache disk missing: the boot stops in the initramfs: $(grep -a "root" "$L-3.log" | grep -a "$C" | grep -a -m 1 held | tr -d '\r' | cut -c1-160)"
	else bad outage-3 "see $L-3.log"; return; fi
	nocache2=1 plug_at="^SYSTEST hotplug-ready"
	boot "$L-4.log" "$old" late
	nocache2='' plug_at=''
	sc=$(val "$L-4.log" scan-seconds)
	# before the cache disk is plugged in
	sed '/^SYSTEST hotplug-ready/q' "$L-4.log" >"$L-4-before.log"
	if [ "$(val "$L-4.log" kernel)" = "$old" ] && has "$L-4.log" "^SYSTEST root-mode .*\[writeback\]" &&
		intact "$L-4.log" && ! has "$L-4-before.log" "^SYSTEST data-source" &&
		has "$L-4-before.log" "^SYSTEST units .*root=active" &&
		awk -v s="$sc" 'BEGIN { exit !(s != "" && s < 15) }' &&
		has "$L-4-before.log" "^SYSTEST units .*data=failed"; then
		ok "the root's cache back, /data's cache missing (nofail): root intact, the boot goes on without /data, data's unit failed (--scan ran $sc s; multi-user.target at $(val "$L-4.log" time-multi-user) s, $(val "$L-2.log" time-multi-user) s with every disk)"
	else bad outage-4 "see $L-4.log"; return; fi
	if has "$L-4.log" "^SYSTEST late-data /dev/bcache[0-9]* active" &&
		has "$L-4.log" "^SYSTEST units .*data=active"; then
		ok "/data's cache disk plugged in later: the volume runs, its unit active again"
	else bad outage-4-late "see $L-4.log and $W/monitor.log"; fi
	boot "$L-5.log" "$old" report
	if up "$L-5.log" "$old" && intact "$L-5.log" && has "$L-5.log" "^SYSTEST data-mode .*\[writeback\]" &&
		has "$L-5.log" "^SYSTEST units .*data=active"; then
		ok "every disk back: root and /data in writeback, data intact, nothing failed"
	else bad outage-5 "see $L-5.log"; fi
}

# Boot time against the anchor: a formatted root (make-bcache -B) found by
# Debian's bcache-tools (its udev rule in the initramfs; rd.bcache.conf=0)
# against the same root, image and system through bcacheassemble. BENCH_BOOTS
# (5) pairs, each path first in every other pair (a boot after another is not
# a boot after a fresh start: the host still writes back the last one's
# disks); seconds from /init (the kernel's "Run /init", the same kernel work
# before it in both) to the root mounted (the kernel's first "EXT4-fs
# (bcacheN): mounted") and to multi-user.target (systemd's monotonic clock,
# which the kernel's timestamps share), and from the root's disk appearing
# (its driver's "[vdX]" line: what comes before is the same kernel and udev
# work in both, and half the spread) to the root mounted; medians, fastest
# boots, the ratios of the medians and the medians of the pairs' ratios.
case_anchor() {
	anchor=1 rootmode=writethrough
	tree || return
	L=$W/anchor n=${BENCH_BOOTS:-5}
	# the first boot attaches the root to set C (bcacheassemble, from its
	# line); its superblock says so from then on, for both paths
	boot "$L-0.log" "$old" report
	up "$L-0.log" "$old" || { bad anchor-0 "warm-up boot: see $L-0.log"; return; }
	: >"$W/tools.t"
	: >"$W/ours.t"
	for i in $(seq "$n"); do
		order="tools ours"
		[ $((i % 2)) = 0 ] && order="ours tools"
		for p in $order; do
			append=
			[ "$p" = tools ] && append="rd.bcache.conf=0 "
			boot "$L-$p-$i.log" "$old" report
		done
		append=
		for p in tools ours; do
			f=$L-$p-$i.log
			# who registered the root: a word of ours before the root is
			# mounted in our boots only
			sed '/EXT4-fs (bcache[0-9]*): mounted/q' "$f" | grep -aq "bcacheassemble: root" &&
				w=ours || w=tools
			if ! up "$f" "$old" || [ "$w" != "$p" ]; then
				bad "anchor-$p-$i" "root registered by $w: see $f"
				return
			fi
			ti=$(kts "$f" "Run /init as init process")
			tm=$(kts "$f" "EXT4-fs (bcache[0-9]*): mounted")
			mu=$(val "$f" time-multi-user)
			disk=$(grep -a -m 1 -o "Caching [a-z0-9]* as bcache" "$f" | cut -d' ' -f2)
			td=$(kts "$f" "\[${disk:-none}\] .*logical blocks")
			if [ -z "$ti" ] || [ -z "$tm" ] || [ -z "$mu" ] || [ -z "$td" ]; then
				bad "anchor-$p-$i" "no /init, root disk, root mount or multi-user.target time: see $f"
				return
			fi
			dm=$(echo "$tm $ti" | awk '{ printf "%.2f", $1 - $2 }')
			du=$(echo "$mu $ti" | awk '{ printf "%.2f", $1 - $2 }')
			dd=$(echo "$tm $td" | awk '{ printf "%.2f", $1 - $2 }')
			echo "$dm $du $dd" >>"$W/$p.t"
			echo "system $suite $gen anchor $p, boot $i: /init to root mounted $dm s, to multi-user.target $du s; root disk to root mounted $dd s"
		done
	done
	median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
	med() { cut -d' ' -f"$2" "$W/$1.t" | median; }
	low() { cut -d' ' -f"$2" "$W/$1.t" | sort -n | head -n 1; }
	ratio() { echo "$(med ours "$1") $(med tools "$1")" | awk '{ printf "%.3f", $1 / $2 }'; }
	# the median of the pairs' ratios: a pair's two boots run one after
	# the other, under the same load from the rest of the machine
	paired() {
		paste -d' ' "$W/ours.t" "$W/tools.t" |
			awk -v f="$1" '{ printf "%.3f\n", $f / $(f + 3) }' | median
	}
	ok "formatted root, medians of $n boots (fastest in brackets): /init to root mounted, bcache-tools $(med tools 1) s ($(low tools 1)), bcacheassemble $(med ours 1) s ($(low ours 1)), ratio $(ratio 1) (of pairs $(paired 1)); /init to multi-user.target $(med tools 2) s ($(low tools 2)) and $(med ours 2) s ($(low ours 2)), ratio $(ratio 2) (of pairs $(paired 2)); root disk to root mounted $(med tools 3) s ($(low tools 3)) and $(med ours 3) s ($(low ours 3)), ratio $(ratio 3) (of pairs $(paired 3))"
}

# kts LOG PATTERN: the kernel's timestamp (seconds) of the first console
# line matching PATTERN
kts() {
	grep -a -m 1 -e "$2" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
}

cache=${CHROOT_CACHE:-/var/cache/bcacheassemble}/system-$suite
kvers=$(sh tests/system/mkroot.sh "$suite") || exit 1
old=${kvers% *} new=${kvers#* }
ls build/deb/bcacheassemble_*.deb build/deb/bcacheassemble-dkms_*.deb >/dev/null ||
	{ echo "missing build/deb packages (make deb)"; exit 1; }
[ -f "$KO" ] || { echo "missing $KO (make -C kernel module)"; exit 1; }
[ $# -gt 0 ] || set -- upgrade upgrade-fail bootin convert outage
for c in "$@"; do
	W=$TOP/$c # a case's own tree, disks and logs: cases may run at once
	# each case starts from the defaults: a case's flags (bootin's
	# writethrough root, outage's /var and data volume, ...) must not reach
	# the next one
	bootin=0 convert=0 outage=0 anchor=0 smoke=0 rootmode='' plug_at='' cut_at=''
	nocache='' nocache2='' append='' deadline=''
	case $c in
	upgrade) case_upgrade ;;
	upgrade-fail) case_upgrade_fail ;;
	bootin) case_bootin ;;
	convert) case_convert ;;
	outage) case_outage ;;
	anchor) case_anchor ;;
	smoke) case_smoke ;;
	*) bad "$c" "no such case" ;;
	esac
done
echo "system $suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
