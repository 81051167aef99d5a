#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Print the Debian archive this machine's apt uses (not its security
# archive): deb822 sources first, then the one-line format. Every script that
# fetches from Debian (debootstrap, apt with a private configuration) reads
# it here at run time; the repository names no archive host.
#
# usage: apt-archive.sh    exit 1 (and a message) when apt names none
set -eu
etc=${APT_ETC:-/etc/apt}
uri=$(for f in "$etc"/sources.list.d/*.sources; do
	[ -f "$f" ] && awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
done | grep -m1 -v security || true)
[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {
	for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; exit } }' \
	"$etc/sources.list" 2>/dev/null || true)
[ -n "$uri" ] || { echo "apt-archive: no Debian archive in $etc's sources" >&2; exit 1; }
echo "$uri"
