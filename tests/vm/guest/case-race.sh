# register_raw racing stop, pendings_cleanup and cache set register/stop.
case_race() {
	V=/dev/vdc
	dd if=/dev/zero of=$V bs=1M count=1 2>/dev/null
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	U=$(newuuid)
	i=0
	while [ $i -lt 200 ]; do
		case $((i % 4)) in
		0) line="dev=$V uuid=$U" ;;
		1) line="dev=$V uuid=$U cset=$C state=none" ;;
		2) line="dev=$V uuid=$U cset=$C state=clean" ;;
		3) line="dev=$V uuid=$U cset=$C mode=writeback" ;;
		esac
		rawreg "$line" >/dev/null &
		[ -e /sys/block/vdc/bcache/stop ] && echo 1 >/sys/block/vdc/bcache/stop 2>/dev/null &
		echo 1 >/sys/fs/bcache/pendings_cleanup &
		if [ $((i % 10)) -eq 0 ]; then
			echo 1 >"/sys/fs/bcache/$C/stop" 2>/dev/null &
			wait
			wait_for 30 test ! -e "/sys/fs/bcache/$C" || { fail "set stop round $i"; return; }
			echo /dev/vdb >/sys/fs/bcache/register 2>/dev/null &
		fi
		wait
		[ -e /sys/block/vdc/bcache/stop ] && echo 1 >/sys/block/vdc/bcache/stop
		wait_for 30 not_registered vdc || { fail "not stopped in round $i"; return; }
		[ -d "/sys/fs/bcache/$C" ] || echo /dev/vdb >/sys/fs/bcache/register
		i=$((i + 1))
	done
	note "200 rounds"
	check "stop all" stop_all
	check "rmmod" unload
	check "insmod" load_bcache
}
