#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check's share of the system tests: case smoke on Debian 12 with
# initramfs-tools and on Debian 13 with dracut's systemd initrd, the two at
# once (each guest is one TCG thread; the machine has two cores). The
# full matrix is make check-system.
#
#   sh tests/system/smoke.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
log=build/system-smoke
mkdir -p "$log"
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1200} SUITE=bookworm GEN=initramfs-tools sh tests/system/run.sh smoke >"$log/bookworm.log" 2>&1 &
b=$!
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1200} SUITE=trixie GEN=dracut sh tests/system/run.sh smoke >"$log/trixie.log" 2>&1 &
t=$!
rb=0 rt=0
wait "$b" || rb=$?
wait "$t" || rt=$?
cat "$log/bookworm.log" "$log/trixie.log"
[ "$rb" -eq 0 ] && [ "$rt" -eq 0 ]
