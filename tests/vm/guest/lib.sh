# Guest test library (busybox sh). Each case is case_NAME in case-*.sh; it
# returns non-zero or calls fail; run_case checks taint and dmesg after it.

FAILED=""
fail() { [ -n "$FAILED" ] || FAILED="$*"; echo "  FAIL: $*"; return 1; }
note() { echo "  $*"; }

# check DESCRIPTION COMMAND...: fail with DESCRIPTION unless COMMAND succeeds
check() {
	d=$1
	shift
	"$@" || fail "$d"
}

eq() { [ "$1" = "$2" ] || { echo "    '$1' != '$2'"; return 1; }; }
not() { ! "$@"; }

load_bcache() {
	modprobe crc64 2>/dev/null # built in, or gone into lib/crc: insmod tells
	insmod /root/bcache.ko && [ -w /sys/fs/bcache/register_raw ]
}

# Failure patterns from the design notes: any of them fails the case.
PATTERNS='BUG: kernel NULL pointer dereference|BUG: unable to handle page fault|general protection fault|Oops:|kernel BUG at|list_(add|del) corruption|WARNING: CPU: |sysfs: cannot create duplicate filename|refcount_t: (underflow|saturated)|use-after-free|BUG: Bad page state|Poison overwritten|Object already free|Redzone overwritten|Slab cache still has objects|INFO: task .* blocked for more than|soft lockup|rcu: INFO: .* stall|is not initialized, yet kobject_put|bcache device \(NULL gendisk\) stopped|nr_stripes too large or invalid|EXT4-fs error|I/O error, dev vd., sector 8 '

run_case() {
	FAILED=""
	echo "BCTEST-BEGIN $1"
	dmesg -c >/dev/null
	# shellcheck disable=SC1090 # the case file is chosen at run time
	if ! . "/root/case-$1.sh"; then
		echo "BCTEST-RESULT $1 FAIL cannot load case"
		return
	fi
	"case_$1"
	rc=$?
	t=$(cat /proc/sys/kernel/tainted)
	bad=$(dmesg | grep -E "$PATTERNS" | head -3)
	dmesg -c | sed 's/^/    dmesg: /' | tail -n 60
	if [ "$rc" -ne 0 ] || [ -n "$FAILED" ]; then
		echo "BCTEST-RESULT $1 FAIL ${FAILED:-exit $rc}"
	elif [ "$t" != "$BASE_TAINT" ]; then
		echo "BCTEST-RESULT $1 FAIL taint $t (was $BASE_TAINT)"
	elif [ -n "$bad" ]; then
		echo "BCTEST-RESULT $1 FAIL dmesg: $bad"
	else
		echo "BCTEST-RESULT $1 PASS"
	fi
}

# wait_for SECONDS COMMAND...: poll a state (sysfs has no notification)
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

newuuid() { cat /proc/sys/kernel/random/uuid; }
rawreg() { vmh write /sys/fs/bcache/register_raw "$*"; }
registered() { [ -d "/sys/block/$1/bcache" ]; }
not_registered() { [ ! -e "/sys/block/$1/bcache" ]; }
bstate() { cat "/sys/block/$1/bcache/state"; }
state_is() { [ "$(bstate "$1")" = "$2" ]; }
bdev_of() { basename "$(readlink "/sys/block/$1/bcache/dev")"; }

# sha256 of the first MiB, read past the page cache
head_sum() { dd if="$1" bs=1M count=1 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1; }
# sha256 of COUNT 4k blocks at block SKIP
region_sum() { dd if="$1" bs=4k skip="$2" count="$3" iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1; }

# sysfs entries go before bcache closes the disk: wait for the close itself
released() { [ "$(vmh excl "/dev/$1")" = OK ]; }
stop_backing() {
	[ -e "/sys/block/$1/bcache/stop" ] && echo 1 >"/sys/block/$1/bcache/stop"
	wait_for 30 not_registered "$1" && wait_for 30 released "$1"
}

# rmmod once the last device has let go of the module
unload() {
	wait_for 30 refcnt_zero && rmmod bcache
}
# read again at every poll (a set drops its module reference after its
# sysfs directory is gone)
refcnt_zero() { [ "$(cat /sys/module/bcache/refcnt)" = 0 ]; }

new_cache() { # DEV -> prints the cset uuid, registered
	dd if=/dev/zero of="$1" bs=1M count=2 2>/dev/null
	make-bcache --bucket 32k -C "$1" >/dev/null 2>&1 || return 1
	echo "$1" >/sys/fs/bcache/register || return 1
	c=$(bcache-super-show "$1" | awk '$1=="cset.uuid" {print $2}')
	wait_for 10 test -d "/sys/fs/bcache/$c" || return 1
	# TCG is slow: do not let congestion bypass the cache
	echo 0 >"/sys/fs/bcache/$c/congested_read_threshold_us"
	echo 0 >"/sys/fs/bcache/$c/congested_write_threshold_us"
	echo "$c"
}

stop_cache_set() { # CSET: stopped, and its cache device closed
	cdev=$(basename "$(dirname "$(readlink -f "/sys/fs/bcache/$1/cache0")")")
	[ -e "/sys/fs/bcache/$1/stop" ] && echo 1 >"/sys/fs/bcache/$1/stop"
	wait_for 30 test ! -e "/sys/fs/bcache/$1" &&
		{ [ ! -b "/dev/$cdev" ] || wait_for 30 released "$cdev"; }
}

# Stop everything bcache has, so rmmod can work.
stop_all() {
	for b in /sys/block/*/bcache/stop /sys/block/*/*/bcache/stop; do
		[ -e "$b" ] && [ -e "$(dirname "$b")/running" ] && echo 1 >"$b"
	done
	for s in /sys/fs/bcache/*-*-*-*-*; do
		[ -e "$s/stop" ] && echo 1 >"$s/stop"
	done
	wait_for 30 sh -c '! ls -d /sys/fs/bcache/*-*-*-*-* /sys/block/*/bcache/running >/dev/null 2>&1' &&
		for d in vda vdb vdc vdd; do wait_for 30 released $d || return 1; done
}
