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
printf '%-8s %-7s %12s %14s %10s\n' entries mode "cpu ms" "us/entry" "rss KiB"
[ $# -gt 0 ] || set -- 10 1000 10000
for n in "$@"; do
	rm -rf "$T/r"
	mkdir -p "$T/r/sys/fs/bcache" "$T/r/sys/class/block" "$T/r/dev" "$T/r/etc"
	: >"$T/r/sys/fs/bcache/register_raw"
	: >"$T/r/sys/fs/bcache/register"
	awk -v n="$n" -v root="$T/r" 'BEGIN {
		for (i = 0; i < n; i++) {
			d = sprintf("%s/sys/class/block/d%d", root, i)
			system("mkdir -p " d)
			printf "%d:%d\n", 8 + int(i / 256), i % 256 > (d "/dev")
			printf "2048\n" > (d "/size")
			close(d "/dev"); close(d "/size")
			printf "v%d\t/dev/d%d\t-\traw,uuid=%08x-0000-4000-8000-%012x,size=2048\n", i, i, i, i > (root "/etc/bcachetab")
		}
	}'
	(cd "$T/r/dev" && i=0 && while [ $i -lt "$n" ]; do : >"d$i"; i=$((i + 1)); done)
	export BCACHEASSEMBLE_SYSFS="$T/r/sys" BCACHEASSEMBLE_DEVROOT="$T/r" \
		BCACHETAB="$T/r/etc/bcachetab" BCACHEASSEMBLE_NO_KMOD=1 \
		BCACHEASSEMBLE_UEVENT_SOCKET="$T/sock" \
		BCACHEASSEMBLE_RUNDIR="$T/run"
	for mode in --check --scan; do
		"$T/rusage" "$BIN" "$mode" -q -t 0 -w 0 >"$T/time" 2>/dev/null
		read -r us m <"$T/time"
		ms=$(awk -v u="$us" 'BEGIN { printf "%.1f", u / 1000 }')
		per=$(awk -v u="$us" -v n="$n" 'BEGIN { printf "%.1f", u / n }')
		printf '%-8s %-7s %12s %14s %10s\n' "$n" "${mode#--}" "$ms" "$per" "$m"
	done
done
