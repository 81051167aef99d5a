#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Parse and plan bcachetabs of 10, 1,000 and 10,000 raw volumes against a fake
# sysfs with as many disks: CPU time per entry and peak RSS of the static
# binary, for --check (parse) and --scan (parse, probe, plan, write the
# register_raw lines into the fake files). Numbers, not assertions.
set -eu
BIN=$(cd "$(dirname "$0")/.." && pwd)/bcacheassemble/bcacheassemble
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/rusage" "$(dirname "$0")/rusage.c"
# shellcheck source=bench/faketree.sh
. "$(dirname "$0")/faketree.sh"
printf '%-8s %-7s %12s %14s %10s\n' entries mode "cpu ms" "us/entry" "rss KiB"
[ $# -gt 0 ] || set -- 10 1000 10000
for n in "$@"; do
	faketree "$T/r" "$n" "$n"
	for mode in --check --scan; do
		"$T/rusage" "$BIN" "$mode" -q -t 0 -w 0 >"$T/time" 2>/dev/null
		read -r us m <"$T/time"
		ms=$(awk -v u="$us" 'BEGIN { printf "%.1f", u / 1000 }')
		per=$(awk -v u="$us" -v n="$n" 'BEGIN { printf "%.1f", u / n }')
		printf '%-8s %-7s %12s %14s %10s\n' "$n" "${mode#--}" "$ms" "$per" "$m"
	done
done
