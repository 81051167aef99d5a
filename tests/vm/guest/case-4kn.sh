# A disk with 4096-byte logical sectors.
case_4kn() {
	modprobe sd_mod && modprobe scsi_debug dev_size_mb=128 sector_size=4096 || { fail "scsi_debug"; return; }
	wait_for 10 test -b /dev/sda || { fail "no sda"; return; }
	S=/dev/sda
	U=$(newuuid)
	check "block=512 refused" eq "$(rawreg "dev=$S uuid=$U block=512")" EINVAL
	check "data_offset=1 refused" eq "$(rawreg "dev=$S uuid=$U data_offset=1")" EINVAL
	check "data_offset=8" eq "$(rawreg "dev=$S uuid=$U data_offset=8")" OK
	wait_for 10 test -e /sys/block/sda/bcache/dev || { fail "no bcache dev"; return; }
	D=$(bdev_of sda)
	check "logical block 4096" eq "$(cat /sys/block/$D/queue/logical_block_size)" 4096
	dd if=/dev/urandom of=/tmp/x bs=4k count=8 2>/dev/null
	dd if=/tmp/x of=/dev/$D bs=4k seek=4 oflag=direct 2>/dev/null
	check "data at offset" eq "$(region_sum $S 5 8)" "$(sha256sum </tmp/x | cut -d' ' -f1)"
	check "stop" stop_backing sda
	check "default block" eq "$(rawreg "dev=$S uuid=$U")" OK
	wait_for 10 test -e /sys/block/sda/bcache/dev || { fail "no bcache dev"; return; }
	check "logical block 4096" eq "$(cat "/sys/block/$(bdev_of sda)/queue/logical_block_size")" 4096
	check "stop" stop_backing sda
	check "rmmod scsi_debug" rmmod scsi_debug
	check "rmmod" unload
	check "insmod" load_bcache
}
