# Benchmark (bench/vm-fio.sh): fio 4k random read and write through three
# bcache volumes on one cache set: raw (register_raw), the dm-linear header
# workaround (8 KiB loop header + dm-linear + make-bcache -B), formatted.
fio_iops() { # DEV RW
	fio --name=b --filename="$1" --rw="$2" --bs=4k --ioengine=libaio \
		--iodepth=8 --direct=1 --size=128m --time_based --runtime="${BENCH_RUNTIME:-8}" \
		--ramp_time=2 --output-format=terse --terse-version=3 2>/dev/null |
		awk -F';' -v rw="$2" '{ print (rw == "randread") ? $8 : $49 }'
}

tune() { # BCACHE-DEV
	echo 0 >"/sys/block/$1/bcache/sequential_cutoff"
}

case_bench() {
	C=$(new_cache /dev/vdb) || { fail "cache"; return; }
	# raw
	check "raw" eq "$(rawreg "dev=/dev/vda uuid=$(newuuid) cset=$C state=none")" OK || return
	wait_for 10 test -e /sys/block/vda/bcache/dev || { fail "raw dev"; return; }
	RAW=$(bdev_of vda)
	# dm-linear header workaround
	dd if=/dev/zero of=/tmp/hdr.img bs=8k count=1 2>/dev/null
	# util-linux losetup by path: busybox sh prefers its own applet
	L=$(/bin/losetup -f --show /tmp/hdr.img) || { fail "losetup"; return; }
	printf '0 16 linear %s 0\n16 %s linear /dev/vdc 0\n' "$L" "$(blockdev --getsz /dev/vdc)" |
		dmsetup create vdc-bc || { fail "dmsetup"; return; }
	DMN=$(dmsetup info -c --noheadings -o blkdevname vdc-bc)
	[ -b "/dev/$DMN" ] || mknod "/dev/$DMN" b "$(dmsetup info -c --noheadings -o major vdc-bc)" \
		"$(dmsetup info -c --noheadings -o minor vdc-bc)"
	out=$(make-bcache -B "/dev/$DMN" 2>&1) || { fail "make-bcache dm: $out"; return; }
	echo "/dev/$DMN" >/sys/fs/bcache/register
	wait_for 10 test -e "/sys/block/$DMN/bcache/dev" || { fail "dm dev"; return; }
	DM=$(bdev_of "$DMN")
	echo "$C" >"/sys/block/$DM/bcache/attach"
	# formatted
	dd if=/dev/zero of=/dev/vdd bs=1M count=1 2>/dev/null
	make-bcache -B /dev/vdd >/dev/null 2>&1 || { fail "make-bcache"; return; }
	echo /dev/vdd >/sys/fs/bcache/register
	wait_for 10 test -e /sys/block/vdd/bcache/dev || { fail "fmt dev"; return; }
	FMT=$(bdev_of vdd)
	echo "$C" >"/sys/block/$FMT/bcache/attach"
	for d in $RAW $DM $FMT; do
		tune "$d"
		# warm the cache at a rate the allocator keeps up with
		fio --name=w --filename="/dev/$d" --rw=read --bs=1m --size=128m \
			--rate=16m --direct=1 >/dev/null 2>&1
	done
	note "volumes: raw=$RAW dm-linear=$DM formatted=$FMT"
	r=1
	while [ $r -le "${BENCH_ROUNDS:-6}" ]; do
		if [ $((r % 2)) -eq 1 ]; then order="raw:$RAW dm:$DM fmt:$FMT"
		else order="fmt:$FMT dm:$DM raw:$RAW"; fi
		for rw in randread randwrite; do
			for e in $order; do
				echo "BENCH ${e%%:*} $rw $r $(fio_iops "/dev/${e#*:}" $rw)"
			done
		done
		r=$((r + 1))
	done
	for d in $RAW $DM $FMT; do
		echo "BENCH-HITS $d $(cat /sys/block/$d/bcache/stats_total/cache_hit_ratio)"
	done
	stop_all
}
