#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Before udev: ask for the initqueue; no scan here. Before udev
# the disks' drivers are rarely loaded, and a scan would only load the bcache
# module (the boot waits for that) and report every disk missing. udev's
# coldplug replays every disk's event, which registers it (the rules'
# --incremental); the settled hook reports what waits, the timeout hook is
# the last resort.
[ -x /usr/sbin/bcacheassemble ] || return 0
# dracut's systemd initrd starts its initqueue only when asked to: there,
# too, the settled hook says what waits and the timeout hook is the last
# resort. The image asks (module-setup.sh); an image built before that did
# not, so ask here too where the image is writable (dracut 059).
if [ -e /etc/bcachetab ] && [ ! -e /lib/dracut/need-initqueue ]; then
	{ mkdir -p /lib/dracut && : >/lib/dracut/need-initqueue; } 2>/dev/null
fi
