#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stripped size of the static bcacheassemble next to Debian's mdadm (dynamic,
# from the package, not installed) and bcache-tools' bcache-register.
set -eu
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
strip -o "$T/bcacheassemble" bcacheassemble/bcacheassemble
(cd "$T" && apt-get download mdadm >/dev/null 2>&1 && dpkg-deb -x mdadm_*.deb m) || true
size() { [ -f "$1" ] && stat -c %s "$1" || echo "n/a"; }
printf '%-34s %10s  %s\n' binary bytes linkage
printf '%-34s %10s  %s\n' "bcacheassemble (stripped)" "$(size "$T/bcacheassemble")" static
printf '%-34s %10s  %s\n' "mdadm (Debian 12)" "$(size "$T/m/sbin/mdadm")" dynamic
for b in /lib/udev/bcache-register /usr/lib/udev/bcache-register; do
	[ -f "$b" ] && printf '%-34s %10s  %s\n' "bcache-register (bcache-tools)" "$(size "$b")" dynamic && break
done
