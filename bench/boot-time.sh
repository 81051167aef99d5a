#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot cost of bcacheassemble, guest seconds from /init to the root mounted:
#  - with the tool (root on a raw bcache volume) and without it (the same
#    disk, image built without the hook), for both generators; image size
#    added;
#  - against the anchor: a formatted root found by Debian's bcache-tools
#    versus the same root and the same image through bcacheassemble,
#    BENCH_BOOTS (5) boots each, alternating, medians and their ratio.
set -eu
cd "$(dirname "$0")/.."
make -s -C kernel module >/dev/null
make -s >/dev/null
sh tests/boot/run.sh bench-initramfs-tools
sh tests/boot/run.sh bench-dracut
sh tests/boot/run.sh anchor-initramfs-tools
sh tests/boot/run.sh anchor-dracut
