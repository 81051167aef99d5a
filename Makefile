# SPDX-License-Identifier: GPL-2.0-or-later
# bcacheassemble: build, install, test.
#
#   make                 static bcacheassemble/bcacheassemble
#   make check           unit, CLI, fuzz (bounded) and lint tests; the VM
#                        tests too when KVER's kernel is installed
#   make check-unit      fast tests only (no root, no VM)
#   make install DESTDIR= PREFIX=
#   make deb             Debian packages into build/deb (bcacheassemble,
#                        bcacheassemble-dkms)
#   make -C kernel module   patched bcache.ko for the installed 6.1 kernel

PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/bcacheassemble
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMDGENDIR ?= $(patsubst %/system,%/system-generators,$(SYSTEMDUNITDIR))
DRACUTDIR  ?= $(PREFIX)/lib/dracut/modules.d/90bcacheassemble
ITDIR      ?= $(PREFIX)/share/initramfs-tools
SYSCONFDIR ?= /etc
CC         ?= gcc
CLANG      ?= clang
VERSION    := 0.1
BUILD      := build
KMOD       := $(BUILD)/libkmod

CFLAGS     ?= -O2 -g
WARN       := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
              -Wmissing-prototypes -Wstrict-prototypes
CPPFLAGS   += -D_GNU_SOURCE -DVERSION='"$(VERSION)"' -Ibcacheassemble \
              -DSYSTEMDUNITDIR='"$(SYSTEMDUNITDIR)"' \
              -I$(KMOD)/include -I/usr/include/blkid
LIBS       := -L$(KMOD) -lkmod -llzma -lzstd -lblkid -luuid

SRC        := $(filter-out bcacheassemble/main.c,$(wildcard bcacheassemble/*.c))
HDR        := $(wildcard bcacheassemble/*.h)
BIN        := bcacheassemble/bcacheassemble

all: $(BIN)

$(KMOD)/libkmod.a: bcacheassemble/build-libkmod.sh
	sh bcacheassemble/build-libkmod.sh $(KMOD)

$(BIN): $(SRC) bcacheassemble/main.c $(HDR) $(KMOD)/libkmod.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -static -o $@ \
		bcacheassemble/main.c $(SRC) $(LIBS)

# Tests link the sources (not main.c) into each test program, dynamically,
# optionally with sanitizers.
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/test/%,\
              $(filter-out tests/unit/testlib.c tests/unit/fakekernel.c,\
              $(wildcard tests/unit/*.c)))
TESTLIB    := tests/unit/testlib.c tests/unit/fakekernel.c

$(BUILD)/test/%: tests/unit/%.c $(TESTLIB) $(SRC) $(HDR) tests/unit/*.h \
		$(KMOD)/libkmod.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) -Wno-missing-prototypes -O1 -g \
		$(SAN) -o $@ $< $(TESTLIB) $(SRC) $(LIBS)

check-unit: $(UNIT_TESTS) $(BIN) check-model
	BUILD=$(BUILD) sh tests/run-unit.sh $(UNIT_TESTS)
	sh tests/cli/run.sh $(BIN)

# The sequence model (tests/model/seqmodel.c) against the real policy.c, and
# the proof that it catches a weakened policy.
MODEL      := $(BUILD)/model/seqmodel
MODEL_RUNS ?= 100000

$(MODEL): tests/model/seqmodel.c bcacheassemble/policy.c bcacheassemble/policy.h \
		bcacheassemble/bcachetab.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O2 -g -o $@ tests/model/seqmodel.c \
		bcacheassemble/policy.c

check-model: $(MODEL)
	$(MODEL) $(MODEL_RUNS)
	sh tests/model/weaken.sh $(MODEL_RUNS)

FUZZERS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/*.c))
FUZZ_SRC   := bcacheassemble/bcachetab.c bcacheassemble/options.c \
              bcacheassemble/uuidtext.c bcacheassemble/superblock.c
FUZZ_TIME  ?= 20

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) $(HDR)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_SRC) -luuid

check-fuzz: $(FUZZERS)
	sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZERS)

fuzz: $(FUZZERS) $(MODEL)
	sh tests/fuzz/run.sh 600 $(FUZZERS)
	$(MODEL) 10000000

lint:
	sh tests/lint.sh

check-vm: $(BIN)
	$(MAKE) -C kernel module
	sh tests/vm/run.sh

# The harness must fail on a module that writes sector 8 of raw devices.
check-vm-broken: $(BIN)
	$(MAKE) -C kernel module VARIANT=broken-canary
	sh tests/vm/run.sh -e -k kernel/build-broken-canary/bcache.ko canary

# The same cases on Debian 13's kernel, booted from its .deb; the module is
# built in a trixie root (kernel/chroot.sh, cached under /var/cache).
check-vm-6.12: $(BIN)
	sh kernel/chroot.sh trixie 6.12
	$(MAKE) -C kernel module SERIES=6.12
	SERIES=6.12 sh tests/vm/run.sh
	$(MAKE) -C kernel module SERIES=6.12 VARIANT=broken-canary
	SERIES=6.12 sh tests/vm/run.sh -e -k kernel/build-6.12-broken-canary/bcache.ko canary

# The upstream submission on the newest kernel Debian ships (experimental's
# 7.3 release candidate): the same cases, as its own target (not in check).
check-mainline: $(BIN)
	sh kernel/chroot.sh experimental 7.3
	$(MAKE) -C kernel module SERIES=mainline
	SERIES=mainline sh tests/vm/run.sh
	$(MAKE) -C kernel module SERIES=mainline VARIANT=broken-canary
	SERIES=mainline sh tests/vm/run.sh -e -k kernel/build-mainline-broken-canary/bcache.ko canary

# Every prefix of each series builds with no new W=1 or sparse warning
# (about 5 minutes per series; not in check).
review:
	sh kernel/review.sh 6.1
	sh kernel/chroot.sh trixie 6.12
	sh kernel/review.sh 6.12
	sh kernel/chroot.sh experimental 7.3
	sh kernel/review.sh mainline

# Real dracut and initramfs-tools images, booted: root on a raw volume.
check-boot: $(BIN)
	$(MAKE) -C kernel module
	sh tests/boot/run.sh

# Real Debian systems (systemd, their own kernel, DKMS) whose root is a raw
# writeback volume, this project installed from its packages: a kernel
# upgrade through apt, with DKMS working and with it broken (roots made by
# tests/system/mkroot.sh, cached under /var/cache/bcacheassemble).
SYSTEM_SUITES ?= trixie bookworm
check-system: $(BIN) deb
	$(MAKE) -C kernel module
	set -e; for s in $(SYSTEM_SUITES); do SUITE=$$s sh tests/system/run.sh; \
		GEN=dracut SUITE=$$s sh tests/system/run.sh convert outage; done

# make check's share: case smoke on Debian 12 (initramfs-tools) and Debian 13
# (dracut's systemd initrd) at once; a fresh machine makes both roots first
check-system-smoke: $(BIN) deb
	$(MAKE) -C kernel module
	sh tests/system/smoke.sh

# boot time against Debian's bcache-tools on the real systems (hours under TCG)
bench-system: $(BIN) deb
	$(MAKE) -C kernel module
	set -e; for s in $(SYSTEM_SUITES); do SUITE=$$s sh tests/system/run.sh anchor; \
		GEN=dracut SUITE=$$s sh tests/system/run.sh anchor; done

demo: $(BIN)
	$(MAKE) -C kernel module
	sh tests/vm/run.sh demo
	sh tests/boot/run.sh demo

check: check-system-roots check-unit check-fuzz lint deb check-vm check-vm-broken \
	check-vm-6.12 check-boot check-system-smoke

# the system tests' roots, made in the background while the other tests run
check-system-roots:
	sh tests/system/smoke.sh --prefetch

bench: $(BIN)
	sh bench/parse-plan.sh
	sh bench/udev-event.sh
	sh bench/volume-unit.sh

# guest boots under QEMU: minutes, so not part of bench
bench-boot: $(BIN)
	sh bench/boot-time.sh

# Debian packages bcacheassemble and bcacheassemble-dkms (debian/), built
# from a copy of the tree into $(BUILD)/deb, then checked by lintian.
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	tar -c --exclude=./$(BUILD) --exclude='./kernel/build*' --exclude=./.git . | \
		tar -x -C $(BUILD)/deb/src
	[ ! -f $(KMOD)/.xz-zstd ] || cp -a $(KMOD) $(BUILD)/deb/src/$(BUILD)/
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -30 ../build.log; exit 1; }
	lintian --fail-on error,warning $(BUILD)/deb/*.changes >$(BUILD)/deb/lintian.log 2>&1 || \
		{ cat $(BUILD)/deb/lintian.log; exit 1; }
	cat $(BUILD)/deb/lintian.log
	ls -l $(BUILD)/deb/*.deb

SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@UDEVRULESDIR@|$(UDEVRULESDIR)|g'

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/bcacheassemble
	install -D -m 0644 man/bcacheassemble.8 $(DESTDIR)$(MANDIR)/man8/bcacheassemble.8
	install -D -m 0644 man/bcachetab.5 $(DESTDIR)$(MANDIR)/man5/bcachetab.5
	install -D -m 0644 bcachetab.example $(DESTDIR)$(DOCDIR)/bcachetab.example
	install -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(DRACUTDIR) $(DESTDIR)$(ITDIR)/hooks \
		$(DESTDIR)$(ITDIR)/scripts/local-top $(DESTDIR)$(ITDIR)/scripts/local-block
	$(SUBST) udev/61-bcacheassemble.rules.in >$(DESTDIR)$(UDEVRULESDIR)/61-bcacheassemble.rules
	install -m 0644 udev/69-bcacheassemble-after.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -d $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d \
		$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d
	$(SUBST) bootloader/kernel-postinst >$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-bcacheassemble
	$(SUBST) bootloader/initramfs-post-update \
		>$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/bcacheassemble
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-bcacheassemble \
		$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/bcacheassemble
	$(SUBST) systemd/bcacheassemble.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/bcacheassemble.service
	$(SUBST) systemd/bcacheassemble@.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/bcacheassemble@.service
	$(SUBST) systemd/bcacheassemble-last-resort@.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/bcacheassemble-last-resort@.service
	$(SUBST) systemd/bcacheassemble-initramfs.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/bcacheassemble-initramfs.service
	install -m 0644 systemd/bcacheassemble-last-resort@.timer \
		$(DESTDIR)$(SYSTEMDUNITDIR)/
	install -d $(DESTDIR)$(SYSTEMDGENDIR)
	ln -sf $(SBINDIR)/bcacheassemble $(DESTDIR)$(SYSTEMDGENDIR)/bcacheassemble-generator
	for f in dracut-module/90bcacheassemble/*; do \
		$(SUBST) $$f >$(DESTDIR)$(DRACUTDIR)/$${f##*/}; done
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/*
	for f in hooks/bcacheassemble scripts/local-top/bcacheassemble \
		scripts/local-block/bcacheassemble; do \
		$(SUBST) initramfs-tools-hook/$$f >$(DESTDIR)$(ITDIR)/$$f; \
		chmod 0755 $(DESTDIR)$(ITDIR)/$$f; done

clean:
	rm -rf $(BUILD)/test $(BUILD)/fuzz $(BIN)
	$(MAKE) -C kernel clean

distclean: clean
	rm -rf $(BUILD)

.PHONY: all check check-unit check-model check-fuzz check-vm check-vm-broken check-vm-6.12 \
	check-mainline review check-boot check-system check-system-smoke check-system-roots demo bench-boot bench-system \
	lint fuzz bench install deb clean distclean
