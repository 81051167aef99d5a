#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the guest initramfs for the VM tests: busybox, the kernel modules the
# tests load (from the installed Debian 6.1 kernel, or MODBASE), the patched bcache.ko,
# bcacheassemble, bcache-tools, e2fsprogs, fio and the guest test scripts.
# usage: mkinitramfs.sh OUT.cpio.gz KVER BCACHE_KO BCACHEASSEMBLE
set -eu
out=$1 kver=$2 ko=$3 tool=$4
here=$(cd "$(dirname "$0")" && pwd)
r=$(mktemp -d)
trap 'rm -rf "$r"' EXIT

mkdir -p "$r/bin" "$r/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/run" \
	"$r/mnt" "$r/etc" "$r/var/lib" "$r/lib/modules/$kver" "$r/root"
cp /bin/busybox "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do
	[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done

# dynamic programs with their libraries
copy_exec() {
	rm -f "$r/bin/${1##*/}" # a busybox applet link: do not write through it
	cp -L "$1" "$r/bin/"
	ldd "$1" 2>/dev/null | awk '/=>/ {print $3} /^\t\// {print $1}' |
		while read -r lib; do
			[ -f "$lib" ] || continue
			mkdir -p "$r$(dirname "$lib")"
			cp -L "$lib" "$r$lib"
		done
}
for p in /usr/sbin/make-bcache /usr/sbin/bcache-super-show /sbin/mke2fs \
	/usr/bin/fio /sbin/blockdev /usr/sbin/dmsetup /sbin/losetup; do
	[ -x "$p" ] && copy_exec "$p"
done

rm -f "$r/bin/mkfs.ext4"
ln -s mke2fs "$r/bin/mkfs.ext4"
cp "$tool" "$r/bin/bcacheassemble"

# modules and their dependencies, as modprobe resolves them: the host's, or
# those under MODBASE/lib/modules (another release's kernel, unpacked), which
# are decompressed here (busybox insmod may not read .ko.xz)
base=${MODBASE:-}
mods="virtio_pci virtio_blk ext4 crc32c_generic crc64 scsi_debug sd_mod loop dm_mod null_blk"
for m in $mods; do
	modprobe ${base:+-d "$base"} -S "$kver" --show-depends "$m" 2>/dev/null |
		awk '$1=="insmod" {print $2}'
done | sort -u | while read -r f; do
	rel=${f#"$base"}
	rel=${rel%.xz}
	rel=${rel%.zst}
	mkdir -p "$r$(dirname "$rel")"
	case $f in
	*.xz) xz -dc "$f" >"$r$rel" ;;
	*.zst) zstd -qdc "$f" >"$r$rel" ;;
	*) cp "$f" "$r$rel" ;;
	esac
done
cp "$base/lib/modules/$kver/modules.order" "$base/lib/modules/$kver/modules.builtin" \
	"$base/lib/modules/$kver/modules.builtin.modinfo" "$r/lib/modules/$kver/" 2>/dev/null || true
# newer packages ship only the binary indexes
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$r/lib/modules/$kver/$f" ] || : >"$r/lib/modules/$kver/$f"
done
depmod -b "$r" "$kver"
cp "$ko" "$r/root/bcache.ko"

cc -O2 -static -o "$r/bin/uevent-log" "$here/guest/uevent-log.c"
cc -O2 -static -o "$r/bin/vmh" "$here/guest/vmh.c"
cp "$here"/guest/*.sh "$r/root/"
cp "$here/guest/init" "$r/init"
chmod +x "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
