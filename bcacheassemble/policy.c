// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy.h"

bool policy_stale(const struct bt_entry *e, bool run_marked)
{
	return e->raw && e->has_cset && (e->stale || run_marked);
}

enum bdev_state policy_reg_state(const struct bt_entry *e, bool run_marked)
{
	if (!e->has_cset)
		return BDEV_NONE;
	if (policy_stale(e, run_marked))
		return BDEV_STALE;
	return e->mode == MODE_WRITEBACK ? BDEV_DIRTY : BDEV_CLEAN;
}

enum cache_mode policy_reg_mode(const struct bt_entry *e, bool run_marked)
{
	enum cache_mode m = e->mode == MODE_UNSET ? MODE_WRITETHROUGH : e->mode;

	if (m == MODE_WRITEBACK && policy_stale(e, run_marked))
		return MODE_WRITETHROUGH;
	return m;
}

bool policy_reg_discard(const struct bt_entry *e, bool run_marked)
{
	return policy_reg_state(e, run_marked) == BDEV_STALE &&
	       e->mode == MODE_WRITEBACK;
}

bool policy_raw_may_hold_dirty(const struct bt_entry *e, bool run_marked,
			       const struct kview *k)
{
	/* the kernel first: it may run what an older image said */
	if (k && k->registered && (k->dirty || k->mode == MODE_WRITEBACK))
		return true;
	if (!e->has_cset)
		return false;
	return e->mode == MODE_WRITEBACK && !policy_stale(e, run_marked);
}

enum run_verdict policy_run(bool may_hold_dirty, const struct kview *k,
			    bool force, bool last_resort)
{
	if (k->running)
		return RUN_NOTHING;
	if (!may_hold_dirty)
		return RUN_START;
	if (last_resort)
		return RUN_HOLD;
	return force ? RUN_START_FORCE : RUN_REFUSE;
}

enum record_where policy_run_record(const struct bt_entry *e, bool in_initrd)
{
	if (!e->raw || !e->has_cset)
		return RECORD_NONE;
	if (in_initrd)
		return RECORD_RUNMARK;
	return e->stale ? RECORD_NONE : RECORD_LINE;
}

bool policy_run_needs_images(const struct bt_entry *e, bool in_initrd)
{
	/*
	 * Even without a cache set in the line: an outdated image may have
	 * registered it with one, and would again at the next boot.
	 */
	return e->raw && e->initrd && !in_initrd;
}

bool policy_may_clear_stale(const struct bt_entry *e, bool run_marked,
			    const struct kview *k, bool in_initrd,
			    bool registered_cold)
{
	/*
	 * Only the real root's bcachetab can be changed, and only once the
	 * set has the volume again (attached after a stale registration).
	 * A run mark means this boot's initramfs ran it uncached: it first
	 * becomes 'stale' in the line, and stays until the next cold attach.
	 */
	return e->stale && registered_cold && !run_marked && !in_initrd &&
	       k->registered && k->running && k->attached && !k->dirty;
}

bool policy_may_writeback(const struct bt_entry *e, bool run_marked,
			  bool images_current)
{
	if (e->mode != MODE_WRITEBACK || policy_stale(e, run_marked))
		return false;
	return !e->initrd || images_current;
}

enum mode_order policy_set_mode(const struct bt_entry *e, bool run_marked,
				enum cache_mode to, bool holds_boot)
{
	if (to == MODE_WRITEBACK) {
		if (!e->has_cset)
			return MODE_REFUSE_NOSET;
		/* GRUB reads the raw disk: blocks dirty in the cache are old */
		if (holds_boot && e->raw)
			return MODE_REFUSE_BOOT;
		if (policy_stale(e, run_marked))
			return MODE_REFUSE_STALE;
		return MODE_RECORD_FIRST;
	}
	/* leaving writeback: the record keeps saying so until clean */
	return e->mode == MODE_WRITEBACK ? MODE_KERNEL_FIRST :
					   MODE_RECORD_FIRST;
}

bool policy_reconcile(const struct bt_entry *e, const struct kview *k,
		      struct bt_entry *n)
{
	*n = *e;
	if (!e->raw || !k->registered)
		return true;
	if (k->attached && (!e->has_cset || memcmp(e->cset, k->cset, 16))) {
		/* an image older than --detach attached it: the set has it */
		memcpy(n->cset, k->cset, 16);
		n->has_cset = true;
	}
	if (!n->has_cset)
		return !(k->mode == MODE_WRITEBACK || k->dirty);
	if (k->running && !k->attached)
		n->stale = true;
	if (k->dirty) {
		n->mode = MODE_WRITEBACK;
		n->stale = false;
	} else if (k->mode == MODE_WRITEBACK && !n->stale) {
		n->mode = MODE_WRITEBACK;
	}
	return true;
}

bool policy_kernel_to_writethrough(const struct bt_entry *e,
				   const struct kview *k)
{
	return e->raw && e->stale && k->registered &&
	       k->mode == MODE_WRITEBACK && !k->dirty;
}
