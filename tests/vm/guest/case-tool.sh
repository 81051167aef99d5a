# bcacheassemble against the real kernel: create, stop, scan, held back,
# refused and forced run, 'stale' recorded, cold re-attach.
case_tool() {
	B=/dev/vda
	rm -f /etc/bcachetab
	dd if=/dev/urandom of=$B bs=1M count=2 2>/dev/null
	H=$(head_sum $B)
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	out=$(bcacheassemble --create data $B --cache-set "$C" --options mode=writeback 2>&1)
	check "create: $out" grep -q "^data	$B	$C	raw,uuid=" /etc/bcachetab
	check "running" test -e /sys/block/vda/bcache/dev
	check "created writeback" grep -q '\[writeback\]' /sys/block/vda/bcache/cache_mode
	check "no stale once attached" not grep -q stale /etc/bcachetab
	check "stop" bcacheassemble --stop data
	check "stopped" not_registered vda
	out=$(bcacheassemble --scan 2>&1)
	check "scan: $out" test -e /sys/block/vda/bcache/dev
	check "rescan is a no-op" sh -c 'bcacheassemble --scan 2>&1 | grep -q "already running"'
	bcacheassemble --detail data | grep -q "running as /dev/bcache" || fail "detail"
	# in the initramfs its messages also go to the kernel's log, where
	# they outlive the image (a record per message, at its level)
	printf 'bad line\n' >/tmp/kmsgtab
	BCACHETAB=/tmp/kmsgtab bcacheassemble --initrd --check >/dev/null 2>&1
	check "initrd messages in the kernel's log" sh -c \
		'dmesg -r | grep -q "^<11>.*bcacheassemble: /tmp/kmsgtab:1: "'
	# but once only where stderr is the journal (JOURNAL_STREAM names it)
	cp /tmp/kmsgtab /tmp/kmsgtab2
	: >/tmp/kmsgerr
	BCACHETAB=/tmp/kmsgtab2 JOURNAL_STREAM=$(stat -c %d:%i /tmp/kmsgerr) \
		bcacheassemble --initrd --check 2>/tmp/kmsgerr
	check "stderr the journal: on it" grep -q "/tmp/kmsgtab2:1: " /tmp/kmsgerr
	check "stderr the journal: not in the kernel's log" sh -c '! dmesg | grep -q /tmp/kmsgtab2'
	# or is a stream whose peer is journald's stdout socket (dracut's hooks
	# inherit a stale JOURNAL_STREAM); a socket elsewhere is not the journal
	mkdir -p /run/systemd/journal
	for t in 3 4; do
		cp /tmp/kmsgtab /tmp/kmsgtab$t
	done
	out=$(BCACHETAB=/tmp/kmsgtab3 vmh peer /run/systemd/journal/stdout \
		bcacheassemble --initrd --check)
	check "stderr journald's socket: on it ($out)" test -n "$(echo "$out" | grep /tmp/kmsgtab3:1:)"
	check "stderr journald's socket: not in the kernel's log" sh -c '! dmesg | grep -q /tmp/kmsgtab3'
	out=$(BCACHETAB=/tmp/kmsgtab4 vmh peer /run/other.sock bcacheassemble --initrd --check)
	check "stderr another socket: on it ($out)" test -n "$(echo "$out" | grep /tmp/kmsgtab4:1:)"
	check "stderr another socket: in the kernel's log" sh -c 'dmesg | grep -q /tmp/kmsgtab4:1:'
	bcacheassemble --detail --scan | grep -q "^data	$B	$C	raw,uuid=" || fail "detail --scan"
	check "stop" bcacheassemble --stop data
	check "set stop" stop_cache_set "$C"
	# hide the cache: the volume must be held back, exit 3
	dd if=/dev/vdb of=/tmp/cachehead bs=1M count=1 2>/dev/null
	dd if=/dev/zero of=/dev/vdb bs=1M count=1 2>/dev/null
	bcacheassemble --scan -w 1 >/tmp/out 2>&1
	check "held exit 3: $(cat /tmp/out)" eq "$?" 3
	check "held" eq "$(cat /sys/block/vda/bcache/running)" 0
	check "claimed" eq "$(vmh excl $B)" EBUSY
	bcacheassemble --run data >/tmp/out 2>&1 && fail "run without --force"
	grep -q "may hold dirty data" /tmp/out || fail "refusal message"
	check "still held" eq "$(cat /sys/block/vda/bcache/running)" 0
	check "forced" bcacheassemble --run --force data
	check "stale recorded" grep -q "^data	.*,stale$" /etc/bcachetab
	check "stop" bcacheassemble --stop --force data
	dd if=/tmp/cachehead of=/dev/vdb bs=1M count=1 2>/dev/null
	bcacheassemble --scan >/tmp/out 2>&1
	check "stale registration: $(cat /tmp/out)" eq "$?" 0
	dmesg | grep -q "registered raw backing device vda .* state stale" || fail "not registered stale"
	check "attached" test -e /sys/block/vda/bcache/cache
	check "stale gone once attached" not grep -q stale /etc/bcachetab
	check "writeback again" grep -q '\[writeback\]' /sys/block/vda/bcache/cache_mode
	# leaving writeback drains at full speed while a writer rewrites
	# blocks being written back, as a file system's journal does: a write
	# that overlaps a key being written back is dirty again, so a pass can
	# end with dirty data left, and the next pass must not wait
	# writeback_delay (the drain sets it to 0; a pause the writeback thread
	# already began, up to the old 30 s, still runs out: hence 45 s); the
	# tunables come back after
	BC=/dev/$(bdev_of vda)
	echo 10 >/sys/block/vda/bcache/writeback_percent
	echo 30 >/sys/block/vda/bcache/writeback_delay
	dd if=/dev/urandom of="$BC" bs=4k count=256 seek=256 oflag=direct 2>/dev/null
	check "dirty before the drain" grep -q dirty /sys/block/vda/bcache/state
	(while [ ! -e /tmp/stopw ]; do
		dd if=/dev/urandom of="$BC" bs=4k count=8 seek=256 oflag=direct 2>/dev/null
		sleep 0.3 # the workload's pace, not a wait for anything
	done) &
	w=$!
	out=$(bcacheassemble -t 45 --set-mode data writethrough 2>&1)
	check "drained within 45 s: $out $(cat /sys/block/vda/bcache/dirty_data)" eq "$?" 0
	: >/tmp/stopw
	wait $w
	rm -f /tmp/stopw
	check "writethrough after the drain" grep -q '\[writethrough\]' /sys/block/vda/bcache/cache_mode
	check "writeback_percent back" eq "$(cat /sys/block/vda/bcache/writeback_percent)" 10
	check "writeback_delay back" eq "$(cat /sys/block/vda/bcache/writeback_delay)" 30
	check "the line no longer says writeback" not grep -q "^data	.*mode=writeback" /etc/bcachetab
	check "stop all" stop_all
	check "first MiB untouched" eq "$(head_sum $B)" "$H"
}
