#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check's share of the system tests: case smoke on Debian 12 with
# initramfs-tools and on Debian 13 with dracut's systemd initrd, the two at
# once (each guest is one TCG thread; the machine has two cores). The
# full matrix is make check-system.
#
#   sh tests/system/smoke.sh [--prefetch]
#
# --prefetch makes the two roots in the background and returns at once
# (make check starts it first: making a root is mostly downloading and
# unpacking, which overlaps the CPU-bound tests; mkroot.sh's lock makes the
# later run wait for it).
set -u
cd "$(dirname "$0")/../.." || exit 1
log=build/system-smoke
mkdir -p "$log"
if [ "${1:-}" = --prefetch ]; then
	for s in bookworm trixie; do
		sh tests/system/mkroot.sh "$s" >"$log/mkroot-$s.log" 2>&1 </dev/null &
	done
	exit 0
fi
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1200} SUITE=bookworm GEN=initramfs-tools sh tests/system/run.sh smoke >"$log/bookworm.log" 2>&1 &
b=$!
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1200} SUITE=trixie GEN=dracut sh tests/system/run.sh smoke >"$log/trixie.log" 2>&1 &
t=$!
rb=0 rt=0
wait "$b" || rb=$?
wait "$t" || rt=$?
cat "$log/bookworm.log" "$log/trixie.log"
for s in bookworm trixie; do
	[ -s "$log/mkroot-$s.log" ] && sed "s/^/(made early) /" "$log/mkroot-$s.log"
done
[ "$rb" -eq 0 ] && [ "$rt" -eq 0 ]
