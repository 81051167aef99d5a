# Sector 8 of a raw device is user data: walk every superblock writer (first
# attach, cache_mode, dirty writes, writeback to clean, label, detach,
# forced running, stop) and check the first MiB of the disk never changes.
case_canary() {
	B=/dev/vda
	dd if=/dev/urandom of=$B bs=1M count=4 2>/dev/null
	sync
	H=$(head_sum $B)
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	U=$(newuuid)
	canary() { eq "$(head_sum $B)" "$H" || fail "first MiB changed after $1"; }

	check "register" eq "$(rawreg "dev=$B uuid=$U cset=$C state=none")" OK || return
	check "bcache dev" wait_for 10 test -e /sys/block/vda/bcache/dev || return
	D=$(bdev_of vda)
	check "attached (W2)" eq "$(bstate vda)" clean
	canary "first attach (W2)"
	dmesg | grep -q "registered raw backing device vda uuid $U" ||
		fail "no registration log line"

	echo writeback >/sys/block/$D/bcache/cache_mode
	canary "cache_mode (W6)"
	echo 0 >/sys/block/$D/bcache/writeback_running
	echo 0 >/sys/block/$D/bcache/sequential_cutoff
	dd if=/dev/urandom of=/dev/$D bs=4k seek=1024 count=64 oflag=direct 2>/dev/null
	check "dirty (W3)" eq "$(bstate vda)" dirty
	canary "dirty writes (W3)"
	W=$(region_sum /dev/$D 1024 64)

	echo 0 >/sys/block/$D/bcache/writeback_percent
	echo 1 >/sys/block/$D/bcache/writeback_running
	check "writeback to clean (W4)" wait_for 60 state_is vda clean
	canary "writeback to clean (W4)"
	check "written back" eq "$(region_sum $B 1024 64)" "$W"

	echo lab1 >/sys/block/$D/bcache/label
	canary "label (W7)"
	check "label kept" eq "$(cat /sys/block/$D/bcache/label)" lab1
	echo writethrough >/sys/block/$D/bcache/cache_mode
	canary "cache_mode back (W6)"

	echo 1 >/sys/block/$D/bcache/detach
	check "detached (W5)" wait_for 30 state_is vda "no cache"
	canary "detach (W5)"
	check "stop" stop_backing vda
	canary "stop"

	# W1: held back (state=clean, set absent), then forced to run
	check "set stop" stop_cache_set "$C"
	check "held" eq "$(rawreg "dev=$B uuid=$U cset=$C state=clean")" OK
	check "not running" eq "$(cat /sys/block/vda/bcache/running)" 0
	echo 1 >/sys/block/vda/bcache/running
	check "forced run" wait_for 10 test -e /sys/block/vda/bcache/dev
	canary "forced running (W1)"
	dmesg | grep -q "raw backing device vda started without its cache set" ||
		fail "no forced-run warning"
	check "stop" stop_backing vda
	canary "final stop"
	check "rmmod" unload
	check "insmod" load_bcache
}
