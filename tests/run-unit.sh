#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Make superblock fixtures with make-bcache, then run the unit test programs.
set -eu
: "${BUILD:=build}"
mkdir -p "$BUILD/fixtures"
FIXTURES=$(cd "$BUILD/fixtures" && pwd)
export FIXTURES
mkdir -p "$FIXTURES"
f=$FIXTURES
if [ ! -f "$f/.done" ]; then
	rm -f "$f"/*.img
	truncate -s 16M "$f/backing.img" "$f/backing-offset.img" "$f/ext4.img"
	truncate -s 32M "$f/cache.img"
	make-bcache --bucket 32k -C "$f/cache.img" -B "$f/backing.img" \
		--writeback >/dev/null
	make-bcache -B "$f/backing-offset.img" --data-offset 2048 >/dev/null
	cp "$f/backing.img" "$f/badcsum.img"
	printf 'X' | dd of="$f/badcsum.img" bs=1 seek=$((4096 + 72)) \
		conv=notrunc status=none
	head -c 5000 "$f/backing.img" >"$f/truncated.img"
	truncate -s 1M "$f/zero.img"
	mkfs.ext4 -q -F -L DataVol -U 11111111-2222-3333-4444-555555555555 "$f/ext4.img"
	touch "$f/.done"
fi
pass=0
fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "unit programs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
