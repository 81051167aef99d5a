#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The udev path: what one 'bcacheassemble --incremental --export' costs
# (the rule runs it for every block event), with 10, 100 and 1,000 fake
# disks and a 10-line bcachetab; then a whole coldplug of 1,000 disks (one
# call per disk). CPU is the mean of REPEAT calls; system calls from strace.
set -eu
BIN=$(cd "$(dirname "$0")/.." && pwd)/bcacheassemble/bcacheassemble
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
REPEAT=${REPEAT:-50}
cc -O2 -o "$T/rusage" "$(dirname "$0")/rusage.c"
# shellcheck source=bench/faketree.sh
. "$(dirname "$0")/faketree.sh"
event() { # DEV: mean CPU microseconds per call
	i=0 sum=0
	while [ $i -lt "$REPEAT" ]; do
		"$T/rusage" "$BIN" -q -q --incremental --export "$1" \
			disk/by-id/x disk/by-uuid/y >"$T/time" 2>/dev/null
		read -r us _ <"$T/time"
		sum=$((sum + us))
		i=$((i + 1))
	done
	echo $((sum / REPEAT))
}
syscalls() { # DEV
	strace -f -o "$T/strace" "$BIN" -q -q --incremental --export "$1" \
		disk/by-id/x >/dev/null 2>&1
	grep -cv -e '^[0-9]* +++ exited' -e '^[0-9]* --- ' "$T/strace"
}
printf '%-6s %-10s %14s %10s\n' disks event "cpu us/call" syscalls
for n in 10 100 1000; do
	faketree "$T/r" "$n" 10
	for dev in /dev/d0 /dev/d$((n - 1)); do
		printf '%-6s %-10s %14s %10s\n' "$n" "${dev#/dev/}" "$(event "$dev")" \
			"$(syscalls "$dev")"
	done
done
coldplug() { # LINES
	faketree "$T/r" 1000 "$1"
	t0=$(date +%s.%N)
	i=0
	while [ $i -lt 1000 ]; do
		"$BIN" -q -q --incremental --export "/dev/d$i" >/dev/null 2>&1
		i=$((i + 1))
	done
	echo "coldplug, 1,000 disks, $1-line bcachetab, one call per disk in turn:" \
		"$(echo "$(date +%s.%N) - $t0" | bc) s wall"
}
coldplug 10
coldplug 1000
