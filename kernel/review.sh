#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Review gate for one series: every prefix of it must build, and add no
# warning from W=1 or sparse (C=2) to what the unpatched bcache directory
# already has (upstream bcache is not sparse-clean: endianness annotations,
# flexible arrays, lock contexts). Warnings are compared without line
# numbers, as multisets.
#   sh kernel/review.sh [SERIES [KVER]]      (defaults: 6.1, newest 6.1.x)
# A series whose kernel is not installed here (6.12) is built in the root
# of its release that kernel/chroot.sh made, with that release's sparse.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
series=${1:-6.1}
root=""
src=$series
case $series in
6.1) ;;
6.12) root=${CHROOT_CACHE:-/var/cache/bcacheassemble}/trixie ;;
mainline) root=${CHROOT_CACHE:-/var/cache/bcacheassemble}/experimental src=7.3 ;;
*) echo "review: no series $series"; exit 2 ;;
esac
kver=${2:-$(printf "%s\n" "$root"/lib/modules/"$src"[.-]* | sort -V | tail -n 1)}
kver=${kver##*/}
tarball=${TARBALL:-$root/usr/src/linux-source-$src.tar.xz}
for c in sparse filterdiff; do
	[ -x "$root/usr/bin/$c" ] || command -v $c >/dev/null ||
		{ echo "review: needs $c (apt-get install sparse patchutils)"; exit 1; }
done
if [ -n "$root" ]; then
	t=$root/build/review
	rm -rf "$t" && mkdir -p "$t"
	in_root=/build/review
else
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	in_root=$t
fi
tar -xJf "$tarball" -C "$t" --strip-components=1 "linux-source-$src/drivers/md/bcache"
m=$t/drivers/md/bcache

# run a command where the compiler is; objtool of newer kernels reads /proc,
# so the chroot gets a private one
in_tree() {
	if [ -n "$root" ]; then
		unshare --mount --fork chroot "$root" \
			sh -c 'mount -t proc proc /proc && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

# build: warnings without paths, line and column numbers, sorted
build() {
	find "$m" -name '*.o' -delete
	rm -f "$m/bcache.ko"
	in_tree make -s -C "/lib/modules/$kver/build" \
		M="$in_root/drivers/md/bcache" CONFIG_BCACHE=m W=1 C=2 modules 2>&1 |
		grep -v -e '^Skipping BTF' -e ': note: in included file' |
		sed -e "s|$in_root/||g" -e 's/:[0-9][0-9]*\(:[0-9][0-9]*\)\{0,1\}:/:/' | sort >"$1"
	[ -f "$m/bcache.ko" ]
}

build "$t/base.w" || { echo "review: the unpatched tree does not build"; exit 1; }
echo "review: unpatched $series: $(wc -l <"$t/base.w") warning lines (the baseline)"
rc=0
n=0
for p in "$here/$series"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	n=$((n + 1))
	filterdiff -i '*/drivers/md/bcache/*' "$p" | patch -d "$t" -p1 --quiet --forward
	if ! build "$t/now.w"; then
		echo "review: $(basename "$p"): does not build"; cat "$t/now.w"; rc=1; continue
	fi
	new=$(comm -13 "$t/base.w" "$t/now.w")
	if [ -n "$new" ]; then
		echo "review: $(basename "$p"): new warnings:"; printf '%s\n' "$new"; rc=1
	else
		echo "review: $(basename "$p"): builds; no new W=1 or sparse warning"
	fi
done
echo "review: $series on $kver: $n patches"
exit $rc
