// SPDX-License-Identifier: GPL-2.0-or-later
/* The safety rules of policy.c, from tables. */
#include "policy.h"
#include "testlib.h"

#define WT MODE_WRITETHROUGH
#define WB MODE_WRITEBACK
#define UN MODE_UNSET

static struct bt_entry raw(bool cset, enum cache_mode mode, bool stale,
			   bool initrd)
{
	struct bt_entry e = { .raw = true, .has_uuid = true, .has_cset = cset,
			      .mode = mode, .stale = stale, .initrd = initrd };

	return e;
}

static void registration(void)
{
	static const struct {
		bool cset, stale, marked;
		enum cache_mode mode;
		enum bdev_state state;
		enum cache_mode reg_mode;
		bool discard;
	} t[] = {
		/* no set: none, whatever else */
		{ false, false, false, WT, BDEV_NONE, WT, false },
		{ false, false, false, UN, BDEV_NONE, WT, false },
		/* normal boots reuse the slot: clean or dirty */
		{ true, false, false, WT, BDEV_CLEAN, WT, false },
		{ true, false, false, WB, BDEV_DIRTY, WB, false },
		/*
		 * stale (line or run mark): cold, and never writeback yet;
		 * beside writeback only a forced run gave the data up
		 */
		{ true, true, false, WB, BDEV_STALE, WT, true },
		{ true, false, true, WB, BDEV_STALE, WT, true },
		{ true, true, false, MODE_WRITEAROUND, BDEV_STALE,
		  MODE_WRITEAROUND, false },
		{ true, true, false, WT, BDEV_STALE, WT, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct bt_entry e = raw(t[i].cset, t[i].mode, t[i].stale, false);

		CHECK_INT(policy_reg_state(&e, t[i].marked), t[i].state);
		CHECK_INT(policy_reg_mode(&e, t[i].marked), t[i].reg_mode);
		CHECK_INT(policy_reg_discard(&e, t[i].marked), t[i].discard);
	}
}

static void dirty_and_run(void)
{
	static const struct {
		enum cache_mode mode;
		bool stale;
		struct kview k;
		bool force, last, dirty;
		enum run_verdict v;
	} t[] = {
		{ WT, false, { .registered = true, .mode = WT }, false, false,
		  false, RUN_START },
		{ WB, false, { .registered = true, .mode = WB }, false, false,
		  true, RUN_REFUSE },
		{ WB, false, { .registered = true, .mode = WB }, true, false,
		  true, RUN_START_FORCE },
		{ WB, false, { .registered = true, .mode = WB }, true, true,
		  true, RUN_HOLD },
		/* stale: the set's copy is given up already */
		{ WB, true, { .registered = true, .mode = WT }, false, false,
		  false, RUN_START },
		/* the kernel runs writeback (an older image): it counts */
		{ WT, false, { .registered = true, .mode = WB }, false, true,
		  true, RUN_HOLD },
		{ WT, false, { .registered = true, .mode = WT, .dirty = true },
		  false, false, true, RUN_REFUSE },
		{ WT, false, { .registered = true, .running = true }, false,
		  false, false, RUN_NOTHING },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct bt_entry e = raw(true, t[i].mode, t[i].stale, false);
		bool d = policy_raw_may_hold_dirty(&e, false, &t[i].k);

		CHECK_INT(d, t[i].dirty);
		CHECK_INT(policy_run(d, &t[i].k, t[i].force, t[i].last), t[i].v);
	}
}

static void run_record(void)
{
	struct bt_entry wb = raw(true, WB, false, false),
			st = raw(true, WB, true, false),
			none = raw(false, WT, false, false),
			ini = raw(false, WT, false, true);

	CHECK_INT(policy_run_record(&wb, false), RECORD_LINE);
	CHECK_INT(policy_run_record(&wb, true), RECORD_RUNMARK);
	CHECK_INT(policy_run_record(&st, false), RECORD_NONE);
	CHECK_INT(policy_run_record(&st, true), RECORD_RUNMARK);
	CHECK_INT(policy_run_record(&none, false), RECORD_NONE);
	/* an old image may name a set the line does not: images first */
	CHECK(policy_run_needs_images(&ini, false));
	CHECK(!policy_run_needs_images(&ini, true));
	CHECK(!policy_run_needs_images(&wb, false));
}

static void modes(void)
{
	struct bt_entry wt = raw(true, WT, false, false),
			wb = raw(true, WB, false, false),
			st = raw(true, WT, true, false),
			ns = raw(false, WT, false, false);

	CHECK_INT(policy_set_mode(&wt, false, WB, false), MODE_RECORD_FIRST);
	CHECK_INT(policy_set_mode(&wb, false, WT, false), MODE_KERNEL_FIRST);
	CHECK_INT(policy_set_mode(&wt, false, MODE_WRITEAROUND, false),
		  MODE_RECORD_FIRST);
	CHECK_INT(policy_set_mode(&st, false, WB, false), MODE_REFUSE_STALE);
	CHECK_INT(policy_set_mode(&wt, true, WB, false), MODE_REFUSE_STALE);
	CHECK_INT(policy_set_mode(&ns, false, WB, false), MODE_REFUSE_NOSET);
	CHECK_INT(policy_set_mode(&wt, false, WB, true), MODE_REFUSE_BOOT);
	CHECK_INT(policy_set_mode(&wb, false, WT, true), MODE_KERNEL_FIRST);
	/* writeback only once no record says stale, and images have it */
	wb.initrd = true;
	CHECK(!policy_may_writeback(&wb, false, false));
	CHECK(policy_may_writeback(&wb, false, true));
	CHECK(!policy_may_writeback(&wb, true, true));
	CHECK(!policy_may_writeback(&wt, false, true));
}

static void clear_stale(void)
{
	struct bt_entry st = raw(true, WB, true, false);
	struct kview on = { .registered = true, .running = true,
			    .attached = true, .mode = WT };

	CHECK(policy_may_clear_stale(&st, false, &on, false, true));
	/* a warm attach (registered clean from an older image): kept */
	CHECK(!policy_may_clear_stale(&st, false, &on, false, false));
	CHECK(!policy_may_clear_stale(&st, true, &on, false, true));
	CHECK(!policy_may_clear_stale(&st, false, &on, true, true));
	on.attached = false;
	CHECK(!policy_may_clear_stale(&st, false, &on, false, true));
}

static void reconcile(void)
{
	struct bt_entry wt = raw(true, WT, false, false), st, ns, n;
	struct kview uncached = { .registered = true, .running = true,
				  .mode = WT },
		     wbk = { .registered = true, .running = true,
			     .attached = true, .mode = WB },
		     dirty = { .registered = true, .running = true,
			       .attached = true, .mode = WT, .dirty = true },
		     held_wb = { .registered = true, .mode = WB };

	CHECK(policy_reconcile(&wt, &uncached, &n) && n.stale);
	CHECK(policy_reconcile(&wt, &wbk, &n) && n.mode == WB && !n.stale);
	st = raw(true, WT, true, false);
	/* writeback beside 'stale', nothing dirty: the kernel goes back */
	CHECK(policy_reconcile(&st, &wbk, &n) && n.stale && n.mode == WT);
	CHECK(policy_kernel_to_writethrough(&st, &wbk));
	/* dirty data wins over 'stale': its registration would drop it */
	CHECK(policy_reconcile(&st, &dirty, &n) && !n.stale && n.mode == WB);
	/* attached to a set the line does not name: the line follows */
	ns = raw(false, WT, false, false);
	memset(wbk.cset, 7, 16);
	CHECK(policy_reconcile(&ns, &wbk, &n) && n.has_cset &&
	      n.cset[0] == 7 && n.mode == WB);
	/* held writeback without a set in the line: no line can say it */
	CHECK(!policy_reconcile(&ns, &held_wb, &n));
}

TEST_MAIN(T(registration), T(dirty_and_run), T(run_record), T(modes),
	  T(clear_stale), T(reconcile))
