# Every refusal has its errno and one log line; afterwards the device is free
# (it can be registered or mounted) and the module unloads.
refused() { # WANT LINE...
	w=$1
	shift
	n0=$(dmesg | grep -c "register_raw")
	got=$(rawreg "$*")
	n1=$(dmesg | grep -c "register_raw")
	eq "$got" "$w" || { fail "'$*' gave $got, expected $w"; return 1; }
	[ $((n1 - n0)) -eq 1 ] || { fail "'$*': $((n1 - n0)) log lines"; return 1; }
}

usable() { # the device registers and stops again
	check "usable after refusal" eq "$(rawreg "dev=$1 uuid=$(newuuid)")" OK &&
		check "stop" stop_backing "$(basename "$1")"
}

case_refuse() {
	V=/dev/vdc
	U=$(newuuid)
	check "mode 0200" eq "$(stat -c %a /sys/fs/bcache/register_raw)" 200
	check "EPERM without CAP_SYS_ADMIN" eq "$(vmh nocap /sys/fs/bcache/register_raw "dev=$V uuid=$U")" EPERM
	refused ENOENT "dev=/dev/nonexistent uuid=$U"
	got=$(rawreg "dev=250:250 uuid=$U")
	case $got in ENXIO | ENODEV | ENOENT) ;; *) fail "missing MAJ:MIN gave $got" ;; esac

	blockdev --setro $V
	refused EACCES "dev=$V uuid=$U"
	refused EACCES "dev=$(cat /sys/block/vdc/dev) uuid=$U"
	blockdev --setrw $V
	usable $V

	mkfs.ext4 -q -F $V >/dev/null 2>&1
	mkdir -p /mnt/v
	mount $V /mnt/v || fail "mount"
	refused EBUSY "dev=$V uuid=$U"
	umount /mnt/v
	usable $V

	dmsetup create lin --table "0 2048 linear $V 0" || fail "dmsetup"
	refused EBUSY "dev=$V uuid=$U"
	dmsetup remove lin
	usable $V

	refused EINVAL "dev=$V uuid=$U data_offset=$(blockdev --getsz $V)"
	refused EINVAL "dev=$V uuid=$U data_offset=$(($(blockdev --getsz $V) + 1))"
	refused EINVAL "dev=$V uuid=$U block=256"
	refused EINVAL "dev=$V uuid=$U mode=writeback"
	refused EINVAL "dev=$V uuid=$U state=clean"
	refused EINVAL "dev=$V"
	usable $V

	check "register" eq "$(rawreg "dev=$V uuid=$U")" OK
	refused EEXIST "dev=/dev/vda uuid=$U"
	refused EINVAL "dev=/dev/$(bdev_of vdc) uuid=$(newuuid)"
	check "stop" stop_backing vdc
	usable /dev/vda

	dd if=/dev/zero of=$V bs=1M count=1 2>/dev/null
	make-bcache -B $V >/dev/null 2>&1 || fail "make-bcache"
	refused EEXIST "dev=$V uuid=$U"
	echo $V >/sys/fs/bcache/register || fail "formatted register"
	check "formatted stop" stop_backing vdc
	dd if=/dev/zero of=$V bs=1M count=1 2>/dev/null
	usable $V

	mount $V /mnt/v 2>/dev/null && umount /mnt/v
	check "rmmod" unload
	check "insmod" load_bcache
}
