#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run each libFuzzer harness for SECONDS from a seed corpus; print executions.
# usage: run.sh SECONDS FUZZER...
set -eu
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for f in "$@"; do
	name=$(basename "$f")
	corpus=${BUILD:-build}/fuzz/corpus-$name
	mkdir -p "$corpus"
	cp "$here"/seeds/"$name"/* "$corpus"/ 2>/dev/null || true
	if [ "$name" = fuzz_superblock ] && [ -d "${BUILD:-build}/fixtures" ]; then
		for img in "${BUILD:-build}"/fixtures/*.img; do
			dd if="$img" of="$corpus/$(basename "$img").sb" bs=4096 skip=1 \
				count=1 status=none 2>/dev/null || true
		done
	fi
	log=${BUILD:-build}/fuzz/$name.log
	if "$f" -max_total_time="$secs" -max_len=8192 -print_final_stats=1 \
		"$corpus" >"$log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		tail -40 "$log"
	fi
	echo "$name: $(awk '/stat::number_of_executed_units/ {print $2}' "$log") executions in ${secs}s"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
