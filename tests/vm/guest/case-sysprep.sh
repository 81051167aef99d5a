# System tests, preparation: the root volume's first registration
# (state=none) on vda, so that the cache set on vdb has its entry, as
# bcacheassemble --create leaves it. SP_U: the volume, SP_C: the set.
case_sysprep() {
	echo /dev/vdb >/sys/fs/bcache/register
	wait_for 10 test -d "/sys/fs/bcache/$SP_C" || { fail "set $SP_C"; return; }
	check "root" eq "$(rawreg "dev=/dev/vda uuid=$SP_U cset=$SP_C mode=writeback state=none")" OK
	check "root attached" wait_for 10 test -e /sys/block/vda/bcache/cache
	check "stop all" stop_all
}
