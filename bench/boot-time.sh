#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot cost of bcacheassemble: guest seconds from /init to the root mounted,
# with the tool (root on a raw bcache volume) and without it (the same disk,
# image built without the hook), for both generators; image size added.
set -eu
cd "$(dirname "$0")/.."
make -s -C kernel module >/dev/null
make -s >/dev/null
sh tests/boot/run.sh bench-initramfs-tools
sh tests/boot/run.sh bench-dracut
