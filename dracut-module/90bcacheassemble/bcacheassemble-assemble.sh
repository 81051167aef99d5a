#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Before udev: register the bcachetab disks already present (a raw disk is
# then claimed by the kernel) and report what waits. No waiting here: the
# initqueue runs the settled hook as disks appear.
[ -x /usr/sbin/bcacheassemble ] || return 0
# dracut's systemd initrd starts its initqueue only when asked to: there,
# too, the settled hook says what waits and the timeout hook is the last
# resort. The image asks (module-setup.sh); an image built before that did
# not, so ask here too where the image is writable (dracut 059).
if [ -e /etc/bcachetab ] && [ ! -e /lib/dracut/need-initqueue ]; then
	{ mkdir -p /lib/dracut && : >/lib/dracut/need-initqueue; } 2>/dev/null
fi
read -r up _ </proc/uptime && echo "${up%%.*}" >/run/bcacheassemble.start
/usr/sbin/bcacheassemble --initrd --scan -t 0 -w 0
