# Demo, boot 1: an existing ext4 disk becomes a writeback-cached volume.
say() { echo "DEMO| $*"; }
run() { say "# $*"; "$@" 2>&1 | sed 's/^/DEMO|   /'; }
case_demo1() {
	mkdir -p /mnt/d
	say "vda holds an ext4 filesystem made before bcache ever saw it:"
	mount -o ro /dev/vda /mnt/d && run ls /mnt/d && run cat /mnt/d/hello.txt && umount /mnt/d
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	say "vdb is a new cache set $C"
	run bcacheassemble --create data /dev/vda --cache-set "$C" --options mode=writeback,label=data
	run cat /etc/bcachetab
	run bcacheassemble --detail data
	mount /dev/bcache0 /mnt/d || { fail "mount bcache0"; return; }
	echo "written through the writeback cache in boot 1" >/mnt/d/boot1.txt
	sync
	run ls /mnt/d
	umount /mnt/d
	run cat /sys/block/bcache0/bcache/state
	dd if=/etc/bcachetab of=/dev/vdd bs=64k conv=sync 2>/dev/null
	say "power off; bcachetab travels to the next boot on vdd"
}
