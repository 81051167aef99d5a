# 10,000 malformed lines in 20 chunks; dmesg is checked after each chunk (the
# ring buffer would not hold them all) and the console keeps quiet (printing
# 10,000 lines to a TCG serial port stalls the guest).
case_fuzz() {
	dd if=/dev/zero of=/dev/vdd bs=1M count=1 2>/dev/null
	saved=$(cut -f1 /proc/sys/kernel/printk)
	echo 1 >/proc/sys/kernel/printk
	total=0 accepted=0 i=0
	while [ $i -lt 20 ]; do
		out=$(vmh fuzz 500 $((1000 + i)) /dev/vdd)
		case $out in "fuzz: 500 lines, "*) ;; *) fail "fuzzer: $out"; break ;; esac
		a=${out#fuzz: 500 lines, }
		accepted=$((accepted + ${a%% *}))
		total=$((total + 500))
		bad=$(dmesg -c | grep -E "$PATTERNS" | head -3)
		[ -z "$bad" ] || { fail "chunk $i: $bad"; break; }
		[ "$(cat /proc/sys/kernel/tainted)" = "$BASE_TAINT" ] || { fail "taint after chunk $i"; break; }
		i=$((i + 1))
	done
	echo "$saved" >/proc/sys/kernel/printk
	note "fuzz: $total lines written, $accepted were valid (registered and stopped again)"
	check "10000 lines" eq "$total" 10000
	check "nothing left registered" not_registered vdd
	check "released" wait_for 30 released vdd
	check "rmmod" unload
	check "insmod" load_bcache
}
