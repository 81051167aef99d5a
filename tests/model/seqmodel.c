// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sequence model: random lives of one raw volume (boots, writes, reads,
 * --run [--force], the last resort, --set-mode, --detach/--attach, the
 * image rebuild, a cache set present, absent or late, a read-only root),
 * with a power cut possible between any two steps of the tool. Every
 * decision comes from the real policy.c; the order of the steps is the
 * one lifecycle.c, assemble.c and main.c use. After every step it checks:
 *   - no read returns anything but the last acknowledged write;
 *   - no dirty data is dropped unless --force gave it up;
 *   - the record the next boot uses (bcachetab, and for an initrd volume
 *     the image's copy) says writeback beside dirty data and stale beside
 *     an out-of-date copy, outside the one window bcachetab(5) states.
 * A failure prints the seed and the trace; SEQMODEL_SEED replays one.
 *
 *   seqmodel [SEQUENCES] [FIRST_SEED]
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NB 3 /* blocks */

struct slot {
	bool valid;
	bool has[NB], dirty[NB];
	int ver[NB];
};

struct world {
	unsigned rng;
	int truth[NB], disk[NB], next_ver;
	struct slot slot;
	bool set_present;
	struct bt_entry line, image; /* bcachetab and the initramfs copy */
	bool flag;                   /* images outdated (persistent) */
	bool runmark;                /* /run: lost at a power cut */
	bool etc_ro;                 /* root not writable (this boot) */
	bool images_fail;            /* the generator fails (this boot) */
	/* the kernel */
	bool reg, running, attached, in_initrd, cold;
	bool kcset; /* the registration named the cache set */
	bool kdiscard; /* ... and dirty=discard */
	enum bdev_state kstate;
	enum cache_mode kmode;
	/* what may be given up, and the accepted window */
	bool forced, window, in_window, ever_window;
	/* the trace */
	char trace[256][48];
	unsigned nt;
	const char *failed;
};

static unsigned rnd(struct world *w, unsigned n)
{
	w->rng = w->rng * 1103515245u + 12345u;
	return (w->rng >> 16) % n;
}

static void note(struct world *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->trace[w->nt % 256], sizeof(w->trace[0]), fmt, ap);
	va_end(ap);
	w->nt++;
}

static void fail(struct world *w, const char *what)
{
	if (!w->failed)
		w->failed = what;
}

/* --- the kernel --- */
static bool slot_dirty(const struct world *w)
{
	for (int b = 0; b < NB; b++)
		if (w->slot.valid && w->slot.dirty[b])
			return true;
	return false;
}

static void flush(struct world *w)
{
	for (int b = 0; b < NB; b++)
		if (w->slot.valid && w->slot.dirty[b]) {
			w->disk[b] = w->slot.ver[b];
			w->slot.dirty[b] = false;
		}
}

/* false: the kernel refused the attach (EUCLEAN), nothing dropped */
static bool k_attach(struct world *w)
{
	if (!w->reg || w->attached || !w->set_present || !w->kcset)
		return true;
	if (w->kstate == BDEV_STALE || w->kstate == BDEV_NONE) {
		if (slot_dirty(w) && !w->kdiscard) {
			note(w, "  attach refused: dirty slot");
			return false;
		}
		if (slot_dirty(w) && !w->forced)
			fail(w, "dirty=discard beside data not given up");
		for (int b = 0; b < NB; b++) /* given up by --force */
			if (w->slot.valid && w->slot.dirty[b])
				w->truth[b] = w->disk[b];
		if (w->in_window) /* what the window did is the volume now */
			for (int b = 0; b < NB; b++)
				w->truth[b] = w->disk[b];
		memset(&w->slot, 0, sizeof(w->slot));
		w->slot.valid = true;
		w->forced = w->window = w->in_window = false;
	} else if (!w->slot.valid) {
		return true; /* no slot for this uuid: held */
	}
	w->attached = w->running = true;
	note(w, "  attached (state %d)", w->kstate);
	if (slot_dirty(w))
		w->kstate = BDEV_DIRTY; /* patch 3: the cache knows better */
	else if (w->kstate != BDEV_DIRTY)
		w->kstate = BDEV_CLEAN;
	return true;
}

static void k_register(struct world *w, const struct bt_entry *e, bool marked)
{
	if (w->reg)
		return;
	w->reg = true;
	w->kcset = e->has_cset;
	w->kdiscard = policy_reg_discard(e, marked);
	w->kstate = policy_reg_state(e, marked);
	w->cold = w->kstate == BDEV_STALE;
	w->kmode = policy_reg_mode(e, marked);
	w->running = w->kstate == BDEV_STALE || w->kstate == BDEV_NONE;
	note(w, "register state=%d mode=%d", w->kstate, w->kmode);
	if (!k_attach(w)) { /* the write fails, the disk is released */
		w->reg = w->running = false;
		return;
	}
	if (w->running && !w->attached && w->forced) /* given up: the disk */
		for (int b = 0; b < NB; b++)
			w->truth[b] = w->disk[b];
}

static void k_mode(struct world *w, enum cache_mode m)
{
	if (w->kmode == MODE_WRITEBACK && m != MODE_WRITEBACK && w->attached)
		flush(w);
	w->kmode = m;
}

static void k_run(struct world *w)
{
	if (w->forced) /* what the disk holds is the volume now */
		for (int b = 0; b < NB; b++)
			w->truth[b] = w->disk[b];
	w->running = true;
	if (!w->attached)
		w->kstate = BDEV_STALE; /* bch_cached_dev_run() */
}

static struct kview kv(const struct world *w)
{
	return (struct kview){ .registered = w->reg, .running = w->running,
			       .attached = w->attached, .mode = w->kmode,
			       .dirty = w->attached && slot_dirty(w) };
}

/* --- the record --- */
static bool edit(struct world *w, struct bt_entry *n)
{
	if (w->etc_ro)
		return false;
	w->line = *n;
	note(w, "  line: %s mode=%d%s", n->has_cset ? "cset" : "-", n->mode,
	     n->stale ? " stale" : "");
	return true;
}

/* record_line(): the images flag first for an initrd volume */
static bool record(struct world *w, struct bt_entry *n, bool *crash)
{
	if (w->line.initrd) {
		if (w->etc_ro)
			return false;
		w->flag = true;
		if ((*crash = rnd(w, 8) == 0))
			return false;
	}
	return edit(w, n);
}

static bool images_update(struct world *w)
{
	if (w->images_fail || w->etc_ro)
		return false;
	w->image = w->line;
	w->flag = false;
	note(w, "  image: %s mode=%d%s", w->image.has_cset ? "cset" : "-",
	     w->image.mode, w->image.stale ? " stale" : "");
	if (w->image.stale)
		w->window = false;
	note(w, "images rebuilt");
	return true;
}

/* A crash point: true means the power went out here. */
static bool cut(struct world *w)
{
	return rnd(w, 12) == 0;
}

/* --- the tool --- */
static bool may_hold_dirty(struct world *w)
{
	struct kview k = kv(w);

	return policy_raw_may_hold_dirty(&w->line, w->runmark, &k);
}

static bool reconcile(struct world *w);

/*
 * reconcile_first() of lifecycle.c: false when the power went out; *refused
 * when the line cannot be made to say what the kernel runs.
 */
static bool reconcile_first(struct world *w, bool *refused)
{
	struct bt_entry r;
	struct kview k;

	*refused = false;
	if (!w->reg)
		return true;
	if (!reconcile(w))
		return false;
	k = kv(w);
	*refused = !policy_reconcile(&w->line, &k, &r) ||
		   memcmp(&r, &w->line, sizeof(r));
	return true;
}

/* do_run(): false when the power went out */
static bool tool_run(struct world *w, bool force, bool last_resort)
{
	struct kview k = kv(w);
	struct bt_entry n = w->line;
	const struct bt_entry *e = w->in_initrd ? &w->image : &w->line;
	bool crash = false, gives_up = false, refused;

	if (!w->reg)
		return true;
	if (!w->in_initrd) {
		if (!reconcile_first(w, &refused))
			return false;
		if (refused)
			return true;
		k = kv(w);
		n = w->line;
	}
	switch (policy_run(w->in_initrd ? policy_raw_may_hold_dirty(e, w->runmark, &k) :
					  may_hold_dirty(w),
			   &k, force, last_resort)) {
	case RUN_NOTHING:
	case RUN_HOLD:
	case RUN_REFUSE:
		return true;
	case RUN_START_FORCE:
		gives_up = true;
		break;
	case RUN_START:
		break;
	}
	note(w, "run%s%s%s", force ? " --force" : "",
	     last_resort ? " (last resort)" : "", w->in_initrd ? " (initrd)" : "");
	switch (policy_run_record(e, w->in_initrd)) {
	case RECORD_NONE:
		break;
	case RECORD_RUNMARK:
		w->runmark = true;
		if (!w->image.stale || w->flag)
			w->window = true;
		break;
	case RECORD_LINE:
		n.stale = true;
		if (!record(w, &n, &crash))
			return !crash;
		break;
	}
	/* recorded: from here on the admin has given the dirty data up */
	if (gives_up)
		w->forced = true;
	if (cut(w))
		return false;
	if (policy_run_needs_images(e, w->in_initrd) && w->flag &&
	    !images_update(w))
		return true; /* refused */
	if (cut(w))
		return false;
	if (w->kmode == MODE_WRITEBACK)
		k_mode(w, MODE_WRITETHROUGH);
	if (cut(w))
		return false;
	k_run(w);
	return true;
}

/* volume_reconcile(): the record follows the kernel toward the safe side */
static bool reconcile(struct world *w)
{
	struct kview k = kv(w);
	struct bt_entry n;
	bool crash = false;

	if (!policy_reconcile(&w->line, &k, &n))
		return true; /* reported; nothing to record */
	if (memcmp(&n, &w->line, sizeof(n))) {
		note(w, "reconcile");
		if (!record(w, &n, &crash)) {
			if (crash)
				return false;
			/* cannot be written: a run mark, and exit 1 */
			w->runmark |= n.stale && !w->line.stale;
			return true;
		}
		if (cut(w))
			return false;
	}
	k = kv(w);
	if (policy_kernel_to_writethrough(&w->line, &k)) {
		note(w, "kernel back to writethrough");
		k_mode(w, MODE_WRITETHROUGH);
	}
	return true;
}

/* fold_run_marks() */
static bool fold(struct world *w, bool *ok)
{
	struct bt_entry n = w->line;
	bool crash = false;

	*ok = true;
	if (!w->runmark)
		return true;
	n.stale = w->line.has_cset;
	if (n.stale != w->line.stale && !record(w, &n, &crash)) {
		*ok = false;
		return !crash; /* mark kept, exit 1 */
	}
	if (cut(w))
		return false;
	w->runmark = false;
	note(w, "run mark folded");
	return true;
}

/* --scan in the real root: fold run marks, register, settle */
static bool tool_scan(struct world *w)
{
	bool crash = false, ok;
	struct kview k;

	if (!fold(w, &ok))
		return false;
	if (!w->reg)
		k_register(w, &w->line, w->runmark);
	if (cut(w))
		return false;
	if (!reconcile(w))
		return false;
	k = kv(w);
	if (w->running && w->attached &&
	    policy_may_clear_stale(&w->line, w->runmark, &k, false, w->cold)) {
		struct bt_entry n = w->line;

		n.stale = false;
		if (!record(w, &n, &crash))
			return !crash;
		note(w, "stale cleared");
		if (cut(w))
			return false;
		if (policy_may_writeback(&w->line, false, !w->line.initrd))
			k_mode(w, MODE_WRITEBACK);
	}
	return true;
}

static bool tool_update_images(struct world *w)
{
	struct kview k;
	bool ok;

	if (!fold(w, &ok))
		return false;
	if (!ok)
		return true;
	if (w->reg) {
		if (!reconcile(w))
			return false;
		struct bt_entry n;

		k = kv(w);
		if (!policy_reconcile(&w->line, &k, &n) ||
		    memcmp(&n, &w->line, sizeof(n)))
			return true; /* could not record: refused */
	}
	if (cut(w))
		return false;
	if (!images_update(w))
		return true;
	if (cut(w))
		return false;
	if (w->running && w->attached && w->kmode != MODE_WRITEBACK &&
	    policy_may_writeback(&w->line, false, true))
		k_mode(w, MODE_WRITEBACK);
	return true;
}

static bool tool_set_mode(struct world *w, enum cache_mode m)
{
	struct bt_entry n = w->line;
	bool crash = false, refused;

	if (!w->reg || !w->running)
		return true;
	if (!reconcile_first(w, &refused))
		return false;
	if (refused)
		return true;
	n = w->line;
	note(w, "set-mode %d", m);
	n.mode = m;
	switch (policy_set_mode(&w->line, w->runmark, m, false)) {
	case MODE_REFUSE_NOSET:
	case MODE_REFUSE_STALE:
	case MODE_REFUSE_BOOT:
		return true;
	case MODE_KERNEL_FIRST:
		k_mode(w, MODE_WRITETHROUGH);
		if (cut(w))
			return false;
		k_mode(w, m);
		if (cut(w))
			return false;
		return record(w, &n, &crash) || !crash;
	case MODE_RECORD_FIRST:
		break;
	}
	if (!record(w, &n, &crash))
		return !crash;
	if (cut(w))
		return false;
	if (m == MODE_WRITEBACK && w->line.initrd && !images_update(w))
		return true;
	if (cut(w))
		return false;
	k_mode(w, m);
	return true;
}

static bool tool_detach(struct world *w)
{
	struct bt_entry n;
	bool crash = false, refused;

	if (!w->reg)
		return true;
	if (!reconcile_first(w, &refused))
		return false;
	n = w->line;
	if (refused || !w->line.has_cset || !w->attached)
		return true;
	note(w, "detach");
	k_mode(w, MODE_WRITETHROUGH);
	if (cut(w))
		return false;
	n.stale = true;
	if (!record(w, &n, &crash))
		return !crash;
	if (cut(w))
		return false;
	flush(w);
	note(w, "  kernel detached");
	w->slot.valid = false;
	w->attached = w->kcset = false;
	w->kstate = BDEV_NONE;
	if (cut(w))
		return false;
	n.has_cset = false;
	n.stale = false;
	n.mode = MODE_WRITETHROUGH;
	return record(w, &n, &crash) || !crash;
}

static bool tool_attach(struct world *w)
{
	struct bt_entry n;
	bool crash = false, refused;

	if (!w->reg)
		return true;
	if (!reconcile_first(w, &refused))
		return false;
	n = w->line;
	if (refused || w->line.has_cset || !w->set_present)
		return true;
	note(w, "attach");
	n.has_cset = true;
	n.stale = true;
	if (!record(w, &n, &crash))
		return !crash;
	if (cut(w))
		return false;
	k_mode(w, policy_reg_mode(&w->line, false));
	w->kstate = BDEV_NONE;
	w->kcset = true;
	k_attach(w);
	if (cut(w))
		return false;
	n.stale = false;
	if (!record(w, &n, &crash))
		return !crash;
	if (cut(w))
		return false;
	if (policy_may_writeback(&w->line, false, !w->flag))
		k_mode(w, MODE_WRITEBACK);
	return true;
}

/* --- I/O --- */
static void io_write(struct world *w, int b)
{
	int v = ++w->next_ver;

	if (!w->running)
		return;
	note(w, "write %d v%d%s", b, v, w->attached ? "" : " (uncached)");
	w->truth[b] = v;
	if (w->attached) {
		w->slot.has[b] = true;
		w->slot.ver[b] = v;
		w->slot.dirty[b] = w->kmode == MODE_WRITEBACK;
		if (!w->slot.dirty[b])
			w->disk[b] = v;
	} else {
		w->disk[b] = v;
	}
}

static void io_read(struct world *w, int b)
{
	int v;

	if (!w->running)
		return;
	v = w->attached && w->slot.has[b] ? w->slot.ver[b] : w->disk[b];
	note(w, "read %d: v%d", b, v);
	if (v != w->truth[b] && !w->in_window)
		fail(w, "stale read");
}

/* --- boots --- */
static void power_cut(struct world *w)
{
	note(w, "power cut");
	/*
	 * The window bcachetab(5) states: a run in the initramfs, until its
	 * mark has reached bcachetab and the images.
	 */
	if (w->window ||
	    (w->runmark && w->line.has_cset &&
	     !(w->line.initrd ? w->image.stale : w->line.stale)))
		w->in_window = w->ever_window = true;
	w->reg = w->running = w->attached = false;
	w->runmark = false;
	w->kmode = MODE_UNSET;
}

static void boot(struct world *w)
{
	unsigned s = rnd(w, 10);

	w->set_present = s < 7;
	w->etc_ro = rnd(w, 6) == 0;
	w->images_fail = rnd(w, 8) == 0;
	note(w, "boot set=%s%s", s < 7 ? "present" : "absent",
	     w->etc_ro ? " ro-root" : "");
	w->in_initrd = true;
	if (w->line.initrd) {
		k_register(w, &w->image, false);
		if (w->reg && !w->running && rnd(w, 5) == 0 &&
		    !tool_run(w, rnd(w, 2), false)) {
			power_cut(w);
			return boot(w);
		}
	}
	w->in_initrd = false;
	if (!tool_scan(w)) {
		power_cut(w);
		return boot(w);
	}
}

static void check(struct world *w)
{
	bool stale_copy = false;
	const struct bt_entry *l = &w->line, *im = &w->image;

	if (w->in_window)
		return;
	for (int b = 0; b < NB; b++)
		if (w->slot.valid && w->slot.has[b] && !w->slot.dirty[b] &&
		    w->slot.ver[b] != w->truth[b])
			stale_copy = true;
	/*
	 * Dirty data: the next boot registers from the image (initrd) or the
	 * line; the real root's --scan makes the line follow what the kernel
	 * runs before anything decides on it, and --update-images refuses
	 * until it has. So the line may lag only while the kernel itself
	 * runs writeback (a read-only root, reported as an error).
	 */
	if (slot_dirty(w) && !w->forced) {
		bool kwb = w->reg && w->kmode == MODE_WRITEBACK;

		if (!(l->initrd && kwb) &&
		    (l->stale || !l->has_cset || l->mode != MODE_WRITEBACK))
			fail(w, "dirty data beside a record that gives it up");
		if (l->initrd && (im->mode != MODE_WRITEBACK || im->stale))
			fail(w, "dirty data beside an image that gives it up");
	}
	if (stale_copy && l->has_cset && !w->forced) {
		if (!l->stale && !w->runmark)
			fail(w, "stale copy beside a record without 'stale'");
		if (l->initrd && !im->stale && !w->window && !w->flag)
			fail(w, "stale copy beside an image without 'stale'");
	}
}

static unsigned long windowed, total_steps;

static bool life(unsigned seed, unsigned steps)
{
	struct world w;

	memset(&w, 0, sizeof(w));
	w.rng = seed;
	w.line.raw = w.line.has_uuid = w.line.has_cset = true;
	w.line.mode = rnd(&w, 2) ? MODE_WRITEBACK : MODE_WRITETHROUGH;
	w.line.initrd = rnd(&w, 2);
	w.image = w.line;
	w.slot.valid = true;
	boot(&w);
	for (unsigned i = 0; i < steps && !w.failed; i++) {
		bool ok = true;

		total_steps++;
		switch (rnd(&w, 14)) {
		case 0: case 1: case 2:
			io_write(&w, (int)rnd(&w, NB));
			break;
		case 3: case 4: case 5:
			io_read(&w, (int)rnd(&w, NB));
			break;
		case 6:
			power_cut(&w);
			boot(&w);
			break;
		case 7:
			if (!w.set_present) {
				note(&w, "set arrives");
				w.set_present = true;
				k_attach(&w);
				ok = tool_scan(&w);
			}
			break;
		case 8:
			ok = tool_run(&w, rnd(&w, 3) == 0, rnd(&w, 2));
			break;
		case 9:
			ok = tool_set_mode(&w, rnd(&w, 2) ? MODE_WRITEBACK :
							    MODE_WRITETHROUGH);
			break;
		case 10:
			ok = tool_update_images(&w);
			break;
		case 11:
			ok = rnd(&w, 2) ? tool_detach(&w) : tool_attach(&w);
			break;
		case 12:
			ok = tool_scan(&w);
			break;
		case 13:
			if (w.etc_ro) {
				note(&w, "remount rw");
				w.etc_ro = false;
			}
			break;
		}
		if (!ok) {
			power_cut(&w);
			boot(&w);
		}
		check(&w);
	}
	windowed += w.ever_window;
	if (w.failed) {
		unsigned first = w.nt > 256 ? w.nt - 256 : 0;

		printf("seqmodel: seed %u: %s\n", seed, w.failed);
		for (unsigned i = first; i < w.nt; i++)
			printf("  %3u %s\n", i, w.trace[i % 256]);
	}
	return !w.failed;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	unsigned first = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 1;
	const char *replay = getenv("SEQMODEL_SEED");
	unsigned long bad = 0;

	if (replay)
		return life((unsigned)strtoul(replay, NULL, 10), 200) ? 0 : 1;
	unsigned long i;

	for (i = 0; i < n; i++)
		if (!life(first + (unsigned)i, 200) && ++bad >= 3) {
			i++;
			break;
		}
	n = i;
	printf("seqmodel: %lu sequences, %lu failed, %lu passed through the "
	       "stated window (not checked until the next cold attach)\n",
	       n, bad, windowed);
	printf("seqmodel: %lu operations\n", total_steps);
	printf("%lu passed, %lu failed\n", n - bad, bad);
	return bad ? 1 : 0;
}
