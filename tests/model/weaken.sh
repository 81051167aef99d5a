#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sequence model must catch a weakened policy: build it against copies
# of policy.c with one safety rule removed each, and expect every build to
# fail within N sequences.
set -eu
CC=${CC:-cc}
N=${1:-100000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
weaken() { # NAME SED-EXPRESSION
	sed "$2" bcacheassemble/policy.c >"$T/policy.c"
	if cmp -s bcacheassemble/policy.c "$T/policy.c"; then
		echo "FAIL: $1: the mutation did not apply"
		fail=$((fail + 1))
		return
	fi
	if ! $CC -std=gnu11 -O2 -D_GNU_SOURCE -Ibcacheassemble -o "$T/model" \
		tests/model/seqmodel.c "$T/policy.c"; then
		echo "FAIL: $1: does not build"
		fail=$((fail + 1))
		return
	fi
	if out=$("$T/model" "$N" 2>&1); then
		echo "FAIL: $1: not caught in $N sequences"
		fail=$((fail + 1))
	else
		echo "caught: $1: $(echo "$out" | sed -n '1s/^seqmodel: //p')"
		pass=$((pass + 1))
	fi
}
weaken "stale volumes registered writeback" \
	's/return MODE_WRITETHROUGH;$/return m;/'
weaken "uncached runs not recorded" \
	's/return e->stale ? RECORD_NONE : RECORD_LINE;/return RECORD_NONE;/'
weaken "images not rebuilt before an uncached run" \
	's/return e->raw \&\& e->initrd \&\& !in_initrd;/return false;/'
weaken "writeback beside 'stale'" \
	's/if (e->mode != MODE_WRITEBACK || policy_stale(e, run_marked))/if (e->mode != MODE_WRITEBACK)/'
weaken "leaving writeback recorded before the kernel is clean" \
	's/return e->mode == MODE_WRITEBACK ? MODE_KERNEL_FIRST :/return 0 ? MODE_KERNEL_FIRST :/'
weaken "writeback images not rebuilt first" \
	's/return !e->initrd || images_current;/return true;/'
echo "weakened policies: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
