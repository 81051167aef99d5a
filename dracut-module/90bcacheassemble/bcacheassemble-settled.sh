#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Each initqueue round: register disks that appeared (cheap, idempotent).
[ -x /usr/sbin/bcacheassemble ] || return 0
/usr/sbin/bcacheassemble --initrd --scan -t 0 -w 0 -q -q
