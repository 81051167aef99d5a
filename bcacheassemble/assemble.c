// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Assembly of bcachetab volumes: find each backing device, register the cache
 * devices of its set, register the backing device (formatted ones through
 * /sys/fs/bcache/register, raw ones through register_raw), then see whether
 * the kernel runs it or holds it back. The kernel's hold is the safety net:
 * a volume that may hold dirty data is registered with a state that keeps
 * bcacheN from appearing until its cache set attaches, and while registered
 * the disk is claimed, so nothing can mount it.
 */
#include "assemble.h"

#include <stdarg.h>
#include <string.h>

#include "bootfs.h"
#include "kernel.h"
#include "lock.h"
#include "log.h"
#include "policy.h"
#include "rawline.h"
#include "state.h"
#include "uevent.h"
#include "uuidtext.h"


static void set_why(struct volume *v, enum vol_status st, int err,
		    const char *fmt, ...) _printf_(4, 5);
static void set_why(struct volume *v, enum vol_status st, int err,
		    const char *fmt, ...)
{
	va_list ap;

	v->status = st;
	v->err = err;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

/* Register every known cache device of the set; *present once it exists. */
void register_cache_set(struct assembly *a, const uint8_t cset[16],
			bool *present)
{
	for (size_t i = 0; i < a->devs.n; i++) {
		const struct blockdev *d = &a->devs.v[i];
		int r;

		if (!blockdev_is_cache_of(d, cset) ||
		    cache_registered(a->ctx, d->name))
			continue;
		r = kernel_register(a->ctx, d->node);
		if (r < 0 && !cache_registered(a->ctx, d->name)) {
			log_warn("cannot register cache device %s: %s (see dmesg)",
				 d->node, strerror(-r));
		} else {
			log_info("registered cache device %s", d->node);
		}
	}
	*present = cache_set_present(a->ctx, cset);
}

static const char *register_advice(int err)
{
	switch (err) {
	case -EBUSY:
		return "the disk is busy: mounted, or claimed by dm, md or "
		       "another driver; unmount it (a raw disk must only be "
		       "used through bcache)";
	case -EEXIST:
		return "the kernel already has this device or its uuid "
		       "registered (duplicate uuid= in bcachetab, or a bcache "
		       "superblock on the disk)";
	case -EACCES:
	case -EROFS:
		return "the disk is read-only";
	case -ENOENT:
		return "this kernel has no /sys/fs/bcache/register_raw: install "
		       "the patched bcache module (see README)";
	case -EPERM:
		return "permission denied: run as root";
	case -EUCLEAN:
		return "the cache set holds dirty data for this volume, which "
		       "the line (stale, not writeback) would drop; nothing "
		       "was dropped. It was switched to writeback outside "
		       "bcacheassemble: if the disk was not used without its "
		       "cache since, that data is the newest: set mode=writeback "
		       "and remove 'stale' in the line; to give it up, set "
		       "mode=writeback and keep 'stale' (bcachetab(5))";
	case -EMEDIUMTYPE:
		return "the cache set's slot for this uuid= belongs to another "
		       "device (a flash-only volume, or a disk of another "
		       "size): a line copied or pointing at the wrong disk, or "
		       "a disk resized while attached (--detach before a "
		       "resize, --attach after)";
	case -ENODATA:
		return "the line says writeback but the cache set has no slot "
		       "for this uuid= (detached outside bcacheassemble, or the "
		       "wrong cset=); check the line against "
		       "bcacheassemble --examine";
	case -ENOSPC:
		return "the cache set's uuid table is full (each cold attach "
		       "takes a new slot); detach volumes the set no longer "
		       "needs, or recreate the cache set";
	default:
		return "the kernel refused it; see dmesg (lines starting "
		       "'bcache:') for the reason";
	}
}

/* Was the volume run uncached in this boot's initramfs? */
static int run_marked(struct assembly *a, struct volume *v)
{
	int r = v->e->raw ? state_run_marked(a->ctx, v->e->uuid) : 0;

	if (r < 0)
		set_why(v, VOL_FAILED, r,
			"cannot tell whether it ran without its cache set "
			"(%s/stale: %s); not registering it",
			a->ctx->rundir, strerror(-r));
	return r;
}

static bool check_identity(struct assembly *a, struct volume *v,
			   const struct blockdev *d)
{
	const struct bt_entry *e = v->e;

	if (e->serial[0] && strcmp(d->serial, e->serial)) {
		set_why(v, VOL_FAILED, -EINVAL,
			"%s reports serial '%s' but bcachetab says serial=%s: "
			"not the disk this line was made for (renumbered or "
			"replaced?); refusing it",
			d->node, d->serial[0] ? d->serial : "(none)", e->serial);
		return false;
	}
	if (d->size && e->size && d->size != e->size) {
		set_why(v, VOL_FAILED, -EINVAL,
			"%s has %llu sectors but bcachetab says size=%llu: not "
			"the disk this line was made for; refusing it",
			d->node, (unsigned long long)d->size,
			(unsigned long long)e->size);
		return false;
	}
	if (e->raw && (d->sb_status == 0 || d->sb_status == -EBADMSG)) {
		set_why(v, VOL_FAILED, -EEXIST,
			"%s has a bcache superblock: it is a formatted device, "
			"remove 'raw' from its line",
			d->node);
		return false;
	}
	if (!e->raw && (d->sb_status < 0 || !sb_is_backing(&d->sb))) {
		set_why(v, VOL_FAILED, -EINVAL,
			"%s is not a bcache backing device (%s%s); an "
			"unformatted disk needs 'raw' and a uuid= "
			"(bcacheassemble --create)",
			d->node, d->sb_status == 0 ? "it is a cache device" :
			d->fs_type[0] ? "blkid: TYPE=" : "no superblock",
			d->sb_status == 0 ? "" : d->fs_type);
		return false;
	}
	(void)a;
	return true;
}

/* The cache set a volume belongs to, or NULL. */
static const uint8_t *volume_cset(const struct volume *v,
				  const struct blockdev *d)
{
	if (v->e->has_cset)
		return v->e->cset;
	if (!v->e->raw && d && d->sb_status == 0 &&
	    sb_bdev_state(&d->sb) != BDEV_NONE)
		return d->sb.set_uuid;
	return NULL;
}

static int register_backing(struct assembly *a, struct volume *v,
			    const struct blockdev *d, bool marked)
{
	char line[512];
	int r;

	if (!v->e->raw)
		return kernel_register(a->ctx, d->node);
	r = rawline_format(v->e, d->major, d->minor,
			   policy_reg_state(v->e, marked),
			   policy_reg_mode(v->e, marked),
			   policy_reg_discard(v->e, marked), line, sizeof(line));
	if (r < 0)
		return r;
	log_debug("register_raw: %s", line);
	return kernel_register_raw(a->ctx, line);
}

static void apply_tunables(struct assembly *a, struct volume *v)
{
	for (unsigned i = 0; i < v->e->n_tunables; i++) {
		const struct bt_tunable *t = &v->e->tunables[i];
		int r = kattr_write(a->ctx, v->dev, t->attr, t->value);

		if (r < 0)
			log_warn("%s: cannot set %s=%s: %s", v->e->name,
				 t->attr, t->value, strerror(-r));
	}
}

static bool check_registered_identity(struct assembly *a, struct volume *v)
{
	char buf[64], want[UUID_STR_LEN];

	if (!v->e->raw)
		return true;
	uuid_to_text(v->e->uuid, want);
	if (kattr_read(a->ctx, v->dev, "backing_dev_uuid", buf, sizeof(buf)) == 0 &&
	    strcasecmp(buf, want)) {
		set_why(v, VOL_FAILED, -EEXIST,
			"/dev/%s is registered with uuid %s, bcachetab says %s; "
			"stop it and check the line",
			v->dev, buf, want);
		return false;
	}
	return true;
}

/* Formatted, detached backing device listed with a cache set: attach it. */
static void maybe_attach(struct assembly *a, struct volume *v,
			 const uint8_t *cset)
{
	char u[UUID_STR_LEN], cur[64];
	int r;

	if (v->e->raw || !cset || backing_attached(a->ctx, v->dev, cur,
						   sizeof(cur)))
		return;
	if (!cache_set_present(a->ctx, cset))
		return;
	uuid_to_text(cset, u);
	r = kattr_write(a->ctx, v->dev, "attach", u);
	if (r < 0)
		log_warn("%s: cannot attach to cache set %s: %s (see dmesg)",
			 v->e->name, u, strerror(-r));
}

bool volume_may_hold_dirty(struct context *ctx, const struct bt_entry *e,
			   const struct blockdev *d)
{
	struct kview k = { 0 };

	if (e->raw) {
		if (d)
			kview_read(ctx, d->name, &k);
		/* a mark we cannot read counts as none: more cautious */
		return policy_raw_may_hold_dirty(
			e, state_run_marked(ctx, e->uuid) == 1, &k);
	}
	return !d || d->sb_status != 0 || sb_bdev_state(&d->sb) == BDEV_DIRTY;
}

/* Change the volume's line; the loaded entry follows on success. */
static int record(struct assembly *a, struct volume *v,
		  const struct bt_entry *new)
{
	int r = record_line(a->ctx, v->e, new);

	if (r == 0)
		*(struct bt_entry *)v->e = *new;
	return r;
}

/* Attached again after a stale registration: the old cache copy is gone. */
static void clear_stale(struct assembly *a, struct volume *v,
			const struct kview *k)
{
	struct bt_entry n = *v->e;
	int r;
	bool cold = v->reg_cold || state_cold_marked(a->ctx, v->e->uuid);

	if (!a->may_edit ||
	    !policy_may_clear_stale(v->e, false, k, a->ctx->in_initrd, cold))
		return;
	n.stale = false;
	r = record(a, v, &n);
	if (r < 0) {
		log_warn("%s: attached cold again, but 'stale' stays in %s "
			 "(%s); it attaches cold once more next time",
			 v->e->name, a->ctx->config, strerror(-r));
		return;
	}
	log_info("%s: attached again; 'stale' removed from its line",
		 v->e->name);
	if (policy_may_writeback(v->e, false, !n.initrd) &&
	    kattr_write(a->ctx, v->dev, "cache_mode", "writeback") < 0)
		log_warn("%s: cannot switch it to writeback", v->e->name);
	if (n.initrd)
		log_notice("%s: writethrough until the initramfs images have "
			   "the new line (bcacheassemble --update-images, run "
			   "by bcacheassemble-initramfs.service after the boot)",
			   v->e->name);
}

/*
 * The record follows the kernel toward the safe side (policy.c); a change
 * that cannot be recorded is an error, never silence.
 */
int volume_reconcile(struct context *ctx, const char *dev, struct bt_entry *e,
		     const struct kview *k, bool may_edit)
{
	struct bt_entry n;
	int r = 0;

	if (!policy_reconcile(e, k, &n))
		return -ESRCH; /* no line describes it until its set is back */
	if (memcmp(&n, e, sizeof(n))) {
		if (ctx->in_initrd || !may_edit)
			r = n.stale && !e->stale ? state_run_mark(ctx, e->uuid) : 0;
		else
			r = record_line(ctx, e, &n);
		/* not writable yet: a run mark until it is, and an error */
		if (r < 0 && n.stale && !e->stale &&
		    state_run_mark(ctx, e->uuid) < 0)
			log_err("%s: cannot write its run mark either", e->name);
		if (r == 0 && !ctx->in_initrd && may_edit) {
			log_notice("%s: bcachetab now says %s%s, as the kernel "
				   "runs it",
				   e->name, cache_mode_name(n.mode),
				   n.stale ? ", stale" : "");
			*e = n;
		}
	}
	if (r == 0 && policy_kernel_to_writethrough(e, k))
		r = kattr_write(ctx, dev, "cache_mode", "writethrough");
	return r;
}

static void evaluate_running(struct assembly *a, struct volume *v,
			     const uint8_t *cset)
{
	struct kview k;
	char u[UUID_STR_LEN];
	bool refused;
	int r;

	v->status = VOL_RUNNING;
	v->why[0] = 0;
	if (!v->e->raw || !cset)
		return;
	kview_read(a->ctx, v->dev, &k);
	refused = !k.attached && cache_set_present(a->ctx, cset);
	r = volume_reconcile(a->ctx, v->dev, (struct bt_entry *)v->e, &k,
			     a->may_edit);
	if (r < 0)
		set_why(v, VOL_FAILED, r,
			"runs %s, and THIS COULD NOT BE RECORDED in %s (%s): "
			"the next boot may %s; make it writable and run --scan "
			"again",
			k.attached ? "writeback" : "without its cache set",
			a->ctx->config, strerror(-r),
			k.attached ? "give its dirty data up" :
				     "serve stale blocks");
	if (k.mode == MODE_WRITEBACK && holds_boot(a->ctx, v->dev)) {
		log_warn("%s: /boot is on this volume, and the bootloader reads "
			 "the raw disk: writethrough, not writeback (bcachetab "
			 "keeps mode=writeback until --set-mode)",
			 v->e->name);
		if (kattr_write(a->ctx, v->dev, "cache_mode", "writethrough") < 0)
			log_err("%s: the kernel refused writethrough", v->e->name);
		/* what the initramfs wrote back: without rate limit */
		else if (kattr_write(a->ctx, v->dev, "writeback_percent", "0") < 0)
			log_warn("%s: writeback_percent=0 refused; dirty data "
				 "drains at the default rate", v->e->name);
	}
	if (k.attached) {
		if (r == 0)
			clear_stale(a, v, &k);
		return;
	}
	if (!refused || r < 0)
		return;
	uuid_to_text(cset, u);
	set_why(v, VOL_FAILED, -EIO,
		"runs, but cache set %s did not take it (a full uuid table, "
		"or a refused attach: see dmesg); it runs uncached, recorded "
		"as stale",
		u);
}

static void evaluate(struct assembly *a, struct volume *v,
		     const uint8_t *cset)
{
	char u[UUID_STR_LEN] = "";
	bool present = false;

	if (!backing_registered(a->ctx, v->dev)) {
		set_why(v, VOL_FAILED, -EIO,
			"the kernel accepted the registration of /dev/%s but "
			"shows no bcache directory for it; see dmesg",
			v->dev);
		return;
	}
	if (cset) {
		register_cache_set(a, cset, &present);
		uuid_to_text(cset, u);
		maybe_attach(a, v, cset);
	}
	if (backing_running(a->ctx, v->dev)) {
		evaluate_running(a, v, cset);
		return;
	}
	if (!cset) {
		set_why(v, VOL_FAILED, -EIO,
			"registered, but the kernel did not start /dev/%s; see "
			"dmesg",
			v->dev);
		return;
	}
	set_why(v, VOL_HELD, 0, "held back until cache set %s is present (%s)",
		u, volume_may_hold_dirty(a->ctx, v->e,
					 devtab_find_name(&a->devs, v->dev)) ?
			   "it may hold this volume's dirty data; only "
			   "--run --force starts it without the set" :
			   "--run starts it without the set, cold");
}

/*
 * Only the devices the volumes name are probed at first (initial_devices);
 * a cache set that is not present may have its cache devices anywhere, so
 * then every disk is, once. Returns the volume's device again: the table
 * may have moved.
 */
static const struct blockdev *find_cache_devices(struct assembly *a,
						 struct volume *v,
						 const struct blockdev *d)
{
	const uint8_t *cset = volume_cset(v, d);
	int r;

	if (!a->may_scan || a->scanned || !cset ||
	    cache_set_present(a->ctx, cset))
		return d;
	r = devtab_scan(a->ctx, &a->devs);
	if (r < 0)
		log_warn("cannot list the block devices to find the cache "
			 "devices of %s: %s",
			 v->e->name, strerror(-r));
	else
		a->scanned = true;
	return devtab_find_name(&a->devs, v->dev);
}

static void volume_step(struct assembly *a, struct volume *v)
{
	const struct blockdev *d;
	int r;

	if (v->status == VOL_RUNNING || v->status == VOL_FAILED)
		return;
	if (devtab_lookup(a->ctx, &a->devs, v->e->device, &d) > 1) {
		set_why(v, VOL_FAILED, -ENOTUNIQ,
			"%s names more than one device (a cloned disk?); "
			"refusing both: name the disk by a path such as "
			"/dev/disk/by-id/...",
			v->e->device);
		return;
	}
	if (!d)
		return;
	snprintf(v->dev, sizeof(v->dev), "%s", d->name);
	d = find_cache_devices(a, v, d);
	if (!d)
		return;
	if (!backing_registered(a->ctx, d->name)) {
		const uint8_t *cset;
		int marked;

		if (!check_identity(a, v, d) || (marked = run_marked(a, v)) < 0)
			return;
		if (v->e->raw && !kernel_has_register_raw(a->ctx)) {
			/* a stock module (an image older than ours): hold */
			set_why(v, VOL_HELD, -ENOENT, "held: no register_raw");
			v->no_raw = true;
			v->cset_deadline = 0;
			return;
		}
		cset = volume_cset(v, d);
		if (cset) {
			bool present;

			register_cache_set(a, cset, &present);
		}
		r = register_backing(a, v, d, marked);
		v->reg_cold = v->e->raw &&
			      policy_reg_state(v->e, marked) == BDEV_STALE;
		/*
		 * Whoever registers it cold (the initramfs, udev's
		 * --incremental, which may not edit bcachetab, or this
		 * --scan) leaves the mark, so that the invocation that may
		 * edit removes 'stale' once the set has it.
		 */
		if (r == 0 && v->reg_cold &&
		    state_cold_mark(a->ctx, v->e->uuid) < 0)
			log_warn("%s: cannot leave its cold mark in %s; its line "
				 "keeps 'stale' until the next cold attach",
				 v->e->name, a->ctx->rundir);
		if (r < 0 && !backing_registered(a->ctx, d->name)) {
			set_why(v, VOL_FAILED, r, "cannot register %s: %s",
				d->node, register_advice(r));
			return;
		}
		v->registered = true;
		apply_tunables(a, v);
	} else if (!check_registered_identity(a, v)) {
		return;
	}
	evaluate(a, v, volume_cset(v, d));
}

void assembly_step_all(struct assembly *a)
{
	/* without the lock (it timed out), the kernel still refuses twins */
	int lock = lock_registration(a->ctx, 60);

	for (size_t i = 0; i < a->n; i++)
		volume_step(a, &a->vols[i]);
	if (lock == 0)
		unlock_registration();
}

int assembly_init(struct assembly *a, struct context *ctx)
{
	memset(a, 0, sizeof(*a));
	a->ctx = ctx;
	a->uevent_fd = -1;
	a->default_timeout = DEFAULT_TIMEOUT;
	a->default_wait = DEFAULT_WAIT;
	return 0;
}

void assembly_free(struct assembly *a)
{
	if (a->uevent_fd >= 0)
		close(a->uevent_fd);
	devtab_free(&a->devs);
	free(a->vols);
	a->vols = NULL;
	a->n = 0;
}

int assembly_add(struct assembly *a, const struct bt_entry *e, bool no_wait)
{
	struct volume *p = realloc(a->vols, (a->n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	a->vols = p;
	memset(&p[a->n], 0, sizeof(*p));
	p[a->n].e = e;
	p[a->n].no_wait = no_wait;
	a->n++;
	return 0;
}

static void set_deadlines(struct assembly *a)
{
	int64_t start = now_ms();

	for (size_t i = 0; i < a->n; i++) {
		struct volume *v = &a->vols[i];
		unsigned t = v->e->has_timeout ? v->e->timeout :
						 a->default_timeout;
		unsigned w = v->e->has_wait ? v->e->wait : a->default_wait;

		if (v->no_wait)
			t = w = 0;
		v->dev_deadline = start + (int64_t)t * 1000;
		v->cset_deadline = start + (int64_t)w * 1000;
	}
}

/* The earliest deadline still worth waiting for, or -1 if none. */
static int64_t next_deadline(struct assembly *a, int64_t now)
{
	int64_t next = -1;

	for (size_t i = 0; i < a->n; i++) {
		struct volume *v = &a->vols[i];
		int64_t d;

		if (v->status == VOL_PENDING)
			d = v->dev_deadline;
		else if (v->status == VOL_HELD)
			d = v->cset_deadline;
		else
			continue;
		if (d > now && (next < 0 || d < next))
			next = d;
	}
	return next;
}

static void expire(struct assembly *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct volume *v = &a->vols[i];

		if (v->status == VOL_PENDING && v->no_wait)
			snprintf(v->why, sizeof(v->why),
				 "device %.170s not present yet; %s",
				 v->e->device,
				 v->e->netdev ? "_netdev: registered when it "
						"appears" :
				 v->e->nofail ? "nofail: not waited for "
						"(registered when it appears)" :
						"not waited for here");
		else if (v->status == VOL_PENDING)
			set_why(v, VOL_FAILED, -ETIMEDOUT,
				"device %s did not appear within %u s",
				v->e->device,
				v->no_wait	   ? 0 :
				v->e->has_timeout ? v->e->timeout :
						    a->default_timeout);
	}
}

/*
 * The devices the volumes name by path, probed alone: a per-volume unit or
 * a run for a few lines costs the same with 10 disks or 1,000. A tag can
 * name any disk: then every disk is probed.
 */
static int initial_devices(struct assembly *a)
{
	for (size_t i = 0; i < a->n; i++) {
		int r;

		if (a->vols[i].e->device[0] != '/') {
			r = devtab_scan(a->ctx, &a->devs);
			a->scanned = r == 0;
			return r;
		}
		r = devtab_add_path(a->ctx, &a->devs, a->vols[i].e->device);
		if (r < 0 && r != -EINVAL)
			return r;
	}
	return 0;
}

int assembly_run(struct assembly *a)
{
	int r;

	/* Listen first, then scan: a device added in between is not lost. */
	a->uevent_fd = uevent_open(a->ctx);
	if (a->uevent_fd < 0)
		log_warn("cannot listen for uevents (%s): devices that appear "
			 "later will not be waited for",
			 strerror(-a->uevent_fd));
	a->may_scan = true;
	r = initial_devices(a);
	if (r < 0)
		return r;
	set_deadlines(a);
	for (;;) {
		struct uevent ev;
		int64_t deadline;

		assembly_step_all(a);
		deadline = next_deadline(a, now_ms());
		if (deadline < 0 || a->uevent_fd < 0)
			break;
		r = uevent_wait(a->uevent_fd, deadline, &ev);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (!strcmp(ev.action, "rescan")) {
			r = devtab_scan(a->ctx, &a->devs);
			a->scanned = r == 0;
		} else
			r = devtab_update(a->ctx, &a->devs, ev.devname);
		if (r < 0)
			return r;
	}
	expire(a);
	return 0;
}

int assembly_exit_code(const struct assembly *a)
{
	bool failed = false, held = false;

	for (size_t i = 0; i < a->n; i++) {
		const struct volume *v = &a->vols[i];

		/* a nofail volume named on the command line has its status */
		if ((v->e->nofail && !a->named) ||
		    (v->no_wait && v->status != VOL_FAILED))
			continue;
		if (v->status == VOL_FAILED || v->status == VOL_PENDING)
			failed = true;
		else if (v->status == VOL_HELD)
			held = true;
	}
	return failed ? EXIT_FAILED : held ? EXIT_HELD : EXIT_OK;
}
