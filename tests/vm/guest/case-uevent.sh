# bcacheN's CHANGE uevent carries CACHED_UUID (and CACHED_LABEL) for raw
# devices too.
case_uevent() {
	V=/dev/vdc
	U=$(newuuid)
	uevent-log >/tmp/ev &
	pid=$!
	wait_for 10 grep -q READY /tmp/ev || { fail "listener did not start"; return; }
	check "register" eq "$(rawreg "dev=$V uuid=$U label=ev1")" OK
	wait_for 10 grep -q "CACHED_UUID=$U" /tmp/ev || fail "no CACHED_UUID=$U event"
	kill $pid
	grep "CACHED_UUID=$U" /tmp/ev | grep -q "DRIVER=bcache" || fail "no DRIVER=bcache"
	grep "CACHED_UUID=$U" /tmp/ev | grep -q "CACHED_LABEL=ev1" || fail "no CACHED_LABEL"
	grep "CACHED_UUID=$U" /tmp/ev | grep -q "^change@" || fail "not a change event"
	check "backing_dev_uuid" eq "$(cat "/sys/block/$(bdev_of vdc)/bcache/backing_dev_uuid")" "$U"
	check "stop" stop_backing vdc
}
