# The same disk by path, by MAJ:MIN, by another name, and through register:
# EEXIST (or register's EINVAL), no duplicate sysfs entries, no WARN.
case_alias() {
	V=/dev/vdc
	U=$(newuuid)
	dd if=/dev/zero of=$V bs=1M count=1 2>/dev/null
	mkdir -p /dev/disk/by-id
	ln -sf ../../vdc /dev/disk/by-id/virtio-alias
	check "first" eq "$(rawreg "dev=$V uuid=$U")" OK
	check "by path again" eq "$(rawreg "dev=$V uuid=$U")" EEXIST
	check "by path, new uuid" eq "$(rawreg "dev=$V uuid=$(newuuid)")" EEXIST
	check "by MAJ:MIN" eq "$(rawreg "dev=$(cat /sys/block/vdc/dev) uuid=$U")" EEXIST
	check "by link" eq "$(rawreg "dev=/dev/disk/by-id/virtio-alias uuid=$U")" EEXIST
	check "via register" eq "$(vmh write /sys/fs/bcache/register $V)" EINVAL
	check "one bcache device" eq "$(ls -d /sys/block/bcache* | wc -l)" 1
	check "stop" stop_backing vdc
	# formatted first, then raw
	make-bcache -B $V >/dev/null 2>&1
	echo $V >/sys/fs/bcache/register
	check "raw after register" eq "$(rawreg "dev=$V uuid=$U")" EEXIST
	check "stop" stop_backing vdc
	dd if=/dev/zero of=$V bs=1M count=1 2>/dev/null
	check "rmmod" unload
	check "insmod" load_bcache
}
