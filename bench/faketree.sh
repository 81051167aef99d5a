# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the benchmarks: faketree ROOT DISKS LINES makes a fake /sys and
# /dev with DISKS raw disks d0, d1, ... and a bcachetab listing the first
# LINES of them, and points bcacheassemble at it.
faketree() {
	rm -rf "$1"
	mkdir -p "$1/sys/fs/bcache" "$1/sys/class/block" "$1/dev" "$1/etc"
	: >"$1/sys/fs/bcache/register_raw"
	: >"$1/sys/fs/bcache/register"
	awk -v n="$2" -v lines="$3" -v root="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			d = sprintf("%s/sys/class/block/d%d", root, i)
			system("mkdir -p " d)
			printf "%d:%d\n", 8 + int(i / 256), i % 256 > (d "/dev")
			printf "2048\n" > (d "/size")
			close(d "/dev"); close(d "/size")
			if (i < lines)
				printf "v%d\t/dev/d%d\t-\traw,uuid=%08x-0000-4000-8000-%012x,size=2048\n", i, i, i, i > (root "/etc/bcachetab")
		}
	}'
	(cd "$1/dev" && i=0 && while [ $i -lt "$2" ]; do : >"d$i"; i=$((i + 1)); done)
	export BCACHEASSEMBLE_SYSFS="$1/sys" BCACHEASSEMBLE_DEVROOT="$1" \
		BCACHETAB="$1/etc/bcachetab" BCACHEASSEMBLE_NO_KMOD=1 \
		BCACHEASSEMBLE_UEVENT_SOCKET="$1/sock" \
		BCACHEASSEMBLE_RUNDIR="$1/run"
}
