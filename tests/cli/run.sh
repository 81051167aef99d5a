#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The static binary against a fake /sys and /dev: messages, exit codes and the
# bytes it writes to the fake register files.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIX=$(cd "${BUILD:-build}/fixtures" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
U1=6b1561e6-55b1-44ab-84ad-9c2164d17ac0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect NAME CODE PATTERN -- command...: exit code and a fixed string in
# stdout+stderr
expect() {
	name=$1 code=$2 pat=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		bad "$name: exit $rc, expected $code"; printf '%s\n' "$out"; return
	fi
	case $out in
	*"$pat"*) ok ;;
	*) bad "$name: output lacks '$pat'"; printf '%s\n' "$out" ;;
	esac
}

newtree() {
	rm -rf "$T/root"
	mkdir -p "$T/root/sys/fs/bcache" "$T/root/sys/class/block" \
		"$T/root/dev" "$T/root/etc"
	: >"$T/root/sys/fs/bcache/register"
	: >"$T/root/sys/fs/bcache/register_raw"
	export BCACHEASSEMBLE_SYSFS="$T/root/sys"
	export BCACHEASSEMBLE_DEVROOT="$T/root"
	export BCACHEASSEMBLE_IMAGE_FLAG="$T/root/etc/bcacheassemble/initramfs-outdated"
	export BCACHEASSEMBLE_UPDATE_IMAGES=true
	export BCACHEASSEMBLE_RUNDIR="$T/root/run/bcacheassemble"
	export BCACHEASSEMBLE_UEVENT_SOCKET="$T/root/uevent.sock"
	export BCACHEASSEMBLE_NO_KMOD=1
	export BCACHETAB="$T/root/etc/bcachetab"
}

disk() { # NAME MAJ:MIN IMAGE
	mkdir -p "$T/root/sys/class/block/$1"
	echo "$2" >"$T/root/sys/class/block/$1/dev"
	echo 32768 >"$T/root/sys/class/block/$1/size"
	cp --sparse=always "$3" "$T/root/dev/$1"
}

tab() { printf '%s\n' "$@" >"$BCACHETAB"; chmod 0644 "$BCACHETAB"; }

newtree
expect help 0 "Usage:" -- "$BIN" --help
expect version 0 "bcacheassemble 0.1" -- "$BIN" --version
expect no-mode 2 "Usage:" -- "$BIN"
expect two-modes 2 "only one mode at a time" -- "$BIN" --check --stop x
expect bad-timeout 2 "'x' is not a number of seconds" -- "$BIN" -t x --scan

# --check
tab "# ok" "a /dev/vdb - raw,uuid=$U1" "b UUID=$U1 -"
expect check-ok 0 "2 volumes, no problems" -- "$BIN" --check
tab "a /dev/vdb - raw,uuid=$U1" "" "b /dev/vdc - bogus"
expect check-bad 2 "$BCACHETAB:3: unknown option 'bogus'" -- "$BIN" --check
tab "a /dev/vdb - raw,uuid=$U1" "a /dev/vdc -"
expect check-dup 2 "$BCACHETAB:2: name already used by 'a' on line 1" -- "$BIN" --check
tab "a /dev/vdb -"
chmod 0666 "$BCACHETAB"
expect check-perm 2 "is writable by group or others: refusing it" -- "$BIN" --check
expect scan-perm 2 "is writable by group or others: refusing it" -- "$BIN" --scan -t 0
# the same rule for every mode that acts on bcachetab
expect run-perm 2 "is writable by group or others: refusing it" -- "$BIN" --run a
expect stop-perm 2 "is writable by group or others: refusing it" -- "$BIN" --stop a
expect create-perm 2 "is writable by group or others: refusing it" -- \
	"$BIN" --create b /dev/vdq
expect lastresort-perm 2 "is writable by group or others: refusing it" -- "$BIN" --last-resort
rm -f "$BCACHETAB"
expect check-missing 2 "cannot read $BCACHETAB" -- "$BIN" --check

# --examine
expect examine 0 "dev.data.cache_mode	1 [writeback]" -- "$BIN" --examine "$FIX/backing.img"
expect examine-verdict 0 "verdict			valid" -- "$BIN" --examine "$FIX/backing.img"
expect examine-cache 0 "sb.version		0 [cache device]" -- "$BIN" --examine "$FIX/cache.img"
expect examine-bad 1 "[MISMATCH]" -- "$BIN" --examine "$FIX/badcsum.img"
expect examine-none 1 "no bcache superblock" -- "$BIN" --examine "$FIX/ext4.img"
expect examine-trunc 1 "no bcache superblock" -- "$BIN" --examine "$FIX/truncated.img"
# same fields as bcache-super-show
if command -v bcache-super-show >/dev/null; then
	bcache-super-show "$FIX/backing.img" | grep -v '^$' | sed 's/[[:space:]]\+/ /g' >"$T/want"
	"$BIN" --examine "$FIX/backing.img" | sed 1d | grep -v -e '^$' -e '^verdict' |
		sed 's/[[:space:]]\+/ /g' >"$T/got"
	if diff -u "$T/want" "$T/got"; then ok; else bad "examine differs from bcache-super-show"; fi
fi

# --examine --scan
newtree
disk vdb 254:16 "$FIX/backing.img"
disk vdc 254:32 "$FIX/ext4.img"
uuid=$(bcache-super-show "$FIX/backing.img" | awk '$1=="dev.uuid"{print $2}')
tab "x /dev/vdz -"
expect examine-scan 0 "vdb	UUID=$uuid	-" -- "$BIN" --examine --scan

# --scan: a formatted and a raw volume; bytes written to the fake files
newtree
disk vdb 254:16 "$FIX/backing.img"
disk vdc 254:32 "$FIX/ext4.img"
tab "fmt UUID=$uuid -" "raw1 /dev/vdc - raw,uuid=$U1,label=r1" \
    "gone /dev/vdz - nofail,timeout=0"
expect scan-written 1 "shows no bcache directory for it; see dmesg" -- "$BIN" --scan -t 0 -w 0
if [ "$(cat "$T/root/sys/fs/bcache/register")" = "$T/root/dev/vdb" ]; then ok; else
	bad "register got '$(cat "$T/root/sys/fs/bcache/register")'"; fi
want="dev=254:32 uuid=$U1 mode=writethrough state=none label=r1"
if [ "$(cat "$T/root/sys/fs/bcache/register_raw")" = "$want" ]; then ok; else
	bad "register_raw got '$(cat "$T/root/sys/fs/bcache/register_raw")'"; fi
expect scan-nofail 1 "gone: device /dev/vdz not present yet; nofail: not waited for" -- \
	"$BIN" --scan -t 0 -w 0
# _netdev and x-systemd.device-timeout=: a network disk is not waited for
tab "n /dev/vdy - _netdev,x-systemd.device-timeout=300"
expect scan-netdev 0 "n: device /dev/vdy not present yet; _netdev: registered when it appears" -- \
	"$BIN" --scan -t 5
tab "n /dev/vdy - timeout=3,x-systemd.device-timeout=300"
expect timeout-twice 2 "timeout= and x-systemd.device-timeout= both given" -- "$BIN" --check

# a bad line is reported where it is and skipped; the rest assembles
newtree
disk vdc 254:32 "$FIX/ext4.img"
tab "bad /dev/vdb - nonsense" "raw1 /dev/vdc - raw,uuid=$U1"
expect scan-badline 1 "$BCACHETAB:1: unknown option 'nonsense'" -- "$BIN" --scan -t 0 -w 0
if grep -q "uuid=$U1" "$T/root/sys/fs/bcache/register_raw"; then ok; else
	bad "good line not assembled next to a bad one"; fi
expect scan-missing 1 "$BCACHETAB:1: a: device /dev/vdz did not appear within 0 s" -- \
	sh -c "printf 'a /dev/vdz -\n' >$BCACHETAB; exec $BIN --scan -t 0"
expect names-unknown 2 "nope: no such volume" -- "$BIN" -t 0 nope

# --export and --detail from a fake registered device
newtree
disk vdc 254:32 "$FIX/ext4.img"
mkdir -p "$T/root/sys/class/block/vdc/bcache" "$T/root/sys/class/block/bcache0"
echo 1 >"$T/root/sys/class/block/vdc/bcache/running"
echo "no cache" >"$T/root/sys/class/block/vdc/bcache/state"
echo "$U1" >"$T/root/sys/class/block/vdc/bcache/backing_dev_uuid"
echo "[writethrough] writeback writearound none" >"$T/root/sys/class/block/vdc/bcache/cache_mode"
echo "r1" >"$T/root/sys/class/block/vdc/bcache/label"
echo 0 >"$T/root/sys/class/block/vdc/bcache/dirty_data"
ln -s ../../bcache0 "$T/root/sys/class/block/vdc/bcache/dev"
tab "raw1 /dev/vdc - raw,uuid=$U1,label=r1"
expect export 0 "BCACHEASSEMBLE_NAME=raw1" -- "$BIN" --export /dev/vdc
expect export-state 0 "BCACHEASSEMBLE_STATE=running" -- "$BIN" --export /dev/vdc
expect export-bcache 0 "BCACHEASSEMBLE_NAME=raw1" -- sh -c \
	"ln -s ../vdc/bcache $T/root/sys/class/block/bcache0/bcache && $BIN --export /dev/bcache0"
expect export-unit 0 "BCACHEASSEMBLE_UNIT=bcacheassemble@raw1.service" -- "$BIN" --export /dev/bcache0
if ! "$BIN" --export /dev/vdc | grep -q UNIT; then ok; else bad "export-unit: the raw disk names the unit"; fi
expect list 0 "raw1 raw" -- "$BIN" --list
expect detail 0 "running as /dev/bcache0" -- "$BIN" --detail raw1
# a listed volume: its line as recorded; an unlisted one: from the kernel
expect detail-scan 0 "raw1	/dev/vdc	-	raw,uuid=$U1,label=r1" -- \
	"$BIN" --detail --scan
expect detail-scan-unlisted 0 "vdc	/dev/vdc	-	raw,uuid=$U1,mode=writethrough,label=r1,size=32768" -- \
	sh -c ": >$BCACHETAB; exec $BIN --detail --scan"
tab "raw1 /dev/vdc - raw,uuid=$U1,label=r1"
expect incremental 0 "already running" -- "$BIN" --incremental /dev/vdc
expect run-running 0 "already running" -- "$BIN" --run raw1
expect stop-unknown 2 "nope: no such volume" -- "$BIN" --stop nope
# udev: a bcachetab path matched through the event's links; by-uuid dropped
tab "raw1 /dev/disk/by-id/virtio-X - raw,uuid=$U1"
expect export-alias 0 "BCACHEASSEMBLE_KEEP_LINKS=disk/by-id/virtio-X disk/by-path/p1" -- \
	"$BIN" --export /dev/vdc disk/by-uuid/abc disk/by-id/virtio-X disk/by-label/L disk/by-path/p1
expect export-link-vars 0 "BCACHEASSEMBLE_LINK_0=disk/by-id/virtio-X
BCACHEASSEMBLE_LINK_1=disk/by-path/p1" -- \
	"$BIN" --export /dev/vdc disk/by-uuid/abc disk/by-id/virtio-X disk/by-label/L disk/by-path/p1
expect export-noalias 0 "" -- sh -c "! $BIN --export /dev/vdc disk/by-id/other | grep -q NAME"

# --initrd and the kernel command line
newtree
disk vdc 254:32 "$FIX/ext4.img"
disk vdd 254:48 "$FIX/ext4.img"
tab "root /dev/vdc - raw,uuid=$U1,initrd" \
    "data /dev/vdd - raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac1" \
    "later /dev/vdz - raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac2"
export BCACHEASSEMBLE_CMDLINE="$T/cmdline"
echo "quiet rd.bcache=0 root=UUID=x" >"$T/cmdline"
expect rd-off 0 "disabled by rd.bcache=0" -- "$BIN" --initrd --scan -t 0
if [ ! -s "$T/root/sys/fs/bcache/register_raw" ]; then ok; else bad "rd.bcache=0 registered"; fi
echo "rd.bcache.conf=0" >"$T/cmdline"
expect rd-noconf 0 "bcachetab ignored" -- "$BIN" --initrd --scan -t 0
echo "rd.bcache.name=data rd.bcache.timeout=0" >"$T/cmdline"
"$BIN" --initrd --scan >/dev/null 2>&1
if grep -q "uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac1" "$T/root/sys/fs/bcache/register_raw" &&
	! grep -q "uuid=$U1" "$T/root/sys/fs/bcache/register_raw"; then ok; else
	bad "rd.bcache.name=data took '$(cat "$T/root/sys/fs/bcache/register_raw")'"; fi
echo "rd.bcache.timeout=x" >"$T/cmdline"
expect rd-bad 1 "bad rd.bcache option" -- "$BIN" --initrd --scan -t 0
# without names: only 'initrd' volumes (the others wait for the real root,
# where their stale marks are)
echo "root=UUID=11111111-2222-3333-4444-555555555555" >"$T/cmdline"
: >"$T/root/sys/fs/bcache/register_raw"
"$BIN" --initrd --scan -t 0 >"$T/out" 2>&1
if grep -q "uuid=$U1" "$T/root/sys/fs/bcache/register_raw" &&
	! grep -q "6b1561e6-55b1-44ab-84ad-9c2164d17ac1" "$T/root/sys/fs/bcache/register_raw" &&
	! grep -q "later" "$T/out"; then ok; else
	bad "initrd selection: $(cat "$T/out") / $(cat "$T/root/sys/fs/bcache/register_raw")"; fi
# rd.bcache=0 stops registration, not the udev query that hides raw disks
echo "rd.bcache=0" >"$T/cmdline"
: >"$T/root/sys/fs/bcache/register_raw"
expect rd-off-export 0 "BCACHEASSEMBLE_RAW=1" -- "$BIN" --initrd --incremental --export /dev/vdd
if [ ! -s "$T/root/sys/fs/bcache/register_raw" ]; then ok; else bad "rd.bcache=0 incremental registered"; fi
unset BCACHEASSEMBLE_CMDLINE


# --- the record, hiding and refusals (issue 8) ---
C1=ee0c5ce4-c401-45ae-bbd2-11d9bce912c9
FSU=11111111-2222-3333-4444-555555555555
# a registered raw volume in the fake tree: running (1) or held (0)
registered() { # DEV RUNNING
	mkdir -p "$T/root/sys/class/block/$1/bcache"
	echo "$2" >"$T/root/sys/class/block/$1/bcache/running"
	echo "no cache" >"$T/root/sys/class/block/$1/bcache/state"
	echo "$U1" >"$T/root/sys/class/block/$1/bcache/backing_dev_uuid"
	echo "[writethrough] writeback writearound none" >"$T/root/sys/class/block/$1/bcache/cache_mode"
	: >"$T/root/sys/class/block/$1/bcache/label"
}
partition() { # DISK PART N: sysfs layout of a partition (class/block links)
	mkdir -p "$T/root/sys/devices/$1/$2"
	rm -rf "$T/root/sys/class/block/$1"
	ln -s "../../devices/$1" "$T/root/sys/class/block/$1"
	ln -s "../../devices/$1/$2" "$T/root/sys/class/block/$2"
	echo "$3" >"$T/root/sys/devices/$1/$2/partition"
}
hidden() { # NAME -- export args: the disk is hidden (RAW=1, no by-uuid)
	n=$1
	shift 2
	out=$("$@" 2>&1)
	case $out in
	*BCACHEASSEMBLE_RAW=1*BCACHEASSEMBLE_KEEP_LINKS=disk/by-id/k*)
		case $out in *by-uuid*) bad "$n: by-uuid kept: $out" ;; *) ok ;; esac ;;
	*) bad "$n: not hidden: $out" ;;
	esac
}
newtree
disk vdc 254:32 "$FIX/ext4.img"
tab "r /dev/vdc - raw,uuid=$U1,bogus"
hidden hide-typo -- "$BIN" --incremental --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
tab "r /dev/vdc $C1 raw,uuid=$U1"
chmod 0666 "$BCACHETAB"
hidden hide-unsafe -- "$BIN" --incremental --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
hidden hide-unsafe-export -- "$BIN" --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
chmod 0644 "$BCACHETAB"
echo "rd.bcache.conf=0" >"$T/cmdline"
BCACHEASSEMBLE_CMDLINE="$T/cmdline" hidden hide-noconf -- \
	"$BIN" --initrd --incremental --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
echo "rd.bcache=0" >"$T/cmdline"
BCACHEASSEMBLE_CMDLINE="$T/cmdline" hidden hide-rdoff -- \
	"$BIN" --initrd --incremental --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
# the filesystem UUID changed (tune2fs -U): the serial still names the disk
echo "SER 1" >"$T/root/sys/class/block/vdc/serial"
tab "r UUID=0f3c5a2e-9d7b-4e61-8a53-2b9c4d6e7f80 - raw,uuid=$U1,serial=SER_1"
hidden hide-serial -- "$BIN" --incremental --export /dev/vdc disk/by-uuid/$FSU disk/by-id/k
# the partitions of a raw whole disk
newtree
disk vdc 254:32 "$FIX/ext4.img"
partition vdc vdc1 1
mkdir -p "$T/root/sys/devices/vdc"
echo 254:32 >"$T/root/sys/devices/vdc/dev"
echo 254:33 >"$T/root/sys/devices/vdc/vdc1/dev"
echo 2048 >"$T/root/sys/devices/vdc/vdc1/size"
cp --sparse=always "$FIX/ext4.img" "$T/root/dev/vdc1"
tab "r /dev/vdc - raw,uuid=$U1"
hidden hide-partition -- "$BIN" --incremental --export /dev/vdc1 disk/by-uuid/$FSU disk/by-id/k
# nothing to hide: no output, exit 0 (udev keeps the links)
expect export-other 0 "" -- sh -c "! $BIN --export /dev/vdz | grep -q ."
# the identity: labels match exactly, a tag on two disks names neither,
# one disk under two names is an error
newtree
disk vdc 254:32 "$FIX/ext4.img"
tab "a LABEL=datavol -"
expect label-case 0 "" -- sh -c "! $BIN --export /dev/vdc | grep -q NAME"
tab "a LABEL=DataVol -"
expect label-exact 0 "BCACHEASSEMBLE_NAME=a" -- "$BIN" --export /dev/vdc
tab "a /dev/vdc -" "b UUID=$FSU - nofail"
expect check-two-names 2 "$BCACHETAB:2: b: UUID=$FSU is the same disk as /dev/vdc of 'a' on line 1" -- \
	"$BIN" --check
disk vdd 254:48 "$FIX/ext4.img"
tab "a UUID=$FSU - raw,uuid=$U1"
expect check-clone 2 "$BCACHETAB:1: a: UUID=$FSU names more than one device" -- "$BIN" --check
expect scan-clone 1 "names more than one device (a cloned disk?)" -- "$BIN" --scan -t 0
if [ ! -s "$T/root/sys/fs/bcache/register_raw" ]; then ok; else bad "a clone was registered"; fi
echo "SER1" >"$T/root/sys/class/block/vdc/serial"
tab "a /dev/vdc - raw,uuid=$U1,serial=OTHER"
expect scan-serial 1 "reports serial 'SER1' but bcachetab says serial=OTHER" -- "$BIN" --scan -t 0
# inputs that must not hang or cut: a FIFO, a CR inside a line
newtree
mkfifo "$BCACHETAB"
expect fifo-check 2 "is not a regular file" -- timeout 10 "$BIN" --check
expect fifo-scan 2 "is not a regular file" -- timeout 10 "$BIN" --scan -t 0
expect fifo-export 0 "" -- timeout 10 "$BIN" --export /dev/vdc
rm -f "$BCACHETAB"
printf 'a /dev/vdb - nofail\rraw\n' >"$BCACHETAB"
expect cr-inside 2 "$BCACHETAB:1: control character in line" -- "$BIN" --check
printf 'a /dev/vdb - nofail\r\n' >"$BCACHETAB"
expect crlf 0 "1 volume, no problems" -- "$BIN" --check
truncate -s 5M "$BCACHETAB"
expect huge 2 "is larger than 4 MiB" -- "$BIN" --check
# --detail --scan reproduces a held volume's line exactly
newtree
disk vdc 254:32 "$FIX/ext4.img"
registered vdc 0
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback,label=x"
expect detail-scan-held 0 "r	/dev/vdc	$C1	raw,uuid=$U1,mode=writeback,label=x" -- \
	"$BIN" --detail --scan
# a held nofail volume: --scan goes on (0); named, as its unit names it, it
# has its own status (3), so the unit fails and its last resort runs
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback,nofail"
expect nofail-scan 0 "held back until cache set" -- "$BIN" --scan -t 0 -w 0
expect nofail-named 3 "held back until cache set" -- "$BIN" -t 0 -w 0 r
# one udev event's view: the set's disks may come with a later event, so a
# held volume is no warning there (at boot, every backing disk before its
# cache disk said one); -v shows it
out=$("$BIN" --incremental /dev/vdc 2>&1)
case $out in
*"held back"*) bad "incremental warned of a held volume: $out" ;;
*) ok ;;
esac
expect incremental-held-v 0 "r: held back until cache set $C1" -- "$BIN" -v --incremental /dev/vdc
# the set is there but did not take the volume: recorded stale, exit 1
mkdir -p "$T/root/sys/fs/bcache/$C1"
echo 1 >"$T/root/sys/class/block/vdc/bcache/running"
tab "r /dev/vdc $C1 raw,uuid=$U1"
expect attach-refused 1 "did not take it (a full uuid table" -- "$BIN" --scan -t 0 -w 0
if grep -q "raw,uuid=$U1,stale" "$BCACHETAB"; then ok; else bad "refused attach not recorded: $(cat "$BCACHETAB")"; fi
# a read-only /etc: nothing changes in the kernel, and the command says so
ro() { unshare -m sh -c "mount --bind -o ro $T/root/etc $T/root/etc && exec \"\$@\"" sh "$@"; }
if unshare -m true 2>/dev/null; then
	newtree
	disk vdc 254:32 "$FIX/ext4.img"
	registered vdc 0
	tab "r /dev/vdc $C1 raw,uuid=$U1"
	expect run-ro-etc 1 "refusing to run it uncached: 'stale' could not be recorded" -- \
		ro "$BIN" --run r
	if [ "$(cat "$T/root/sys/class/block/vdc/bcache/running")" = 0 ]; then ok; else
		bad "run-ro-etc started the volume"; fi
	echo 1 >"$T/root/sys/class/block/vdc/bcache/running"
	expect label-ro-etc 1 "cannot update $BCACHETAB" -- ro "$BIN" --set-label r NEW
	if [ ! -s "$T/root/sys/class/block/vdc/bcache/label" ]; then ok; else
		bad "label-ro-etc changed the kernel"; fi
	# a run mark from the initramfs, with / still read-only: kept, exit 1
	mkdir -p "$T/root/run/bcacheassemble/stale"
	: >"$T/root/run/bcacheassemble/stale/$U1"
	expect handoff-ro 1 "could not be recorded" -- ro "$BIN" --scan -t 0 -w 0
	if [ -e "$T/root/run/bcacheassemble/stale/$U1" ]; then ok; else bad "handoff-ro lost the mark"; fi
	"$BIN" --scan -t 0 -w 0 >/dev/null 2>&1
	if grep -q "raw,uuid=$U1,stale" "$BCACHETAB" &&
		[ ! -e "$T/root/run/bcacheassemble/stale/$U1" ]; then ok; else
		bad "handoff: $(cat "$BCACHETAB")"; fi
fi
# the udev path opens only the event's disk (a FIFO as another disk's node
# would hang any other open), and never fd, sr or empty devices
newtree
disk vdc 254:32 "$FIX/ext4.img"
disk vdd 254:48 "$FIX/ext4.img"
rm -f "$T/root/dev/vdd" && mkfifo "$T/root/dev/vdd"
tab "r /dev/vdc - raw,uuid=$U1"
expect udev-one-disk 0 "BCACHEASSEMBLE_RAW=1" -- timeout 10 "$BIN" --incremental --export /dev/vdc
# a volume's own unit (bcacheassemble -t 0 -w 0 NAME) probes only its disk
# while its cache set is there; when the set is missing, every disk, once,
# to register the set's cache devices wherever they are
mkdir -p "$T/root/sys/fs/bcache/$C1"
tab "r /dev/vdc $C1 raw,uuid=$U1"
expect unit-one-disk 1 "r: " -- timeout 10 "$BIN" -t 0 -w 0 r
if grep -q "^dev=254:32 " "$T/root/sys/fs/bcache/register_raw"; then ok; else
	bad "unit-one-disk did not register vdc"; fi
rm -f "$T/root/dev/vdd" && disk vde 254:64 "$FIX/cache.img"
CS=$(bcache-super-show "$FIX/cache.img" | awk '$1=="cset.uuid"{print $2}')
tab "r /dev/vdc $CS raw,uuid=$U1"
: >"$T/root/sys/fs/bcache/register"
"$BIN" -t 0 -w 0 r >/dev/null 2>&1
if grep -qx "$T/root/dev/vde" "$T/root/sys/fs/bcache/register"; then ok; else
	bad "unit-cache-missing: cache device not registered: $(cat "$T/root/sys/fs/bcache/register")"; fi
disk vdd 254:48 "$FIX/ext4.img"
disk sr0 11:0 "$FIX/ext4.img"
rm -f "$T/root/dev/sr0" && mkfifo "$T/root/dev/sr0"
mkdir -p "$T/root/sys/class/block/loop0" && echo 7:0 >"$T/root/sys/class/block/loop0/dev"
echo 0 >"$T/root/sys/class/block/loop0/size" && mkfifo "$T/root/dev/loop0"
rm -f "$T/root/dev/vdd" && cp "$FIX/ext4.img" "$T/root/dev/vdd"
expect never-probed 0 "2 volumes, no problems" -- sh -c \
	"printf 'r /dev/vdc - raw,uuid=$U1\ns /dev/vdd -\n' >$BCACHETAB; exec timeout 10 $BIN --check"
# /boot on a raw volume: the bootloader reads the raw disk, so no writeback
newtree
disk vdc 254:32 "$FIX/ext4.img"
registered vdc 1
mkdir -p "$T/root/sys/fs/bcache/$C1" "$T/root/sys/class/block/bcache0"
echo 252:0 >"$T/root/sys/class/block/bcache0/dev"
ln -s ../../bcache0 "$T/root/sys/class/block/vdc/bcache/dev"
ln -s "../../../fs/bcache/$C1" "$T/root/sys/class/block/vdc/bcache/cache"
echo "22 1 252:0 / / rw,relatime - ext4 /dev/bcache0 rw" >"$T/mountinfo"
export BCACHEASSEMBLE_MOUNTINFO="$T/mountinfo" BCACHEASSEMBLE_FSROOT="$T/root"
tab "r /dev/vdc $C1 raw,uuid=$U1"
# no files in /boot: nothing for a bootloader to read here
expect boot-empty 0 "" -- "$BIN" --set-mode r writeback
tab "r /dev/vdc $C1 raw,uuid=$U1"
mkdir -p "$T/root/boot" && : >"$T/root/boot/vmlinuz-6.1.0"
expect boot-set-mode 1 "/boot is on this volume" -- "$BIN" --set-mode r writeback
if ! grep -q writeback "$BCACHETAB"; then ok; else bad "boot-set-mode recorded writeback"; fi
# (a plain file: the written word lands over the first 12 bytes)
echo "[writeback] writethrough writearound none" >"$T/root/sys/class/block/vdc/bcache/cache_mode"
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback"
expect boot-scan 0 "/boot is on this volume" -- "$BIN" --scan -t 0 -w 0
if grep -q "^writethrough" "$T/root/sys/class/block/vdc/bcache/cache_mode"; then ok; else
	bad "boot-scan left $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode")"; fi
# --sync-boot (kernel and initramfs hooks): the raw disk under /boot holds
# the files as the file system has them. A real ext4 (loop-mounted) on the
# "raw disk" $T/bootfs.img, so FIEMAP addresses are the disk's.
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
	mkdir -p "$T/bootsrc/boot/grub" "$T/mnt"
	head -c 300000 /dev/urandom >"$T/bootsrc/boot/vmlinuz-t"
	echo "menuentry t {}" >"$T/bootsrc/boot/grub/grub.cfg"
	truncate -s 16M "$T/bootfs.img"
	mkfs.ext4 -q -F -b 4096 -d "$T/bootsrc" "$T/bootfs.img"
	loopdev=$(losetup -f --show "$T/bootfs.img") && mount "$loopdev" "$T/mnt" &&
		trap 'umount "$T/mnt"; losetup -d "$loopdev"; rm -rf "$T"' EXIT
	ln -sf "$T/bootfs.img" "$T/root/dev/vdc"
	# sysfs: /sys/dev/block/MAJ:MIN of the mount, bcacheN's link to its disk
	mkdir -p "$T/root/sys/dev/block"
	ln -sfn ../../class/block/bcache0 "$T/root/sys/dev/block/252:0"
	ln -sfn ../vdc/bcache "$T/root/sys/class/block/bcache0/bcache"
	head -c 1048576 /dev/urandom >"$T/mnt/boot/initrd.img-t"
	echo "[writethrough] writeback writearound none" >"$T/root/sys/class/block/vdc/bcache/cache_mode"
	echo clean >"$T/root/sys/class/block/vdc/bcache/state"
	export BCACHEASSEMBLE_FSROOT="$T/mnt"
	expect sync-boot 0 "3 files as the bootloader reads them from" -- "$BIN" --sync-boot
	expect sync-boot-file 0 "1 file as" -- "$BIN" --sync-boot "$T/mnt/boot/initrd.img-t"
	# a block of the image that never reached the raw disk (what writeback
	# left behind): found, and the hook fails
	cat "$T/mnt/boot/initrd.img-t" >/dev/null
	blk=$(filefrag -e "$T/mnt/boot/initrd.img-t" | awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4 }')
	dd if=/dev/zero of="$T/bootfs.img" bs=4096 seek="$((blk + 3))" count=1 conv=notrunc status=none
	expect sync-boot-torn 1 "differs on the raw disk" -- "$BIN" --sync-boot "$T/mnt/boot/initrd.img-t"
	expect sync-boot-torn-at 1 "from byte 12288" -- "$BIN" --sync-boot "$T/mnt/boot/initrd.img-t"
	# dirty data that does not drain in time: writethrough, and the hook fails
	echo dirty >"$T/root/sys/class/block/vdc/bcache/state"
	echo 1.5M >"$T/root/sys/class/block/vdc/bcache/dirty_data"
	echo "[writeback] writethrough writearound none" >"$T/root/sys/class/block/vdc/bcache/cache_mode"
	expect sync-boot-dirty 1 "still holds dirty data" -- "$BIN" --sync-boot -t 1 "$T/mnt/boot/vmlinuz-t"
	if grep -q "^writethrough" "$T/root/sys/class/block/vdc/bcache/cache_mode"; then ok; else
		bad "sync-boot-dirty: mode $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode")"; fi
	# no /sys (a chroot, where kernels are installed too): nothing to do
	expect sync-boot-chroot 0 "" -- env BCACHEASSEMBLE_SYSFS="$T/nosys" "$BIN" --sync-boot
	# /boot on no raw volume: nothing to do
	echo "22 1 8:1 / / rw - ext4 /dev/sda1 rw" >"$T/mountinfo"
	expect sync-boot-none 0 "" -- "$BIN" --sync-boot
	echo "22 1 252:0 / / rw,relatime - ext4 /dev/bcache0 rw" >"$T/mountinfo"
	export BCACHEASSEMBLE_FSROOT="$T/root"
else
	echo "cli: --sync-boot cases skipped (need root for a loop mount)"
fi
# /boot elsewhere: allowed
echo "22 1 252:0 / / rw - ext4 /dev/bcache0 rw
23 22 8:1 / /boot rw - ext4 /dev/sda1 rw" >"$T/mountinfo"
tab "r /dev/vdc $C1 raw,uuid=$U1"
expect boot-elsewhere 0 "" -- "$BIN" --set-mode r writeback
# --create on a disk in use: says where, writes nothing
newtree
disk vdc 254:32 "$FIX/ext4.img"
tab "# empty"
echo "22 1 254:32 / /srv/data rw - ext4 /dev/vdc rw" >"$T/mountinfo"
expect create-mounted 1 "/dev/vdc is mounted on /srv/data: bcache can only take a disk nothing else uses" -- \
	"$BIN" --create d /dev/vdc
echo "22 1 8:1 / / rw - ext4 /dev/sda1 rw" >"$T/mountinfo"
mkdir -p "$T/root/sys/class/block/vdc/holders/dm-3"
expect create-held 1 "is held by dm-3" -- "$BIN" --create d /dev/vdc
if ! grep -q "^d" "$BCACHETAB" && [ ! -s "$T/root/sys/fs/bcache/register_raw" ]; then ok; else
	bad "create on a busy disk wrote something"; fi
# --next-boot: a mounted data disk gets its line now, registered at boot;
# until then udev leaves it alone (hidden, systemd would unmount it)
rmdir "$T/root/sys/class/block/vdc/holders/dm-3"
mkdir -p "$T/root/sys/fs/bcache/$C1"
echo "22 1 254:32 / /srv/data rw - ext4 /dev/vdc rw" >"$T/mountinfo"
expect create-next-boot 0 "bcacheassemble.service registers it before the file systems are mounted" -- \
	"$BIN" --create d /dev/vdc --cache-set "$C1" --next-boot
if grep -q "^d	/dev/vdc	$C1	raw,uuid=.*,stale" "$BCACHETAB" && ! grep -q initrd "$BCACHETAB" &&
	[ ! -s "$T/root/sys/fs/bcache/register_raw" ]; then ok; else
	bad "create-next-boot: $(cat "$BCACHETAB")"; fi
expect export-mounted 0 "BCACHEASSEMBLE_MOUNTED=1" -- "$BIN" --export /dev/vdc
expect remove-unregistered 0 "is a plain disk again" -- "$BIN" --remove d
if ! grep -q "^d" "$BCACHETAB"; then ok; else bad "remove left the line"; fi
unset BCACHEASSEMBLE_MOUNTINFO BCACHEASSEMBLE_FSROOT
# concurrent edits: the lock serialises them, none is lost
newtree
disk vdc 254:32 "$FIX/ext4.img"
registered vdc 1
lost=0
for i in $(seq 1 20); do
	tab "r /dev/vdc - raw,uuid=$U1"
	"$BIN" -q --set-label r "L$i" & p1=$!
	"$BIN" -q --set-mode r writearound & p2=$!
	wait $p1 $p2
	grep -q "mode=writearound,label=L$i" "$BCACHETAB" || lost=$((lost + 1))
done
if [ "$lost" -eq 0 ]; then ok; else bad "concurrent edits: $lost of 20 rounds lost one"; fi

# a change to an 'initrd' volume rebuilds the images at once, or says it
# did not (and the flag stays for the backstop unit)
newtree
disk vdc 254:32 "$FIX/ext4.img"
registered vdc 1
tab "r /dev/vdc - raw,uuid=$U1,initrd"
expect images-now 0 "initramfs images rebuilt" -- "$BIN" --set-label r L1
if [ ! -e "$BCACHEASSEMBLE_IMAGE_FLAG" ]; then ok; else bad "images-now: flag left"; fi
expect images-fail 1 "were NOT rebuilt" -- env BCACHEASSEMBLE_UPDATE_IMAGES=false "$BIN" --set-label r L2
if [ -e "$BCACHEASSEMBLE_IMAGE_FLAG" ] && grep -q "label=L2" "$BCACHETAB"; then ok; else
	bad "images-fail: flag or line"; fi
expect images-later 0 "initramfs images rebuilt" -- "$BIN" --update-images
# the generator's post-update hook leaves the boot files to --update-images
expect images-hook-env 0 "after=1" -- env \
	BCACHEASSEMBLE_UPDATE_IMAGES='echo "after=$BCACHEASSEMBLE_SYNC_BOOT_AFTER"' "$BIN" --update-images
tab "r /dev/vdc - raw,uuid=$U1"
if ! "$BIN" --set-label r L3 2>&1 | grep -q "rebuil"; then ok; else bad "images rebuilt for a non-initrd line"; fi

# udev's --incremental decides on the line as it is when it writes: a
# --scan (holding the registration lock) removed 'stale' and went writeback
# while the udev worker waited; the worker must not act on the old line
# ('stale': the kernel back to writethrough)
newtree
disk vdc 254:32 "$FIX/ext4.img"
registered vdc 1
mkdir -p "$T/root/sys/fs/bcache/$C1" "$T/root/run/bcacheassemble"
ln -s "../../../../fs/bcache/$C1" "$T/root/sys/class/block/vdc/bcache/cache"
echo clean >"$T/root/sys/class/block/vdc/bcache/state"
# a write of "writethrough" would overwrite the bracket
echo "[writeback] writethrough writearound none" >"$T/root/sys/class/block/vdc/bcache/cache_mode"
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback,stale"
exec 8>"$T/root/run/bcacheassemble/register.lock"
flock -x 8
"$BIN" --incremental /dev/vdc >"$T/inc.out" 2>&1 &
inc=$!
# until the worker waits for the lock (a waiter in /proc/locks), 10 s
ino=$(stat -c %i "$T/root/run/bcacheassemble/register.lock")
n=0
while ! grep -q -- "-> FLOCK.*:$ino " /proc/locks && [ $n -lt 1000 ]; do
	n=$((n + 1)); sleep 0.01
done
if [ $n -lt 1000 ]; then ok; else bad "incremental never waited for the registration lock"; fi
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback"
exec 8>&-
wait $inc
case $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode") in
*"[writeback]"*) ok ;;
*) bad "incremental acted on the line read before the lock: cache_mode $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode"); $(cat "$T/inc.out")" ;;
esac

# a volume udev registered cold (state=stale; --incremental may not edit
# bcachetab): the --scan that finds it attached removes 'stale' and runs the
# line's writeback
newtree
disk vdc 254:32 "$FIX/ext4.img"
mkdir -p "$T/root/sys/fs/bcache/$C1"
tab "r /dev/vdc $C1 raw,uuid=$U1,mode=writeback,stale"
"$BIN" --incremental /dev/vdc >/dev/null 2>&1
if grep -q "state=stale" "$T/root/sys/fs/bcache/register_raw" &&
	[ -e "$T/root/run/bcacheassemble/cold/$U1" ]; then ok; else
	bad "udev's cold registration left no cold mark: $(cat "$T/root/sys/fs/bcache/register_raw")"; fi
registered vdc 1
ln -s "../../../../fs/bcache/$C1" "$T/root/sys/class/block/vdc/bcache/cache"
echo clean >"$T/root/sys/class/block/vdc/bcache/state"
expect scan-after-udev-cold 0 "already running" -- "$BIN" --scan -t 0 -w 0
if grep -q "raw,uuid=$U1,mode=writeback$" "$BCACHETAB"; then ok; else
	bad "'stale' not removed after udev's cold registration: $(cat "$BCACHETAB")"; fi
case $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode") in
writeback*) ok ;;
*) bad "not switched to writeback: $(cat "$T/root/sys/class/block/vdc/bcache/cache_mode")" ;;
esac

# one owner: the formatted devices a volume needs (its backing device, the
# cache device of its set) are marked for the rules to keep bcache-tools'
# 69-bcache.rules off them; devices of no volume are not
newtree
disk vdb 254:16 "$FIX/backing.img"
disk vde 254:64 "$FIX/cache.img"
disk vdf 254:80 "$FIX/cache.img"
CS=$(bcache-super-show "$FIX/cache.img" | awk '$1=="cset.uuid"{print $2}')
tab "f /dev/vdb $CS"
rm -f "$T/root/sys/fs/bcache/register"
expect owned-backing 0 "BCACHEASSEMBLE_OWNED=1" -- "$BIN" --incremental --export /dev/vdb
expect owned-cache 0 "BCACHEASSEMBLE_OWNED=1" -- "$BIN" --incremental --export /dev/vde
tab "f /dev/vdd -"
if ! "$BIN" --incremental --export /dev/vde 2>&1 | grep -q OWNED; then ok; else
	bad "a cache device of no volume marked as ours"; fi

# a stock module (an old image loaded it): one line, raw volumes held (3),
# nothing written, formatted volumes still assembled
newtree
disk vdc 254:32 "$FIX/ext4.img"
disk vdd 254:48 "$FIX/ext4.img"
rm -f "$T/root/sys/fs/bcache/register_raw"
tab "a /dev/vdc - raw,uuid=$U1" "b /dev/vdd - raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac1"
out=$("$BIN" --scan -t 0 2>&1); rc=$?
if [ "$rc" -eq 3 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	printf '%s' "$out" | grep -q "no register_raw.*raw volumes a, b held.*update-initramfs -u -k all" &&
	[ ! -e "$T/root/sys/fs/bcache/register_raw" ]; then ok; else
	bad "no register_raw: exit $rc: $out"; fi

# the systemd generator: one bcacheassemble@NAME.service per line, placed by
# its options; a bad line gets none, the others do; device unit names
# escaped as systemd-escape does, volume names as they are (%i)
newtree
ln -s "$BIN" "$T/bcacheassemble-generator"
G=$T/gen
mkdir -p "$G"
tab "root /dev/disk/by-id/virtio-R $C1 raw,uuid=$U1,mode=writeback,initrd" \
    "my-data /dev/vdc - raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac1,nofail,x-systemd.device-timeout=120" \
    "net /dev/disk/by-path/ip-10.0.0.1:3260-iscsi-iqn.2026-12.x:t-lun-0 - _netdev" \
    "fmt UUID=$U1 - noauto" "bad /dev/vdd - nonsense" "f2 /dev/disk/by-id/virtio-F - timeout=45"
expect generator 0 "$BCACHETAB:5: unknown option 'nonsense'" -- \
	"$T/bcacheassemble-generator" "$G" "$G.early" "$G.late"
gen_has() { # FILE TEXT: a line of the generated file
	if grep -qxF -- "$2" "$G/$1" 2>/dev/null; then ok; else
		bad "generator: $1 lacks '$2': $(cat "$G/$1" 2>&1)"; fi
}
gen_lacks() { # FILE TEXT
	if ! grep -qF -- "$2" "$G/$1" 2>/dev/null; then ok; else
		bad "generator: $1 has '$2'"; fi
}
RD='dev-disk-by\x2did-virtio\x2dR.device'
# a raw disk's device unit never becomes active (hidden from systemd): no
# dependency on it; a formatted device's: after it, with its timeout
gen_lacks "bcacheassemble@root.service.d/50-bcachetab.conf" ".device"
gen_has "bcacheassemble@root.service.d/50-bcachetab.conf" "Before=local-fs-pre.target"
gen_has "bcacheassemble@root.service.d/50-bcachetab.conf" "SourcePath=$BCACHETAB"
FD='dev-disk-by\x2did-virtio\x2dF.device'
gen_has "bcacheassemble@f2.service.d/50-bcachetab.conf" "After=$FD"
gen_has "bcacheassemble@f2.service.d/50-bcachetab.conf" "Wants=$FD"
gen_has "$FD.d/50-bcacheassemble.conf" "JobRunningTimeoutSec=45"
if [ -L "$G/local-fs-pre.target.wants/bcacheassemble@root.service" ]; then ok; else
	bad "generator: root not wanted by local-fs-pre.target"; fi
# nofail: wanted, but not before local-fs-pre.target; its device timeout
gen_lacks 'bcacheassemble@my-data.service.d/50-bcachetab.conf' "Before="
gen_lacks 'bcacheassemble@my-data.service.d/50-bcachetab.conf' "dev-vdc.device"
if [ ! -e "$G/dev-vdc.device.d" ]; then ok; else bad "generator: a raw disk's device unit given a timeout"; fi
if [ -L "$G/local-fs.target.wants/bcacheassemble@my-data.service" ]; then ok; else
	bad "generator: nofail volume not wanted by local-fs.target"; fi
# _netdev: after the network, wanted by remote-fs.target
ND='dev-disk-by\x2dpath-ip\x2d10.0.0.1:3260\x2discsi\x2diqn.2026\x2d12.x:t\x2dlun\x2d0.device'
gen_has "bcacheassemble@net.service.d/50-bcachetab.conf" "After=network-online.target"
gen_has "bcacheassemble@net.service.d/50-bcachetab.conf" "After=$ND"
gen_lacks "bcacheassemble@net.service.d/50-bcachetab.conf" "local-fs-pre"
if [ -L "$G/remote-fs.target.wants/bcacheassemble@net.service" ]; then ok; else
	bad "generator: _netdev volume not wanted by remote-fs.target"; fi
# noauto: a unit to start by hand, wanted by nothing; a tag: no device unit
gen_lacks "bcacheassemble@fmt.service.d/50-bcachetab.conf" "After="
if [ -z "$(find "$G" -name 'bcacheassemble@fmt.service' -type l)" ] &&
	[ ! -e "$G/bcacheassemble@bad.service.d" ]; then ok; else
	bad "generator: a noauto or bad line is pulled in"; fi
if command -v systemd-escape >/dev/null; then
	if [ "$(systemd-escape --path /dev/disk/by-id/virtio-R).device" = "$RD" ] &&
		[ "$(systemd-escape --path /dev/disk/by-path/ip-10.0.0.1:3260-iscsi-iqn.2026-12.x:t-lun-0).device" = "$ND" ]; then ok; else
		bad "generator: names differ from systemd-escape's"; fi
fi
# a bcachetab path of 2,700 bytes (named twice in a drop-in): written whole
LP=$T/lp
for i in $(seq 1 30); do LP=$LP/$(printf 'a%.0s' $(seq 1 90)); done
mkdir -p "$LP"
printf 'v\t/dev/vdc\t-\traw,uuid=%s\n' "$U1" >"$LP/tab" && chmod 0644 "$LP/tab"
rm -rf "$G" && mkdir -p "$G"
if BCACHETAB=$LP/tab "$T/bcacheassemble-generator" "$G" "$G.early" "$G.late" &&
	grep -qxF "SourcePath=$LP/tab" "$G/bcacheassemble@v.service.d/50-bcachetab.conf"; then ok; else
	bad "generator with a long bcachetab path"; fi
# no bcachetab: nothing, and no error
rm -f "$BCACHETAB"
rm -rf "$G" && mkdir -p "$G"
expect generator-none 0 "" -- "$T/bcacheassemble-generator" "$G" "$G.early" "$G.late"
if [ -z "$(ls -A "$G")" ]; then ok; else bad "generator wrote units without bcachetab"; fi

# the initramfs-tools hook finds register_raw in compressed modules too
eval "$(sed -n '/^has_register_raw()/,/^}/p' initramfs-tools-hook/hooks/bcacheassemble)"
printf 'xx\0register_raw\0yy' >"$T/p.ko"
printf 'xx\0register_quiet\0yy' >"$T/s.ko"
xz -k "$T/p.ko" && xz -k "$T/s.ko" && gzip -k "$T/p.ko" && gzip -k "$T/s.ko"
zstd -q -k "$T/p.ko" && zstd -q -k "$T/s.ko"
for m in p.ko p.ko.xz p.ko.gz p.ko.zst; do
	if has_register_raw "$T/$m"; then ok; else bad "hook: no register_raw found in $m"; fi
done
for m in s.ko s.ko.xz s.ko.gz s.ko.zst missing.ko; do
	if ! has_register_raw "$T/$m"; then ok; else bad "hook: register_raw found in $m"; fi
done

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
