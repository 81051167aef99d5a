# Boot tests, preparation: the volumes' first registration (state=none), so
# that their cache sets have an entry for them, as bcacheassemble --create
# leaves it. BP_U/BP_C: root volume, BP_U2/BP_C2: data volume (kernel
# command line words handed to init as environment).
case_bootprep() {
	echo /dev/vdb >/sys/fs/bcache/register
	echo /dev/vdd >/sys/fs/bcache/register
	wait_for 10 test -d "/sys/fs/bcache/$BP_C" || { fail "set $BP_C"; return; }
	wait_for 10 test -d "/sys/fs/bcache/$BP_C2" || { fail "set $BP_C2"; return; }
	check "root" eq "$(rawreg "dev=/dev/vda uuid=$BP_U cset=$BP_C mode=writeback state=none")" OK
	check "data" eq "$(rawreg "dev=/dev/vdc uuid=$BP_U2 cset=$BP_C2 state=none")" OK
	check "root attached" wait_for 10 test -e /sys/block/vda/bcache/cache
	check "data attached" wait_for 10 test -e /sys/block/vdc/bcache/cache
	check "stop all" stop_all
}
