# 10,000 malformed lines; the taint check in run_case does the rest.
case_fuzz() {
	dd if=/dev/zero of=/dev/vdd bs=1M count=1 2>/dev/null
	out=$(vmh fuzz 10000 42 /dev/vdd)
	note "$out"
	case $out in "fuzz: 10000 lines"*) ;; *) fail "fuzzer: $out"; return ;; esac
	check "nothing left registered" not_registered vdd
	check "rmmod" unload
	check "insmod" load_bcache
}
