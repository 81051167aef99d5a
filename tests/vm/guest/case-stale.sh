# The stale-cache hazard: a volume cached by set C runs without it and is
# changed; with the default state the old cache must not be served again.
# (state=clean is shown to serve the stale block: the hazard is real.)
case_stale() {
	B=/dev/vda
	dd if=/dev/zero of=$B bs=1M count=8 2>/dev/null
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	U=$(newuuid)
	check "register" eq "$(rawreg "dev=$B uuid=$U cset=$C state=none")" OK || return
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "no bcache dev"; return; }
	D=$(bdev_of vda)
	echo 0 >/sys/block/$D/bcache/sequential_cutoff
	dd if=/dev/urandom of=/tmp/d1 bs=4k count=16 2>/dev/null
	dd if=/tmp/d1 of=/dev/$D bs=4k seek=512 oflag=direct 2>/dev/null
	D1=$(region_sum /dev/$D 512 16)
	region_sum /dev/$D 512 16 >/dev/null # cached now
	check "stop" stop_backing vda
	check "set stop" stop_cache_set "$C"

	# uncached run: held (clean, set absent), forced, rewritten
	check "held" eq "$(rawreg "dev=$B uuid=$U cset=$C state=clean")" OK
	echo 1 >/sys/block/vda/bcache/running
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "forced run"; return; }
	D=$(bdev_of vda)
	dd if=/dev/urandom of=/dev/$D bs=4k seek=512 count=16 oflag=direct 2>/dev/null
	D2=$(region_sum /dev/$D 512 16)
	check "changed" test "$D1" != "$D2"
	check "stop" stop_backing vda

	echo /dev/vdb >/sys/fs/bcache/register
	wait_for 10 test -d "/sys/fs/bcache/$C" || { fail "set back"; return; }
	# the hazard: a wrong state=clean attaches warm and serves D1
	check "clean" eq "$(rawreg "dev=$B uuid=$U cset=$C state=clean")" OK
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "clean run"; return; }
	got=$(region_sum "/dev/$(bdev_of vda)" 512 16)
	if [ "$got" = "$D1" ]; then note "state=clean served the stale block (hazard reproduced)"
	else note "state=clean did not serve the stale block this time"; fi
	check "stop" stop_backing vda
	# the default state for a writethrough line with a set is stale: cold
	check "default" eq "$(rawreg "dev=$B uuid=$U cset=$C")" OK
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "default run"; return; }
	check "attached" wait_for 10 test -e /sys/block/vda/bcache/cache
	check "no stale data under the default state" eq "$(region_sum "/dev/$(bdev_of vda)" 512 16)" "$D2"
	check "stop all" stop_all
	check "rmmod" unload
	check "insmod" load_bcache
}
