#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fio 4k random read and write IOPS in one guest (QEMU TCG, Debian 6.1,
# patched bcache.ko) through a raw-registered volume, the dm-linear header
# workaround and a formatted volume on one cache set; rounds alternate the
# order. Prints per-round IOPS, medians and the ratios raw/dm-linear and
# raw/formatted. Numbers for the docs, not assertions.
set -eu
cd "$(dirname "$0")/.."
make -s -C kernel module >/dev/null
sh tests/vm/run.sh bench >/dev/null 2>&1 || true
log=${BUILD:-build}/vm/bench.log
grep -a '^BENCH' "$log" | tr -d '\r' >"${BUILD:-build}/vm/bench.txt" || {
	echo "no results; see $log"
	exit 1
}
awk '
$1 == "BENCH" { v[$2 " " $3] = v[$2 " " $3] " " $5; rounds[$4] = 1 }
$1 == "BENCH-HITS" { hits = hits " " $2 "=" $3 "%" }
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (k in v) printf "%-16s rounds:%s\n", k, v[k]
	for (rw = 0; rw < 2; rw++) {
		w = rw ? "randwrite" : "randread"
		r = median(v["raw " w]); d = median(v["dm " w]); f = median(v["fmt " w])
		printf "%-9s median IOPS raw %.0f, dm-linear %.0f, formatted %.0f; raw/dm-linear %.2f, raw/formatted %.2f\n", w, r, d, f, r / d, r / f
	}
	print "cache hit ratios:" hits
}' "${BUILD:-build}/vm/bench.txt"
