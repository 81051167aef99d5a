#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Each initqueue round: register disks that appeared (cheap, idempotent).
# The first round that finds a volume held back says so, once, on the
# console, with what the boot will do; later rounds are quiet.
[ -x /usr/sbin/bcacheassemble ] || return 0
if [ -e /run/bcacheassemble.held-said ]; then
	/usr/sbin/bcacheassemble --initrd --scan -t 0 -w 0 -q -q
	return 0
fi
/usr/sbin/bcacheassemble --initrd --scan -t 0 -w 0 -q -q
[ $? -eq 3 ] || return 0
: >/run/bcacheassemble.held-said
/usr/sbin/bcacheassemble --initrd --scan -t 0 -w 0 >/dev/console 2>&1
echo "bcacheassemble: the boot waits for the cache set (rd.retry=, then the emergency shell);" \
	"to start a volume without it, giving up its dirty data: rd.bcache.run=NAME" >/dev/console
