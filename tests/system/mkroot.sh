#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real Debian system for the system tests: systemd as PID 1, udev,
# initramfs-tools, DKMS, the distribution's kernel (the older of two builds
# of the release's line, with its headers) and linux-source of that line.
# The newer build's packages are downloaded into /root/upgrade, so a guest
# can upgrade its kernel with apt offline.
#
#   sh tests/system/mkroot.sh SUITE [DIR]     SUITE: trixie or bookworm
#
# The archive is the one this machine's apt uses, read at run time. The
# root is cached: DIR/.ready holds "OLD NEW", the two kernel releases.
set -eu
suite=$1
dir=${2:-${CHROOT_CACHE:-/var/cache/bcacheassemble}/system-$suite}
case $suite in
trixie) line=6.12 ;;
bookworm) line=6.1 ;;
*) echo "mkroot: no kernel line known for $suite" >&2; exit 1 ;;
esac
# one maker at a time: make check starts making the roots early, in the
# background (smoke.sh --prefetch); the later call waits for it here
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/.ready" ]; then
	cat "$dir/.ready"
	exit 0
fi
mirror=$(sh "$(dirname "$0")/../../kernel/apt-archive.sh")
rm -rf "$dir"
mkdir -p "$dir"
log=$dir.log
echo "mkroot: debootstrap $suite from $mirror into $dir" >&2
debootstrap --variant=minbase --include=systemd-sysv,udev,kmod,e2fsprogs,procps,xz-utils,zstd \
	"$suite" "$dir" "$mirror" >"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
inroot() {
	unshare --mount --fork chroot "$dir" sh -c 'mount -t proc proc /proc && exec "$@"' sh \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}
inroot apt-get update -q >>"$log" 2>&1
# the line's kernel builds, oldest first, without their -cloud or -rt flavours
builds=$(inroot apt-cache search --names-only "^linux-image-$line\\.[0-9.+deb-]*-amd64\$" |
	awk '{ print $1 }' | grep -v -e -cloud- -e -rt- | sed 's/^linux-image-//' | sort -V)
old=$(echo "$builds" | tail -n 2 | head -n 1)
new=$(echo "$builds" | tail -n 1)
if [ -z "$old" ] || [ "$old" = "$new" ]; then
	echo "mkroot: $suite has one build of $line ($new): no upgrade to make" >&2
	exit 1
fi
echo "mkroot: kernel $old, upgrade to $new" >&2
# the admin's machine: a kernel, its headers, DKMS and the line's sources
inroot apt-get install -y -q --no-install-recommends initramfs-tools \
	"linux-image-$old" "linux-headers-$old" dkms "linux-source-$line" \
	make patch gcc ca-certificates >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
mkdir -p "$dir/root/upgrade"
inroot sh -c "cd /root/upgrade && apt-get download -q linux-image-$new linux-headers-$new \
	\$(apt-cache depends linux-headers-$new | awk '/Depends: linux-(headers|kbuild)/ { print \$2 }')" \
	>>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
inroot apt-get clean
echo "$old $new" >"$dir/.ready"
cat "$dir/.ready"
