# Boot 2: registered before its cache set, the volume is held (no bcacheN,
# disk claimed); once the set is back the data reads right and writes back.
case_wbreboot2() {
	B=/dev/vda
	# shellcheck disable=SC2046 # three words on purpose
	set -- $(dd if=/dev/vdd bs=512 count=1 2>/dev/null | tr -d '\0')
	U=$1 C=$2 S=$3
	[ -n "$S" ] || { fail "no notes from boot 1"; return; }
	check "register before the set" eq "$(rawreg "dev=$B uuid=$U cset=$C mode=writeback")" OK
	check "held back" eq "$(cat /sys/block/vda/bcache/running)" 0
	check "no bcache device" test ! -e /sys/block/vda/bcache/dev
	check "disk claimed" eq "$(vmh excl $B)" EBUSY
	check "dirty data not on the disk" test "$(region_sum $B 1024 64)" != "$S"
	echo /dev/vdb >/sys/fs/bcache/register
	check "runs once the set is back" wait_for 20 test -e /sys/block/vda/bcache/dev
	D=$(bdev_of vda)
	check "dirty" eq "$(bstate vda)" dirty
	check "data through bcache" eq "$(region_sum /dev/$D 1024 64)" "$S"
	echo 0 >/sys/block/$D/bcache/writeback_percent
	check "written back" wait_for 60 state_is vda clean
	check "stop" stop_backing vda
	check "data on the disk" eq "$(region_sum $B 1024 64)" "$S"
	check "stop all" stop_all
}
