#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a static libkmod.a from Debian's kmod source package.
#
# Debian ships libkmod only as a shared library, and kmod's configure refuses
# --enable-static, so we fetch the source with a private apt configuration
# (the system's /etc/apt is never touched), build the library objects with
# xz and zstd support (Debian 13 ships its modules as .ko.xz, and DKMS
# compresses the modules it builds the same way) but without crypto, and
# archive them. The binary links liblzma.a and libzstd.a statically too.
#
# usage: build-libkmod.sh OUTDIR
#   leaves OUTDIR/libkmod.a and OUTDIR/include/libkmod.h
set -eu

out=${1:?usage: build-libkmod.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -f "$out/libkmod.a" ] && [ -f "$out/include/libkmod.h" ] && [ -f "$out/.xz-zstd" ]; then
	touch "$out/libkmod.a"
	exit 0
fi

ver=$(dpkg-query -W -f '${source:Version}' libkmod2 2>/dev/null || true)
[ -n "$ver" ] || ver=30+20221128-1
uri=$(sh "$(dirname "$0")/../kernel/apt-archive.sh")

a="$out/apt"
mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/none"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm main" >"$a/sources.list"
set -- -o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/none" \
	-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -q
apt-get "$@" update >"$out/apt.log" 2>&1
cd "$out"
rm -rf src && mkdir src && cd src
apt-get "$@" source --download-only "kmod=$ver" >>"$out/apt.log" 2>&1
dpkg-source -x --skip-patches ./*.dsc kmod >>"$out/apt.log" 2>&1 ||
	dpkg-source -x ./*.dsc kmod >>"$out/apt.log" 2>&1
cd kmod
./autogen.sh >"$out/build.log" 2>&1 || true
mkdir -p b && cd b
CFLAGS="-O2 -fPIC" ../configure --with-xz --with-zstd --without-openssl --without-zlib \
	--disable-tools --disable-manpages --disable-test-modules --disable-python \
	--disable-gtk-doc >>"$out/build.log" 2>&1
make -j"$(nproc)" libkmod/libkmod.la >>"$out/build.log" 2>&1
rm -f "$out/libkmod.a"
ar rcs "$out/libkmod.a" libkmod/.libs/*.o shared/.libs/*.o
mkdir -p "$out/include"
cp ../libkmod/libkmod.h "$out/include/"
touch "$out/.xz-zstd"
