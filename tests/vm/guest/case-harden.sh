# register_raw hardening: the uuid comes from a text line, so the kernel
# checks the slot it names. Dirty data is never dropped by a stale or none
# registration (held with EUCLEAN) unless the line says dirty=discard;
# a flash-only slot and a slot of another size are refused; a full uuid
# table fails the write, and a refused write has released the disk when it
# returns; the raw label store takes the line's characters.

dirty_kb() { # DEV -> dirty data of its bcache device, in KiB
	awk '{ v = $1 + 0; u = substr($1, length($1));
	       if (u == "k") v *= 1; else if (u == "M") v *= 1024;
	       else if (u == "G") v *= 1048576; else v /= 1024;
	       print int(v) }' "/sys/block/$1/bcache/dirty_data"
}

clean_now() { [ "$(dirty_kb "$1")" = 0 ]; } # read at every poll

# write 16 blocks at block 512 that stay dirty in the cache; prints their sum
dirty_write() { # DEV
	D=$(bdev_of "$1")
	echo 0 >"/sys/block/$1/bcache/writeback_running"
	echo 0 >"/sys/block/$D/bcache/sequential_cutoff"
	dd if=/dev/urandom of=/tmp/dw bs=4k count=16 2>/dev/null
	dd if=/tmp/dw of="/dev/$D" bs=4k seek=512 oflag=direct 2>/dev/null
	sha256sum </tmp/dw | cut -d' ' -f1
}

up() { # DEV: wait for the bcache device of a registration
	wait_for 10 test -e "/sys/block/$1/bcache/dev"
}

case_harden() {
	B=/dev/vda
	dd if=/dev/zero of=$B bs=1M count=8 2>/dev/null
	dd if=/dev/zero of=/dev/vdc bs=1M count=8 2>/dev/null
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	U=$(newuuid)
	R0=$(region_sum $B 512 16)

	# 1. a dirty slot and state=stale: refused, nothing dropped
	check "first attach" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writeback state=none")" OK || return
	up vda || { fail "no bcache dev"; return; }
	D1=$(dirty_write vda)
	check "dirty" test "$(dirty_kb vda)" -gt 0
	check "stop" stop_backing vda
	check "stale refused" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writeback state=stale")" EUCLEAN
	check "released at once" released vda
	check "not written back" eq "$(region_sum $B 512 16)" "$R0"
	check "none refused" eq "$(rawreg "dev=$B uuid=$U cset=$C state=none")" EUCLEAN
	check "released at once" released vda
	# state=dirty gets it back and writes it back
	check "dirty ok" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writeback state=dirty")" OK
	up vda || { fail "dirty run"; return; }
	check "dirty data served" eq "$(region_sum "/dev/$(bdev_of vda)" 512 16)" "$D1"
	echo 1 >/sys/block/vda/bcache/writeback_running
	check "written back" wait_for 60 clean_now vda
	check "stop" stop_backing vda
	check "on the raw disk" eq "$(region_sum $B 512 16)" "$D1"

	# 2. dirty=discard gives dirty data up, and only with state=stale
	check "clean ok" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writeback state=clean")" OK
	up vda || { fail "clean run"; return; }
	dirty_write vda >/dev/null
	check "stop" stop_backing vda
	check "discard needs stale" eq "$(rawreg "dev=$B uuid=$U cset=$C state=dirty dirty=discard")" EINVAL
	check "discard" eq "$(rawreg "dev=$B uuid=$U cset=$C state=stale dirty=discard")" OK
	up vda || { fail "discard run"; return; }
	check "attached cold" wait_for 10 test -e /sys/block/vda/bcache/cache
	check "disk contents served" eq "$(region_sum "/dev/$(bdev_of vda)" 512 16)" "$D1"
	check "logged" sh -c 'dmesg | grep -q "dirty sectors in set .* (dirty=discard)"'
	check "stop" stop_backing vda

	# 3. cache_mode changed in sysfs, then a crash before the record knew:
	# the record says writethrough (stale), the set holds dirty data
	check "wt" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writethrough state=none")" OK
	up vda || { fail "wt run"; return; }
	echo writeback >/sys/block/vda/bcache/cache_mode
	D3=$(dirty_write vda)
	check "stop" stop_backing vda
	check "set stop" stop_cache_set "$C"
	echo /dev/vdb >/sys/fs/bcache/register
	check "set back" wait_for 10 test -d "/sys/fs/bcache/$C"
	check "crash record refused" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writethrough state=stale")" EUCLEAN
	check "clean record" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writethrough state=clean")" OK
	up vda || { fail "clean record run"; return; }
	check "treated as dirty" sh -c 'dmesg | grep -q "has dirty data in the cache set, treating it as dirty"'
	check "crash data served" eq "$(region_sum "/dev/$(bdev_of vda)" 512 16)" "$D3"
	check "written back" wait_for 60 clean_now vda

	# 4. the label store takes what the line takes
	check "label bad" eq "$(vmh write /sys/block/vda/bcache/label 'a b')" EINVAL
	check "label ok" eq "$(vmh write /sys/block/vda/bcache/label 'ok.label-1')" OK
	check "stop" stop_backing vda

	# 5. a slot recorded for another size
	check "other disk" eq "$(rawreg "dev=/dev/vdc uuid=$U cset=$C state=stale")" EMEDIUMTYPE
	check "other offset" eq "$(rawreg "dev=$B uuid=$U cset=$C state=stale data_offset=8")" EMEDIUMTYPE
	check "released vdc at once" released vdc

	# 6. a flash-only volume's slot
	echo 16M >"/sys/fs/bcache/$C/flash_vol_create"
	F=$(vmh flashuuid /dev/vdb 32768) || { fail "no flash uuid"; return; }
	check "flash stale" eq "$(rawreg "dev=/dev/vdc uuid=$F cset=$C state=stale")" EMEDIUMTYPE
	check "flash none" eq "$(rawreg "dev=/dev/vdc uuid=$F cset=$C state=none")" EMEDIUMTYPE
	check "flash dirty" eq "$(rawreg "dev=/dev/vdc uuid=$F cset=$C mode=writeback state=dirty")" EMEDIUMTYPE
	check "flash kept" test -n "$(vmh flashuuid /dev/vdb 32768)"
	# a dirty line whose set has no slot for it
	check "no slot" eq "$(rawreg "dev=/dev/vdc uuid=$(newuuid) cset=$C mode=writeback state=dirty")" ENODATA
	check "released vdc at once" released vdc

	# 7. MAJ:MIN wider than 32 bits, a damaged superblock
	check "major wide" eq "$(rawreg "dev=4294967549:0 uuid=$(newuuid)")" EINVAL
	check "minor wide" eq "$(rawreg "dev=252:4294967328 uuid=$(newuuid)")" EINVAL
	make-bcache -B /dev/vdc >/dev/null 2>&1
	check "formatted" eq "$(rawreg "dev=/dev/vdc uuid=$(newuuid)")" EEXIST
	printf '\377' | dd of=/dev/vdc bs=1 seek=4096 conv=notrunc 2>/dev/null
	check "damaged" eq "$(rawreg "dev=/dev/vdc uuid=$(newuuid)")" EINVAL
	dd if=/dev/zero of=/dev/vdc bs=1M count=1 2>/dev/null
	check "stop all" stop_all

	# 8. a full uuid table (4 KiB buckets: 32 slots) fails the write
	dd if=/dev/zero of=/dev/vdd bs=1M count=2 2>/dev/null
	make-bcache --bucket 4k -C /dev/vdd >/dev/null 2>&1
	echo /dev/vdd >/sys/fs/bcache/register
	C4=$(bcache-super-show /dev/vdd | awk '$1=="cset.uuid" {print $2}')
	check "small set" wait_for 10 test -d "/sys/fs/bcache/$C4" || return
	i=0
	while [ $i -lt 32 ]; do
		r=$(rawreg "dev=/dev/vdc uuid=$(newuuid) cset=$C4 state=none")
		[ "$r" = OK ] || { fail "slot $i: $r"; break; }
		stop_backing vdc || { fail "stop $i"; break; }
		i=$((i + 1))
	done
	check "full" eq "$(rawreg "dev=/dev/vdc uuid=$(newuuid) cset=$C4 state=none")" ENOSPC
	check "not left running" released vdc
	check "stop all" stop_all
	check "rmmod" unload
	check "insmod" load_bcache
}
