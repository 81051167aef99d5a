// SPDX-License-Identifier: GPL-2.0-or-later
#include "lifecycle.h"

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "assemble.h"
#include "bootfs.h"
#include "config.h"
#include "devices.h"
#include "kernel.h"
#include "log.h"
#include "policy.h"
#include "rawline.h"
#include "state.h"
#include "uevent.h"
#include "uuidtext.h"

struct target {
	struct bcachetab tab;
	const struct bt_entry *e;
	struct devtab devs;
	const struct blockdev *d;
};

static void target_free(struct target *t)
{
	bcachetab_free(&t->tab);
	devtab_free(&t->devs);
}

/* Find NAME in bcachetab and its backing device. */
static int target_load(struct context *ctx, const char *name,
		       struct target *t, bool need_device)
{
	memset(t, 0, sizeof(*t));
	if (config_load(ctx, &t->tab, true) < 0)
		return EXIT_CONFIG;
	t->e = bcachetab_find(&t->tab, name);
	if (!t->e) {
		log_err("%s: no such volume in %s", name, ctx->config);
		return EXIT_CONFIG;
	}
	if (devtab_scan(ctx, &t->devs) < 0) {
		log_err("cannot list block devices under %s", ctx->sysfs);
		return EXIT_FAILED;
	}
	t->d = devtab_find(ctx, &t->devs, t->e->device);
	if (need_device && (!t->d || !backing_registered(ctx, t->d->name))) {
		log_err("%s: %s is not registered; assemble it first "
			"(bcacheassemble %s)",
			name, t->e->device, name);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/*
 * Before any change, the line says what the kernel runs: an initramfs image
 * older than the line may have registered the volume differently (another
 * mode, a cache set the line no longer names). Refused if it cannot.
 */
static int reconcile_first(struct context *ctx, struct target *t)
{
	struct kview k;
	int r;

	if (!t->d || !t->e->raw || ctx->in_initrd ||
	    !backing_registered(ctx, t->d->name))
		return EXIT_OK;
	kview_read(ctx, t->d->name, &k);
	r = volume_reconcile(ctx, t->d->name, (struct bt_entry *)t->e, &k, true);
	if (r == 0)
		return EXIT_OK;
	if (r == -ESRCH)
		log_err("%s: registered writeback by an initramfs image older "
			"than its line, with a cache set the line does not "
			"name; refusing. Bring its cache set back, or --stop "
			"it, run --update-images and --scan",
			t->e->name);
	else
		log_err("%s: cannot update %s (%s), which must first say what "
			"the kernel runs; refusing, nothing changed",
			t->e->name, ctx->config, strerror(-r));
	return EXIT_FAILED;
}

/*
 * The skeleton of every mode on one volume: load bcachetab and the devices,
 * find the volume (registered, when need_device), run the mode, free.
 */
typedef int (*target_fn)(struct context *ctx, const struct lifecycle_args *a,
			 struct target *t);

static int on_target(struct context *ctx, const struct lifecycle_args *a,
		     bool need_device, target_fn fn)
{
	struct target t;
	int rc = target_load(ctx, a->name, &t, need_device);

	if (rc == EXIT_OK)
		rc = reconcile_first(ctx, &t);
	if (rc == EXIT_OK)
		rc = fn(ctx, a, &t);
	target_free(&t);
	return rc;
}

int wait_state(struct context *ctx, const char *dev, const char *want,
	       unsigned timeout)
{
	int64_t deadline = now_ms() + (int64_t)timeout * 1000;
	char buf[64];

	for (;;) {
		/* sysfs state has no notification: re-read it on a tick. */
		struct timespec tick = { 0, 100 * 1000 * 1000 };

		if (kattr_read(ctx, dev, "state", buf, sizeof(buf)) == 0 &&
		    !strcmp(buf, want))
			return 0;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
}

/*
 * bcache removes its sysfs entries before it closes the disk: "stopped" means
 * the disk can be opened exclusively again. Wait for that, bounded.
 */
static int wait_released(struct context *ctx, const struct blockdev *d,
			 unsigned timeout)
{
	int64_t deadline = now_ms() + (int64_t)timeout * 1000;

	for (;;) {
		struct timespec tick = { 0, 50 * 1000 * 1000 };
		int fd;

		if (!backing_registered(ctx, d->name)) {
			fd = open(d->node, O_RDONLY | O_EXCL | O_CLOEXEC);
			if (fd >= 0) {
				close(fd);
				return 0;
			}
			if (errno != EBUSY)
				return negerrno();
		}
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
}

/* Record new in place of the target's line; the target follows. */
static int replace_line(struct context *ctx, struct target *t,
			const struct bt_entry *e)
{
	int r = record_line(ctx, t->e, e);

	if (r < 0)
		log_err("%s: cannot update %s: %s%s", e->name, ctx->config,
			strerror(-r),
			r == -ESTALE ? " (its line changed meanwhile; run the "
				       "command again)" : "");
	else
		*(struct bt_entry *)t->e = *e;
	return r;
}

/* Images before a change an old image would mishandle; refuse otherwise. */
static int images_first(struct context *ctx, const struct bt_entry *e)
{
	int r = images_update(ctx);

	if (r < 0)
		log_err("%s: the initramfs images could not be rebuilt (%s): "
			"they would register it with its old line; nothing "
			"changed in the kernel. Fix that, then run "
			"'bcacheassemble --update-images' and this command "
			"again",
			e->name, r == -ECHILD ? "the generator failed" :
						strerror(-r));
	return r;
}

static int create_checks(struct context *ctx, const struct lifecycle_args *a,
			 struct target *t, struct bt_entry *e)
{
	char msg[200];

	if (bcachetab_find(&t->tab, a->name)) {
		log_err("%s: already in %s", a->name, ctx->config);
		return EXIT_CONFIG;
	}
	for (size_t i = 0; i < t->tab.n_entries; i++)
		if (!strcmp(t->tab.entries[i].device, a->device)) {
			log_err("%s is already used by '%s' in %s", a->device,
				t->tab.entries[i].name, ctx->config);
			return EXIT_CONFIG;
		}
	memset(e, 0, sizeof(*e));
	e->mode = MODE_UNSET;
	if (!bt_name_valid(a->name) || strlen(a->device) >= sizeof(e->device) ||
	    a->device[0] != '/') {
		log_err("bad name or device (the device must be a path such as "
			"/dev/disk/by-id/...)");
		return EXIT_CONFIG;
	}
	strcpy(e->name, a->name);
	strcpy(e->device, a->device);
	if (a->cset) {
		if (uuid_from_text(a->cset, e->cset) < 0) {
			log_err("--cache-set %s is not a UUID", a->cset);
			return EXIT_CONFIG;
		}
		e->has_cset = true;
	}
	if (a->options && bt_parse_options(a->options, e, msg, sizeof(msg))) {
		log_err("--options: %s", msg);
		return EXIT_CONFIG;
	}
	if (e->has_uuid) {
		log_err("--options: uuid= is generated by --create, never typed");
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

static int create_device_checks(struct context *ctx, struct target *t,
				struct bt_entry *e)
{
	char msg[200];

	t->d = devtab_find(ctx, &t->devs, e->device);
	if (!t->d) {
		log_err("%s: no such block device", e->device);
		return EXIT_FAILED;
	}
	if (t->d->sb_status == 0 || t->d->sb_status == -EBADMSG) {
		log_err("%s has a bcache superblock: it is already formatted; "
			"list it without 'raw'",
			e->device);
		return EXIT_FAILED;
	}
	if (backing_registered(ctx, t->d->name)) {
		log_err("%s is already registered with bcache", e->device);
		return EXIT_FAILED;
	}
	if (e->has_cset && !cache_set_present(ctx, e->cset)) {
		char u[UUID_STR_LEN];

		uuid_to_text(e->cset, u);
		log_err("cache set %s is not registered: register its cache "
			"device first",
			u);
		return EXIT_FAILED;
	}
	e->raw = true;
	e->size = t->d->size;
	snprintf(e->serial, sizeof(e->serial), "%s", t->d->serial);
	uuid_generate(e->uuid);
	e->has_uuid = true;
	if (bt_validate_entry(e, msg, sizeof(msg)) < 0) {
		log_err("%s", msg);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

static void undo_register(struct context *ctx, const struct blockdev *d)
{
	if (kattr_write(ctx, d->name, "stop", "1") < 0 ||
	    wait_released(ctx, d, 30) < 0)
		log_err("could not stop /dev/%s again; stop it by hand",
			d->name);
}

static int create_register(struct context *ctx, struct target *t,
			   const struct bt_entry *e, unsigned timeout)
{
	char line[512], cur[64], want[UUID_STR_LEN];
	int r;

	/* First registration: no slot in the set yet, so state=none. */
	r = rawline_format(e, t->d->major, t->d->minor, BDEV_NONE,
			   policy_reg_mode(e, false), false, line, sizeof(line));
	if (r == 0)
		r = kernel_register_raw(ctx, line);
	if (r < 0) {
		log_err("cannot register %s: %s%s", e->device, strerror(-r),
			r == -EBUSY ? ": it is mounted or in use (swap, dm, "
				      "md, LVM); unmount it first" :
				      " (see dmesg)");
		return EXIT_FAILED;
	}
	if (wait_state(ctx, t->d->name, e->has_cset ? "clean" : "no cache",
		       timeout) < 0 ||
	    !backing_running(ctx, t->d->name)) {
		log_err("%s registered but did not come up %s; undone",
			e->device, e->has_cset ? "attached" : "running");
		undo_register(ctx, t->d);
		return EXIT_FAILED;
	}
	uuid_to_text(e->cset, want);
	if (e->has_cset && (!backing_attached(ctx, t->d->name, cur,
					      sizeof(cur)) ||
			    strcmp(cur, want))) {
		log_err("%s did not attach to cache set %s; undone", e->device,
			want);
		undo_register(ctx, t->d);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* After a cold attach: drop 'stale', then the line's writeback, in order. */
static int settle_attached(struct context *ctx, struct target *t,
			   struct bt_entry *e)
{
	if (e->stale) {
		e->stale = false;
		if (replace_line(ctx, t, e) < 0)
			return EXIT_FAILED;
	}
	if (!policy_may_writeback(e, false, !images_outdated(ctx)))
		return EXIT_OK;
	if (kattr_write(ctx, t->d->name, "cache_mode", "writeback") < 0) {
		log_err("%s: attached, but the kernel refused writeback (see "
			"dmesg)", e->name);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/*
 * A disk in use (the root above all) cannot be registered now: its line is
 * written as a crash right after --create's first step would leave it,
 * 'stale' (its first registration attaches cold), and the next boot
 * registers it. Without --next-boot, a disk in use is refused.
 */
static int create_next_boot(struct context *ctx,
			    const struct lifecycle_args *a, struct target *t,
			    struct bt_entry *e)
{
	char what[300] = "", mp[256] = "", line[1024];
	bool mounted = disk_mounted(ctx, t->d, mp, sizeof(mp));
	int r;

	if (!mounted && disk_in_use(ctx, t->d, what, sizeof(what))) {
		log_err("%s is %s: bcache can only take a disk nothing else "
			"uses; stop what holds it and run --create again",
			e->device, what);
		return EXIT_FAILED;
	}
	if (!a->next_boot) {
		log_err("%s is mounted on %s: bcache can only take a disk "
			"nothing else uses. Unmount it and run --create again, "
			"or add --next-boot: the line is written now and the "
			"disk is registered at the next boot (bcacheassemble(8), "
			"CONVERTING A DISK IN USE)",
			e->device, mp);
		return EXIT_FAILED;
	}
	/* mounted by the initramfs: its image must register it */
	if (!strcmp(mp, "/") || !strcmp(mp, "/usr"))
		e->initrd = true;
	e->stale = e->has_cset;
	r = record_line(ctx, NULL, e);
	if (r < 0) {
		log_err("cannot append to %s: %s; nothing changed", ctx->config,
			strerror(-r));
		return EXIT_FAILED;
	}
	if (e->initrd && images_update(ctx) < 0) {
		log_err("%s: the initramfs images could not be rebuilt with its "
			"line (a kernel whose bcache module lacks register_raw? "
			"see above); the line is removed again. Fix that and run "
			"--create again",
			e->name);
		if (record_line(ctx, e, NULL) < 0)
			log_err("remove the line of '%s' from %s by hand",
				e->name, ctx->config);
		return EXIT_FAILED;
	}
	if (bt_format_entry(e, line, sizeof(line)) == 0)
		printf("%s\n", line);
	log_notice("%s: written to %s; %s is registered at the next boot%s%s",
		   e->name, ctx->config, e->device, mp[0] ? ", not now: it is mounted on " : "", mp);
	if (e->initrd)
		log_notice("%s: the next boot's initramfs (rebuilt now) registers "
			   "it%s and mounts %s from /dev/bcacheN%s", e->name,
			   e->has_cset ? " with an empty cache (stale)" : "", mp,
			   e->mode == MODE_WRITEBACK ?
			   "; writeback starts once the images carry the line "
			   "without 'stale' (rebuilt after that boot)" : "");
	else
		log_notice("%s: bcacheassemble.service registers it before the "
			   "file systems are mounted; a UUID= or LABEL= in "
			   "/etc/fstab finds /dev/bcacheN, a /dev/sdX name does "
			   "not (use /dev/bcache/%s)", e->name, e->name);
	log_notice("%s: until then nothing changes; the way back: "
		   "bcacheassemble --remove %s", e->name, e->name);
	return EXIT_OK;
}

int do_create(struct context *ctx, const struct lifecycle_args *a)
{
	struct target t = { 0 };
	struct bt_entry e;
	char line[1024];
	int rc, r;

	if (config_load(ctx, &t.tab, true) < 0)
		return EXIT_CONFIG;
	rc = create_checks(ctx, a, &t, &e);
	if (rc == EXIT_OK && devtab_scan(ctx, &t.devs) < 0)
		rc = EXIT_FAILED;
	if (rc == EXIT_OK)
		rc = create_device_checks(ctx, &t, &e);
	if (rc != EXIT_OK)
		goto out;
	if (a->next_boot || disk_in_use(ctx, t.d, line, sizeof(line))) {
		rc = create_next_boot(ctx, a, &t, &e);
		goto out;
	}
	/*
	 * The line first, as stale: a crash after this leaves a line whose
	 * next registration attaches cold; never an unrecorded raw volume.
	 */
	e.stale = e.has_cset;
	r = record_line(ctx, NULL, &e);
	if (r < 0) {
		log_err("cannot append to %s: %s; nothing registered",
			ctx->config, strerror(-r));
		rc = EXIT_FAILED;
		goto out;
	}
	rc = create_register(ctx, &t, &e, a->timeout);
	if (rc != EXIT_OK) {
		if (record_line(ctx, &e, NULL) < 0)
			log_err("remove the line of '%s' from %s by hand",
				e.name, ctx->config);
		goto out;
	}
	t.e = &e;
	{
		struct bt_entry done = e;

		rc = settle_attached(ctx, &t, &done);
		e = done;
	}
	if (bt_format_entry(&e, line, sizeof(line)) == 0)
		printf("%s\n", line);
	log_notice("%s: created on %s", e.name, e.device);
out:
	target_free(&t);
	return rc;
}

static int attach_on(struct context *ctx, const struct lifecycle_args *a,
		     struct target *t)
{
	struct bt_entry e;
	char cur[64];
	int rc = EXIT_OK;

	e = *t->e;
	if (e.has_cset) {
		log_err("%s: already belongs to a cache set; --detach first",
			a->name);
		return EXIT_CONFIG;
	}
	if (uuid_from_text(a->cset, e.cset) < 0 || !cache_set_present(ctx, e.cset)) {
		log_err("%s: cache set %s is not a registered cache set",
			a->name, a->cset);
		return EXIT_FAILED;
	}
	/* record first, as stale: until attached, the set has no valid copy */
	e.has_cset = true;
	e.stale = e.raw;
	if (replace_line(ctx, t, &e) < 0) {
		return EXIT_FAILED;
	}
	/* the kernel may run the mode of an older image: the line's, first */
	if (t->e->raw &&
	    kattr_write(ctx, t->d->name, "cache_mode",
			cache_mode_name(policy_reg_mode(&e, false))) < 0) {
		log_err("%s: the kernel refused its cache mode (see dmesg)",
			a->name);
		return EXIT_FAILED;
	}
	if (kattr_write(ctx, t->d->name, "attach", a->cset) < 0 ||
	    !backing_attached(ctx, t->d->name, cur, sizeof(cur))) {
		log_err("%s: the kernel did not attach it (see dmesg); its line "
			"names the set, stale: the next registration attaches "
			"it cold",
			a->name);
		return EXIT_FAILED;
	}
	rc = settle_attached(ctx, t, &e);
	return rc;
}

int do_attach(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, true, attach_on);
}

static uint64_t dirty_kib(struct context *ctx, const char *dev)
{
	char buf[64], *end;
	double v;

	/* "13.2M", "512k", "0.0k" */
	if (kattr_read(ctx, dev, "dirty_data", buf, sizeof(buf)) < 0)
		return 0;
	v = strtod(buf, &end);
	switch (*end) {
	case 'G': v *= 1024 * 1024; break;
	case 'M': v *= 1024; break;
	case 'k': break;
	default: v /= 1024; break;
	}
	return (uint64_t)(v + 0.5);
}

/*
 * What a drain sets while it waits, restored after: no rate limit on
 * writing back (writeback_percent=0), and no pause between the writeback
 * thread's passes (writeback_delay=0: by default a pass that ends with
 * dirty data left, which a busy writethrough volume makes by rewriting
 * blocks being written back, sleeps 30 s).
 */
static const char *const drain_attrs[] = { "writeback_percent",
					   "writeback_delay" };

int volume_drain(struct context *ctx, const char *dev, unsigned timeout,
		 uint64_t *dirty)
{
	char old[ARRAY_SIZE(drain_attrs)][32];
	struct kview k;
	int r;

	sync();
	kview_read(ctx, dev, &k);
	*dirty = 0;
	if (!k.registered)
		return -ENODEV;
	if (k.mode == MODE_WRITEBACK &&
	    (r = kattr_write(ctx, dev, "cache_mode", "writethrough")) < 0)
		return r;
	/* read again: a write before the switch may have left dirty data */
	kview_read(ctx, dev, &k);
	if (!k.dirty)
		return 0;
	*dirty = dirty_kib(ctx, dev);
	for (size_t i = 0; i < ARRAY_SIZE(drain_attrs); i++)
		if (kattr_read(ctx, dev, drain_attrs[i], old[i], sizeof(old[i])) < 0 ||
		    kattr_write(ctx, dev, drain_attrs[i], "0") < 0)
			old[i][0] = 0;
	r = wait_state(ctx, dev, "clean", timeout);
	for (size_t i = 0; i < ARRAY_SIZE(drain_attrs); i++) {
		/* the old value back; a tunable, not worth failing for */
		int ignored = old[i][0] ?
				      kattr_write(ctx, dev, drain_attrs[i], old[i]) :
				      0;

		(void)ignored;
	}
	return r;
}

/*
 * Leave writeback in the kernel and wait until every dirty block is home
 * (written back without rate limit meanwhile).
 */
static int drain(struct context *ctx, struct target *t, const char *why,
		 unsigned timeout)
{
	uint64_t kib;
	int r = volume_drain(ctx, t->d->name, timeout, &kib);

	if (r == -ETIMEDOUT) {
		log_err("%s: dirty data is still being written back after %u "
			"s; bcachetab is unchanged: run %s again later",
			t->e->name, timeout, why);
		return EXIT_HELD;
	}
	if (r < 0) {
		log_err("%s: the kernel refused to leave writeback (%s)",
			t->e->name, strerror(-r));
		return EXIT_FAILED;
	}
	if (kib)
		log_notice("%s: %" PRIu64 " KiB of dirty data written back",
			   t->e->name, kib);
	return EXIT_OK;
}

static int detach_steps(struct context *ctx, const struct lifecycle_args *a,
			struct target *t, const char *why)
{
	struct bt_entry e;
	int rc = EXIT_OK;

	e = *t->e;
	if (!e.has_cset) {
		log_notice("%s: has no cache set", a->name);
		return rc;
	}
	rc = t->e->raw ? drain(ctx, t, why, a->timeout) : EXIT_OK;
	if (rc != EXIT_OK)
		return rc;
	/*
	 * Clean and writethrough now: 'stale' cannot drop anything, and a
	 * crash after the detach registers the volume cold, never warm on a
	 * slot the set has given up.
	 */
	if (e.raw) {
		e.stale = true;
		if (replace_line(ctx, t, &e) < 0) {
			return EXIT_FAILED;
		}
	}
	if (kattr_write(ctx, t->d->name, "detach", "1") < 0) {
		log_err("%s: the kernel refused to detach (see dmesg)", a->name);
		return EXIT_FAILED;
	}
	if (wait_state(ctx, t->d->name, "no cache", a->timeout) < 0) {
		log_err("%s: detaching, dirty data still being written back; "
			"bcachetab keeps its cache set until that finishes: run "
			"--detach again later",
			a->name);
		return EXIT_HELD;
	}
	e.has_cset = false;
	e.stale = false;
	if (e.mode == MODE_WRITEBACK)
		e.mode = MODE_WRITETHROUGH;
	if (replace_line(ctx, t, &e) < 0)
		rc = EXIT_FAILED;
	return rc;
}

static int detach_on(struct context *ctx, const struct lifecycle_args *a,
		     struct target *t)
{
	return detach_steps(ctx, a, t, "--detach");
}

int do_detach(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, true, detach_on);
}

/* The volume's bcache device stops if nothing uses it; or at shutdown. */
static void stop_if_unused(struct context *ctx, struct target *t)
{
	char mp[256];

	if (volume_mounted(ctx, t->d->name, mp, sizeof(mp))) {
		log_notice("%s: its bcache device stays (mounted on %s), "
			   "uncached, until the next boot, which mounts the "
			   "plain disk", t->e->name, mp);
		return;
	}
	if (kattr_write(ctx, t->d->name, "stop", "1") < 0 ||
	    wait_released(ctx, t->d, 30) < 0)
		log_warn("%s: its bcache device did not stop (in use?); it "
			 "stops at shutdown", t->e->name);
}

/*
 * The way back: write back, detach (the disk then holds every block), drop
 * the line. Nothing is moved: the raw disk always held the file system.
 */
static int remove_on(struct context *ctx, const struct lifecycle_args *a,
		     struct target *t)
{
	struct bt_entry e = *t->e;
	int marked = e.has_uuid ? state_run_marked(ctx, e.uuid) : 0, rc;
	struct kview k = { .mode = MODE_UNSET };
	bool registered;

	if (t->d)
		kview_read(ctx, t->d->name, &k);
	registered = k.registered;
	/* without its set here, nothing can write its dirty data back */
	if (e.raw && !k.attached &&
	    policy_raw_may_hold_dirty(&e, marked != 0, registered ? &k : NULL)) {
		log_err("%s: its cache set is not attached and may hold dirty "
			"data for it; bring the set back and run --scan, then "
			"--remove (or give that data up: --run --force)",
			e.name);
		return EXIT_FAILED;
	}
	if (k.attached) {
		rc = detach_steps(ctx, a, t, "--remove");
		if (rc != EXIT_OK)
			return rc;
	}
	if (record_line(ctx, t->e, NULL) < 0) {
		log_err("%s: cannot update %s; run --remove again", e.name,
			ctx->config);
		return EXIT_FAILED;
	}
	if (registered)
		stop_if_unused(ctx, t);
	log_notice("%s: removed from %s; %s is a plain disk again, its file "
		   "system where it always was%s", e.name, ctx->config,
		   e.device, e.raw ? "" : " (its bcache superblock stays)");
	return EXIT_OK;
}

int do_remove(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, false, remove_on);
}

static int set_mode_raw(struct context *ctx, struct target *t,
			enum cache_mode m, const char *value, unsigned timeout)
{
	struct bt_entry e = *t->e;
	int marked = state_run_marked(ctx, e.uuid), rc;

	switch (policy_set_mode(&e, marked != 0, m, holds_boot(ctx, t->d->name))) {
	case MODE_REFUSE_BOOT:
		log_err("%s: /boot is on this volume, and the bootloader reads "
			"the raw disk, where blocks still dirty in the cache are "
			"old: it stays writethrough. Put /boot on a disk of its "
			"own to use writeback here",
			e.name);
		return EXIT_FAILED;
	case MODE_REFUSE_NOSET:
		log_err("%s: writeback needs a cache set (--attach)", e.name);
		return EXIT_CONFIG;
	case MODE_REFUSE_STALE:
		log_err("%s: its cache set's copy is stale (it ran without the "
			"set); it goes to writeback once it has attached again "
			"(bcacheassemble --scan with the set present)",
			e.name);
		return EXIT_FAILED;
	case MODE_KERNEL_FIRST:
		rc = drain(ctx, t, "--set-mode", timeout);
		if (rc != EXIT_OK)
			return rc;
		if (kattr_write(ctx, t->d->name, "cache_mode", value) < 0)
			return EXIT_FAILED;
		e.mode = m;
		return replace_line(ctx, t, &e) < 0 ? EXIT_FAILED : EXIT_OK;
	case MODE_RECORD_FIRST:
		break;
	}
	e.mode = m;
	if (replace_line(ctx, t, &e) < 0)
		return EXIT_FAILED;
	if (m == MODE_WRITEBACK && e.initrd && images_first(ctx, &e) < 0)
		return EXIT_FAILED;
	if (kattr_write(ctx, t->d->name, "cache_mode", value) < 0) {
		log_err("%s: mode not changed in the kernel (see dmesg); "
			"bcachetab says %s",
			e.name, value);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int set_mode_on(struct context *ctx, const struct lifecycle_args *a,
		struct target *t)
{
	enum cache_mode m = cache_mode_from_name(a->value);
	int rc = EXIT_OK;

	if (m == MODE_UNSET) {
		log_err("--set-mode %s: expected writethrough, writeback, "
			"writearound or none", a->value);
		rc = EXIT_CONFIG;
	} else if (!t->e->raw) { /* the superblock records it */
		if (kattr_write(ctx, t->d->name, "cache_mode", a->value) < 0)
			rc = EXIT_FAILED;
	} else {
		rc = set_mode_raw(ctx, t, m, a->value, a->timeout);
	}
	return rc;
}

int do_set_mode(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, true, set_mode_on);
}

static int set_label_on(struct context *ctx, const struct lifecycle_args *a,
		struct target *t)
{
	struct bt_entry e;
	int rc = EXIT_OK;

	e = *t->e;
	if (!bt_label_valid(a->value)) {
		log_err("label '%s': 1 to 32 characters of A-Z a-z 0-9 . _ + : @ -",
			a->value);
		return EXIT_CONFIG;
	}
	if (e.raw) { /* recorded first: the kernel only follows the line */
		strcpy(e.label, a->value);
		e.has_label = true;
		if (replace_line(ctx, t, &e) < 0) {
			return EXIT_FAILED;
		}
	}
	if (kattr_write(ctx, t->d->name, "label", a->value) < 0)
		rc = EXIT_FAILED;
	return rc;
}

int do_set_label(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, true, set_label_on);
}

/* Make 'ran uncached' durable before the volume starts. */
static int record_run(struct context *ctx, struct target *t)
{
	struct bt_entry e = *t->e;
	int r = 0;

	switch (policy_run_record(&e, ctx->in_initrd)) {
	case RECORD_NONE:
		break;
	case RECORD_RUNMARK:
		r = state_run_mark(ctx, e.uuid);
		if (r < 0)
			log_err("%s: cannot write its run mark under %s (%s); "
				"refusing, or the old cache could later serve "
				"stale blocks",
				e.name, ctx->rundir, strerror(-r));
		return r;
	case RECORD_LINE:
		e.stale = true;
		r = replace_line(ctx, t, &e);
		if (r < 0) {
			log_err("%s: refusing to run it uncached: 'stale' could "
				"not be recorded, and the old cache would serve "
				"stale blocks when the set returns",
				e.name);
			return r;
		}
		break;
	}
	if (policy_run_needs_images(&e, ctx->in_initrd) &&
	    images_outdated(ctx))
		r = images_first(ctx, &e);
	return r;
}

static int run_on(struct context *ctx, const struct lifecycle_args *a,
		struct target *t)
{
	struct kview k;
	char u[UUID_STR_LEN];
	int rc = EXIT_OK;

	kview_read(ctx, t->d->name, &k);
	uuid_to_text(t->e->has_cset ? t->e->cset : t->d->sb.set_uuid, u);
	switch (policy_run(volume_may_hold_dirty(ctx, t->e, t->d), &k, a->force,
			   a->last_resort)) {
	case RUN_NOTHING:
		log_notice("%s: already running", a->name);
		return rc;
	case RUN_HOLD:
		log_warn("%s: still waiting for cache set %s: it may hold "
			 "dirty data of this volume, so only the set or "
			 "--run --force starts it",
			 a->name, u);
		return EXIT_HELD;
	case RUN_REFUSE:
		log_err("%s: refusing to run without cache set %s: it may hold "
			"dirty data of this volume, and running now would "
			"abandon it. Bring the cache back, or add --force to "
			"give that data up",
			a->name, u);
		return EXIT_FAILED;
	case RUN_START_FORCE:
		log_warn("%s: --force: any dirty data for this volume in cache "
			 "set %s is given up; the disk is used as it is now",
			 a->name, u);
		break;
	case RUN_START:
		break;
	}
	if (t->e->raw && record_run(ctx, t) < 0) {
		return EXIT_FAILED;
	}
	/* no new dirty data beside a record that now says stale */
	if (t->e->raw && k.mode == MODE_WRITEBACK &&
	    kattr_write(ctx, t->d->name, "cache_mode", "writethrough") < 0)
		log_warn("%s: cache_mode stays writeback in the kernel",
			 a->name);
	if (kattr_write(ctx, t->d->name, "running", "1") < 0 ||
	    !backing_running(ctx, t->d->name)) {
		log_err("%s: the kernel did not start it (see dmesg)", a->name);
		return EXIT_FAILED;
	}
	log_notice("%s: running without its cache set; it will be attached "
		   "cold (stale) when the set returns",
		   a->name);
	return rc;
}

int do_run(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, true, run_on);
}

bool volume_held(struct context *ctx, const char *name)
{
	struct target t;
	bool held = false;

	if (target_load(ctx, name, &t, false) == EXIT_OK && t.d)
		held = backing_registered(ctx, t.d->name) &&
		       !backing_running(ctx, t.d->name);
	target_free(&t);
	return held;
}

static int stop_on(struct context *ctx, const struct lifecycle_args *a,
		struct target *t)
{
	char buf[64];
	int rc = EXIT_OK;

	if (!t->d || !backing_registered(ctx, t->d->name)) {
		log_notice("%s: not registered", a->name);
		return rc;
	}
	if (kattr_read(ctx, t->d->name, "state", buf, sizeof(buf)) == 0 &&
	    !strcmp(buf, "dirty") && backing_running(ctx, t->d->name) &&
	    wait_state(ctx, t->d->name, "clean", a->timeout) < 0 && !a->force) {
		log_err("%s: dirty data is still being written back after %u s; "
			"refusing to stop (--force stops anyway; the data stays "
			"in the cache and is written back next time)",
			a->name, a->timeout);
		return EXIT_FAILED;
	}
	if (kattr_write(ctx, t->d->name, "stop", "1") < 0) {
		log_err("%s: the kernel refused to stop it (see dmesg)", a->name);
		return EXIT_FAILED;
	}
	if (wait_released(ctx, t->d, a->timeout) < 0) {
		log_err("%s: stopping, but %s is still held after %u s", a->name,
			t->d->node, a->timeout);
		return EXIT_FAILED;
	}
	log_notice("%s: stopped", a->name);
	return rc;
}

int do_stop(struct context *ctx, const struct lifecycle_args *a)
{
	return on_target(ctx, a, false, stop_on);
}
