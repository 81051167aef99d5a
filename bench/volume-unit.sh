#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What one volume's unit costs at boot: bcacheassemble@NAME.service runs
# 'bcacheassemble -t 0 -w 0 NAME'. With 10, 100 and 1,000 fake disks and a
# bcachetab of 10 lines or one per disk, its cache set present (the usual
# case: bcacheassemble.service or udev registered it first) and missing
# (then every disk is probed once, for the set's cache devices). CPU is the
# mean of REPEAT calls; system calls and opens from strace.
set -eu
BIN=$(cd "$(dirname "$0")/.." && pwd)/bcacheassemble/bcacheassemble
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
REPEAT=${REPEAT:-20}
CS=11111111-2222-4333-8444-555555555555
cc -O2 -o "$T/rusage" "$(dirname "$0")/rusage.c"
# shellcheck source=bench/faketree.sh
. "$(dirname "$0")/faketree.sh"
cpu() {
	i=0 sum=0
	while [ $i -lt "$REPEAT" ]; do
		"$T/rusage" "$BIN" -q -q -t 0 -w 0 v0 >"$T/time" 2>/dev/null || :
		read -r us _ <"$T/time"
		sum=$((sum + us))
		i=$((i + 1))
	done
	echo $((sum / REPEAT))
}
calls() {
	strace -f -o "$T/strace" "$BIN" -q -q -t 0 -w 0 v0 >/dev/null 2>&1 || :
	printf '%s %s' \
		"$(grep -cv -e '^[0-9]* +++ exited' -e '^[0-9]* --- ' "$T/strace")" \
		"$(grep -c -e ' open(' -e ' openat(' "$T/strace")"
}
printf '%-6s %-6s %-8s %12s %9s %6s\n' disks lines set "cpu us/call" syscalls opens
for n in 10 100 1000; do
	sizes=10
	[ "$n" = 10 ] || sizes="10 $n"
	for lines in $sizes; do
		faketree "$T/r" "$n" "$lines"
		sed -i "s/\t-\traw,/\t$CS\traw,/" "$BCACHETAB"
		for set in present missing; do
			if [ $set = present ]; then
				mkdir -p "$T/r/sys/fs/bcache/$CS"
			else
				rmdir "$T/r/sys/fs/bcache/$CS"
			fi
			# shellcheck disable=SC2046
			printf '%-6s %-6s %-8s %12s %9s %6s\n' "$n" "$lines" $set \
				"$(cpu)" $(calls)
		done
	done
done
