# Writeback data across a real reboot, boot 1: dirty data in the cache,
# never written back; notes for boot 2 on /dev/vdd.
case_wbreboot1() {
	B=/dev/vda
	dd if=/dev/zero of=$B bs=1M count=8 2>/dev/null
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	U=$(newuuid)
	check "register" eq "$(rawreg "dev=$B uuid=$U cset=$C state=none mode=writeback")" OK || return
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "no bcache dev"; return; }
	D=$(bdev_of vda)
	echo 0 >/sys/block/$D/bcache/writeback_running
	echo 0 >/sys/block/$D/bcache/sequential_cutoff
	dd if=/dev/urandom of=/dev/$D bs=4k seek=1024 count=64 oflag=direct 2>/dev/null
	S=$(region_sum /dev/$D 1024 64)
	check "dirty" eq "$(bstate vda)" dirty
	check "not on the disk yet" test "$(region_sum $B 1024 64)" != "$S"
	echo "$U $C $S" | dd of=/dev/vdd bs=512 count=1 conv=sync 2>/dev/null
	sync
	note "reboot with dirty data: $U $C"
}
