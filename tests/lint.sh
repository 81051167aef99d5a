#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Static checks: man pages, shell scripts, C (cppcheck), the example config,
# and checkpatch on the kernel series when the kernel source is available.
set -u
pass=0
fail=0
run() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		printf '%s\n' "$out" | head -40
	fi
}
run mandoc mandoc -Tlint -Wwarning man/bcacheassemble.8 man/bcachetab.5
scripts=$(grep -rlE '^#!/bin/(ba)?sh' tests bcacheassemble kernel bench \
	dracut-module initramfs-tools-hook udev systemd bootloader .ci 2>/dev/null)
# shellcheck disable=SC2086
run shellcheck shellcheck -S warning $scripts
# guest scripts: busybox sh, sourced (no #! line)
run shellcheck-guest shellcheck -s sh -S warning tests/vm/guest/lib.sh \
	tests/vm/guest/case-*.sh
run cppcheck cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	--std=c11 --inline-suppr -D_GNU_SOURCE -Ibcacheassemble bcacheassemble
run example sh -c 'BCACHETAB=bcachetab.example bcacheassemble/bcacheassemble --check'
if [ -d kernel/6.1 ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	run checkpatch sh kernel/checkpatch.sh
fi
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
