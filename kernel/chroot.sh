#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A build root of another Debian release, for the series of its kernel:
# that release's gcc and kbuild (their helper binaries need its glibc), its
# linux-source tarball, and its kernel image and modules to boot in QEMU.
#
#   sh kernel/chroot.sh SUITE SERIES [DIR]     e.g. trixie 6.12
#
# SUITE experimental is a sid root whose kernel packages come from
# experimental (the newest release candidate Debian ships).
#
# The archive is the one this machine's apt uses, read at run time. The
# root is cached: DIR/.ready holds the kernel release it was made for.
set -eu
suite=$1 series=$2
dir=${3:-${CHROOT_CACHE:-/var/cache/bcacheassemble}/$suite}

if [ -f "$dir/.ready" ]; then
	cat "$dir/.ready"
	exit 0
fi
mirror=$(sh "$(dirname "$0")/apt-archive.sh")
command -v debootstrap >/dev/null ||
	{ echo "chroot: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
echo "chroot: debootstrap $suite from $mirror into $dir" >&2
base=$suite
[ "$suite" = experimental ] && base=sid
debootstrap --variant=minbase "$base" "$dir" "$mirror" >"$dir.log" 2>&1 ||
	{ tail -20 "$dir.log" >&2; exit 1; }
inroot() { chroot "$dir" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
target=""
if [ "$suite" = experimental ]; then
	echo "deb $mirror experimental main" >"$dir/etc/apt/sources.list.d/experimental.list"
	target="-t experimental"
fi
# the archive may be a snapshot whose sid and experimental Release files
# are past their Valid-Until
echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99valid-until"
inroot apt-get update -q >>"$dir.log" 2>&1
inroot apt-get install -y -q --no-install-recommends build-essential bc kmod \
	xz-utils zstd sparse patchutils >>"$dir.log" 2>&1 ||
	{ tail -20 "$dir.log" >&2; exit 1; }
# shellcheck disable=SC2086 # $target is empty or two words
inroot apt-get install -y -q --no-install-recommends $target \
	"linux-source-$series" linux-headers-amd64 >>"$dir.log" 2>&1 ||
	{ tail -20 "$dir.log" >&2; exit 1; }
# 6.12.117+deb13-amd64, or 7.3-amd64 for a release candidate
kver=$(printf "%s\n" "$dir/lib/modules/$series"[.-]* | sort -V | tail -n 1)
kver=${kver##*/}
case $kver in "$series".*[!*] | "$series"-*[!*]) ;; *) kver="" ;; esac
[ -n "$kver" ] || { echo "chroot: no $series headers in $suite" >&2; exit 1; }
# the kernel to boot, unpacked beside the root (not installed in it); newer
# kernels split linux-image-KVER into linux-binary-KVER and linux-modules-KVER
(cd "$dir/tmp" && rm -f ./*.deb && inroot sh -c "cd /tmp &&
	apt-get download -q $target linux-image-$kver &&
	{ apt-cache show $target linux-modules-$kver >/dev/null 2>&1 || exit 0; } &&
	apt-get download -q $target linux-modules-$kver &&
	{ apt-get download -q $target linux-binary-$kver ||
	  apt-get download -q $target linux-binary-unsigned-$kver; }" \
	>>"$dir.log" 2>&1) || { tail -20 "$dir.log" >&2; exit 1; }
rm -rf "$dir/boot-image" && mkdir -p "$dir/boot-image"
for deb in "$dir"/tmp/*.deb; do
	dpkg-deb -x "$deb" "$dir/boot-image"
done
rm -f "$dir"/tmp/*.deb
# the .deb has no modules.dep (its postinst makes it): the VM tests need it;
# newer packages ship no text modules.order/builtin
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$dir/boot-image/usr/lib/modules/$kver/$f" ] ||
		: >"$dir/boot-image/usr/lib/modules/$kver/$f"
done
depmod -b "$dir/boot-image/usr" "$kver"
inroot apt-get clean
echo "$kver" >"$dir/.ready"
echo "$kver"
