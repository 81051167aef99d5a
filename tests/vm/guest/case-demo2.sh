# Demo, boot 2: assemble from bcachetab, as the initramfs would.
say() { echo "DEMO| $*"; }
run() { say "# $*"; "$@" 2>&1 | sed 's/^/DEMO|   /'; }
case_demo2() {
	dd if=/dev/vdd bs=64k count=1 2>/dev/null | tr -d '\0' >/etc/bcachetab
	say "boot 2: the raw disk is a plain ext4 disk again until bcache claims it"
	run bcacheassemble --scan
	check "exit 0" bcacheassemble --scan -q
	run bcacheassemble --detail --scan
	mkdir -p /mnt/d
	mount /dev/bcache0 /mnt/d || { fail "mount"; return; }
	run ls /mnt/d
	run cat /mnt/d/boot1.txt
	check "data of boot 1" grep -q "boot 1" /mnt/d/boot1.txt
	umount /mnt/d
	say "the raw disk cannot be mounted behind bcache's back:"
	run mount /dev/vda /mnt/d
	check "raw disk claimed" eq "$(vmh excl /dev/vda)" EBUSY
	stop_all
}
