/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bcachetab.h"
#include "superblock.h"

/*
 * The safety rules, as pure functions: no I/O, no globals. Inputs are the
 * bcachetab line, the volatile run mark (the volume ran uncached in this
 * boot's initramfs, bcachetab(5) "Run marks") and what the kernel reports;
 * outputs are what to register, and whether to start, hold or refuse.
 * Everything that decides whether data can be lost or served stale is here,
 * and tests/unit/test_policy.c checks it from tables.
 */

/* What the kernel says about a registered backing device. */
struct kview {
	bool registered;
	bool running;
	bool attached;
	uint8_t cset[16];       /* the set it is attached to */
	enum cache_mode mode;   /* MODE_UNSET if unknown */
	bool dirty;             /* state reads "dirty" */
};

/*
 * Is the cache set's copy of a raw volume out of date? Once the volume ran
 * without its set, the set must never serve its blocks again.
 */
bool policy_stale(const struct bt_entry *e, bool run_marked);

/* The state= a raw volume is registered with (bcachetab(5), "States"). */
enum bdev_state policy_reg_state(const struct bt_entry *e, bool run_marked);

/*
 * The mode= it is registered with: writethrough while the record still says
 * stale, so that no dirty data can exist beside a record that would make
 * the next boot drop it; the line's mode once the record says otherwise.
 */
enum cache_mode policy_reg_mode(const struct bt_entry *e, bool run_marked);

/*
 * May the registration let the kernel drop the dirty data the set holds for
 * the volume (dirty=discard)? Only a forced run makes a writeback line
 * 'stale': the data was given up then. Any other stale line beside dirty
 * data in the set is held by the kernel (EUCLEAN), nothing dropped.
 */
bool policy_reg_discard(const struct bt_entry *e, bool run_marked);

/*
 * Could the cache set hold data of this raw volume that is not on the disk?
 * The line says writeback and the set has not been declared stale; or the
 * kernel, which knows better, says dirty or writeback.
 */
bool policy_raw_may_hold_dirty(const struct bt_entry *e, bool run_marked,
			       const struct kview *k);

enum run_verdict {
	RUN_NOTHING,     /* already running */
	RUN_START,       /* start uncached; nothing can be lost */
	RUN_START_FORCE, /* start uncached, giving dirty data up (--force) */
	RUN_HOLD,        /* last resort: keep waiting for the set */
	RUN_REFUSE,      /* may hold dirty data and no --force */
};

enum run_verdict policy_run(bool may_hold_dirty, const struct kview *k,
			    bool force, bool last_resort);

/*
 * Before a raw volume with a cache set runs uncached, its record must say
 * stale: in bcachetab (real root), or as a run mark (initramfs, whose
 * bcachetab is the image's copy). For an initrd volume in the real root the
 * initramfs images must say so too, before the start.
 */
enum record_where {
	RECORD_NONE,    /* nothing to record (no cache set, or recorded) */
	RECORD_LINE,    /* add 'stale' to the bcachetab line */
	RECORD_RUNMARK, /* initramfs: a run mark in /run */
};

enum record_where policy_run_record(const struct bt_entry *e, bool in_initrd);
bool policy_run_needs_images(const struct bt_entry *e, bool in_initrd);

/*
 * After a cold attach (registered stale in this boot, by this run or by the
 * initramfs, which leaves a cold mark: registered_cold), 'stale' can leave
 * the line. For an initrd volume the images must drop it too before the
 * volume may hold dirty data: policy_may_writeback() says when the kernel
 * may go to the line's writeback mode.
 */
bool policy_may_clear_stale(const struct bt_entry *e, bool run_marked,
			    const struct kview *k, bool in_initrd,
			    bool registered_cold);
bool policy_may_writeback(const struct bt_entry *e, bool run_marked,
			  bool images_current);

/*
 * Changing the cache mode: writeback is recorded before the kernel changes
 * (and, for an initrd volume, reaches the images first); leaving writeback
 * is recorded only once the kernel has written every dirty block back.
 */
enum mode_order {
	MODE_RECORD_FIRST,  /* line (and images), then kernel */
	MODE_KERNEL_FIRST,  /* kernel, wait clean, then line */
	MODE_REFUSE_STALE,  /* writeback while the record says stale */
	MODE_REFUSE_NOSET,  /* writeback without a cache set */
	MODE_REFUSE_BOOT,   /* writeback where the bootloader reads the disk */
};

enum mode_order policy_set_mode(const struct bt_entry *e, bool run_marked,
				enum cache_mode to, bool holds_boot);

/*
 * The record follows the kernel toward the safe side. A raw volume that runs
 * while its cache set does not have it (started uncached, registered from an
 * image older than its cache set, or refused by the set) must say 'stale';
 * one whose kernel runs writeback (registered from an image older than a
 * mode change) must say writeback, and one whose set holds dirty data must
 * not say 'stale' (its next registration would drop that data). n is the
 * line the record must become (== *e when nothing changes). Returns false
 * when no line can describe what the kernel runs (writeback, held, for a
 * line without a cache set: registered from an image older than --detach):
 * then the images must not be rebuilt from the line.
 */
bool policy_reconcile(const struct bt_entry *e, const struct kview *k,
		      struct bt_entry *n);
/*
 * A kernel running writeback beside a record that says stale, with nothing
 * dirty yet: back to writethrough before dirty data can accrue.
 */
bool policy_kernel_to_writethrough(const struct bt_entry *e,
				   const struct kview *k);
