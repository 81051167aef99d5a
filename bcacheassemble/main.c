// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcacheassemble: assemble bcache volumes listed in /etc/bcachetab.
 *
 * Modes (bcacheassemble(8)):
 *   1. load bcachetab, refusing a file others can write, reporting bad lines
 *      as FILE:LINE and skipping only them;
 *   2. make sure the bcache module is loaded;
 *   3. assemble: listen for uevents, scan, register cache sets, register
 *      backing devices, wait with one deadline;
 *   4. report each volume and return an exit code that tells all assembled,
 *      some held back, config errors, or failures apart.
 */
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include "assemble.h"
#include "bcachetab.h"
#include "bootfs.h"
#include "bootsync.h"
#include "cmdline.h"
#include "config.h"
#include "generator.h"
#include "hide.h"
#include "context.h"
#include "kmodload.h"
#include "lifecycle.h"
#include "lock.h"
#include "log.h"
#include "report.h"
#include "state.h"
#include "superblock.h"
#include "sysfs.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

enum mode {
	M_NONE, M_SCAN, M_NAMES, M_INCREMENTAL, M_EXPORT, M_RUN, M_STOP,
	M_DETAIL, M_EXAMINE, M_CHECK, M_CREATE, M_ATTACH, M_DETACH, M_REMOVE,
	M_SET_MODE, M_SET_LABEL, M_LAST_RESORT, M_LIST, M_UPDATE_IMAGES,
	M_SYNC_BOOT,
};

struct cli {
	enum mode mode;
	bool scan, force, export, initrd, next_boot;
	int timeout, wait; /* -1: per entry / defaults */
	const char *cset, *options;
	char **args;
	int nargs;
	struct kcmdline kcmd; /* with --initrd */
};

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      "  bcacheassemble [options] --scan          assemble every volume in bcachetab\n"
	      "  bcacheassemble [options] NAME...         assemble the named volumes\n"
	      "  bcacheassemble --incremental DEV [LINK...] [--export]\n"
	      "                                           register DEV if it belongs to a volume\n"
	      "  bcacheassemble --export DEV [LINK...]    KEY=VALUE lines for udev\n"
	      "  bcacheassemble --run NAME [--force]      start a volume without its cache set\n"
	      "  bcacheassemble --stop NAME [--force]     stop a volume (waits for writeback)\n"
	      "  bcacheassemble --last-resort [NAME...]   start held volumes that cannot hold dirty data\n"
	      "  bcacheassemble --detail [NAME...]        state of volumes, from sysfs\n"
	      "  bcacheassemble --detail --scan           bcachetab lines for what is registered\n"
	      "  bcacheassemble --examine DEV...          print a bcache superblock\n"
	      "  bcacheassemble --examine --scan          bcachetab lines for formatted devices\n"
	      "  bcacheassemble --check                   validate bcachetab\n"
	      "  bcacheassemble --list                    NAME TYPE FLAGS per volume, for scripts\n"
	      "  bcacheassemble --update-images           rebuild the initramfs images, then let\n"
	      "                                           initrd volumes that waited for it go writeback\n"
	      "  bcacheassemble --sync-boot [FILE...]     after a kernel or initramfs install: the raw\n"
	      "                                           disk under /boot holds the files (hooks)\n"
	      "  bcacheassemble --create NAME DEV [--cache-set UUID] [--options OPTS] [--next-boot]\n"
	      "                                           a disk in use (the root): --next-boot\n"
	      "  bcacheassemble --attach NAME --cache-set UUID\n"
	      "  bcacheassemble --detach NAME\n"
	      "  bcacheassemble --remove NAME             the way back: drain, detach, drop the line\n"
	      "  bcacheassemble --set-mode NAME MODE\n"
	      "  bcacheassemble --set-label NAME LABEL\n"
	      "\nOptions:\n"
	      "  -c, --config FILE    bcachetab to use (default /etc/bcachetab)\n"
	      "  -t, --timeout SEC    wait this long for devices (default: timeout= or 30)\n"
	      "  -w, --wait SEC       wait this long for cache sets (default: wait= or 30)\n"
	      "      --initrd         in the initramfs: wait only for 'initrd' volumes, obey\n"
	      "                       rd.bcache=0, rd.bcache.name=, rd.bcache.timeout=,\n"
	      "                       rd.bcache.conf=0; also log to /dev/kmsg\n"
	      "  -f, --force          allow --run/--stop to give up dirty data\n"
	      "      --sysfs DIR, --devroot DIR, --rundir DIR\n"
	      "                       redirect system paths (tests)\n"
	      "  -v, --verbose, -q, --quiet, -h, --help, -V, --version\n"
	      "\nExit status: 0 all assembled, 1 failure, 2 bad configuration or usage,\n"
	      "3 some volumes held back waiting for their cache set.\n",
	      out);
}

static int set_mode(struct cli *c, enum mode m)
{
	if (c->mode != M_NONE && c->mode != m) {
		log_err("only one mode at a time (see --help)");
		return -EINVAL;
	}
	c->mode = m;
	return 0;
}

static int parse_seconds(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end || v < 0 || v > 86400) {
		log_err("'%s' is not a number of seconds (0-86400)", s);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

enum { O_SYSFS = 256, O_DEVROOT, O_UPDATE_IMAGES, O_SYNC_BOOT, O_RUNDIR, O_INITRD, O_CREATE,
       O_ATTACH, O_DETACH, O_SET_MODE, O_SET_LABEL, O_OPTIONS, O_CSET,
       O_CHECK, O_EXPORT, O_LAST_RESORT, O_LIST, O_REMOVE, O_NEXT_BOOT };

static const struct option longopts[] = {
	{ "scan", no_argument, NULL, 's' },
	{ "incremental", no_argument, NULL, 'I' },
	{ "export", no_argument, NULL, O_EXPORT },
	{ "run", no_argument, NULL, 'R' },
	{ "stop", no_argument, NULL, 'S' },
	{ "detail", no_argument, NULL, 'D' },
	{ "examine", no_argument, NULL, 'E' },
	{ "check", no_argument, NULL, O_CHECK },
	{ "create", no_argument, NULL, O_CREATE },
	{ "attach", no_argument, NULL, O_ATTACH },
	{ "detach", no_argument, NULL, O_DETACH },
	{ "remove", no_argument, NULL, O_REMOVE },
	{ "next-boot", no_argument, NULL, O_NEXT_BOOT },
	{ "set-mode", no_argument, NULL, O_SET_MODE },
	{ "set-label", no_argument, NULL, O_SET_LABEL },
	{ "last-resort", no_argument, NULL, O_LAST_RESORT },
	{ "list", no_argument, NULL, O_LIST },
	{ "cache-set", required_argument, NULL, O_CSET },
	{ "options", required_argument, NULL, O_OPTIONS },
	{ "config", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "wait", required_argument, NULL, 'w' },
	{ "force", no_argument, NULL, 'f' },
	{ "initrd", no_argument, NULL, O_INITRD },
	{ "sysfs", required_argument, NULL, O_SYSFS },
	{ "devroot", required_argument, NULL, O_DEVROOT },
	{ "update-images", no_argument, NULL, O_UPDATE_IMAGES },
	{ "sync-boot", no_argument, NULL, O_SYNC_BOOT },
	{ "rundir", required_argument, NULL, O_RUNDIR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

static int mode_for(int opt, enum mode *m)
{
	static const struct { int opt; enum mode m; } map[] = {
		{ 'I', M_INCREMENTAL }, { 'R', M_RUN }, { 'S', M_STOP },
		{ 'D', M_DETAIL }, { 'E', M_EXAMINE }, { O_CHECK, M_CHECK },
		{ O_CREATE, M_CREATE }, { O_ATTACH, M_ATTACH },
		{ O_DETACH, M_DETACH }, { O_REMOVE, M_REMOVE },
		{ O_SET_MODE, M_SET_MODE },
		{ O_SET_LABEL, M_SET_LABEL }, { O_LAST_RESORT, M_LAST_RESORT },
		{ O_LIST, M_LIST }, { O_UPDATE_IMAGES, M_UPDATE_IMAGES },
		{ O_SYNC_BOOT, M_SYNC_BOOT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].opt == opt) {
			*m = map[i].m;
			return 1;
		}
	return 0;
}

static int parse_args(int argc, char **argv, struct cli *c,
		      struct context *ctx)
{
	int opt;
	enum mode m;

	while ((opt = getopt_long(argc, argv, "sc:t:w:fvqhV", longopts,
				  NULL)) != -1) {
		if (mode_for(opt, &m)) {
			if (set_mode(c, m) < 0)
				return EXIT_CONFIG;
			continue;
		}
		switch (opt) {
		case 's': c->scan = true; break;
		case O_EXPORT: c->export = true; break;
		case O_CSET: c->cset = optarg; break;
		case O_OPTIONS: c->options = optarg; break;
		case 'c': ctx->config = optarg; break;
		case 't':
			if (parse_seconds(optarg, &c->timeout) < 0)
				return EXIT_CONFIG;
			break;
		case 'w':
			if (parse_seconds(optarg, &c->wait) < 0)
				return EXIT_CONFIG;
			break;
		case 'f': c->force = true; break;
		case O_INITRD: c->initrd = true; break;
		case O_NEXT_BOOT: c->next_boot = true; break;
		case O_SYSFS: ctx->sysfs = optarg; break;
		case O_DEVROOT: ctx->devroot = optarg; break;
		case O_RUNDIR: ctx->rundir = optarg; break;
		case 'v': log_verbosity++; break;
		case 'q': /* once: warnings and errors; twice: errors */
			log_verbosity = log_verbosity > LOG_WARN ? LOG_WARN : LOG_ERR;
			break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': printf("bcacheassemble %s\n", VERSION); exit(EXIT_OK);
		default: usage(stderr); return EXIT_CONFIG;
		}
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	if (c->mode == M_NONE && c->export)
		c->mode = M_EXPORT;
	if (c->mode == M_NONE)
		c->mode = c->scan ? M_SCAN : c->nargs ? M_NAMES : M_NONE;
	if (c->mode == M_NONE) {
		usage(stderr);
		return EXIT_CONFIG;
	}
	return -1;
}

/*
 * transient: one udev event's view (--incremental): a volume held back may
 * have its cache set's disks in a later event, and --scan, the boot's hooks
 * and the volume's unit report what is still held; said at -v only.
 */
static void report_volume(struct context *ctx, struct volume *v,
			  bool transient)
{
	char link[64] = "", rel[256];

	switch (v->status) {
	case VOL_RUNNING:
		snprintf(rel, sizeof(rel), "class/block/%s/bcache/dev", v->dev);
		if (sysfs_link_name(ctx, rel, link, sizeof(link)) < 0)
			link[0] = 0;
		if (v->registered)
			log_notice("%s: started%s%s", v->e->name,
				   link[0] ? " as /dev/" : "", link);
		else
			log_notice("%s: already running%s%s", v->e->name,
				   link[0] ? " as /dev/" : "", link);
		break;
	case VOL_HELD:
		if (transient)
			log_info("%s: %s", v->e->name, v->why);
		else if (!v->no_raw) /* those: one line, report_no_raw() */
			log_warn("%s: %s", v->e->name, v->why);
		break;
	case VOL_PENDING:
		if (v->no_wait && (v->e->nofail || v->e->netdev)) {
			log_notice("%s: %s", v->e->name, v->why);
			break;
		}
		if (v->no_wait) {
			log_info("%s: %s", v->e->name, v->why);
			break;
		}
		/* fall through */
	case VOL_FAILED:
		if (v->e->nofail)
			log_warn("%s:%u: %s: %s (nofail)", ctx->config,
				 v->e->line, v->e->name, v->why);
		else
			log_at(ctx->config, v->e->line, "%s: %s", v->e->name,
			       v->why);
		break;
	}
}

/*
 * A module without register_raw (the stock one, from an initramfs image
 * built before ours was installed): one line for all the raw volumes it
 * holds, and what to do.
 */
static void report_no_raw(const struct assembly *a)
{
	char names[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < a->n; i++)
		if (a->vols[i].no_raw && len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s%s", len ? ", " : "",
						a->vols[i].e->name);
	if (!len)
		return;
	log_err("the loaded bcache module has no register_raw (an initramfs "
		"image or kernel older than the patched module): raw volumes "
		"%s held, nothing registered for them; install the patched "
		"module for this kernel, rebuild the images (update-initramfs "
		"-u -k all, or dracut -f --regenerate-all) and reboot",
		names);
}

static bool named(const struct cli *c, const struct bt_entry *e)
{
	for (int i = 0; i < c->nargs; i++)
		if (!strcmp(c->args[i], e->name))
			return true;
	return false;
}

/*
 * Which entries a run takes. In the initramfs only volumes marked 'initrd'
 * (or named by rd.bcache.name=) are taken: the others are left to the real
 * root, where the state directory with their stale marks is; udev hides
 * their disks meanwhile.
 */
static bool selected(const struct cli *c, const struct bt_entry *e)
{
	if (c->mode == M_NAMES || (c->mode == M_LAST_RESORT && c->nargs))
		return named(c, e);
	if (c->initrd && c->kcmd.n_names)
		return kcmdline_wants(&c->kcmd, e->name);
	if (c->initrd)
		return e->initrd && !e->noauto;
	return !e->noauto;
}

static bool waited_for(const struct cli *c, const struct bt_entry *e)
{
	/*
	 * --scan at boot does not wait for a nofail volume (it must not hold
	 * local-fs-pre.target) nor a _netdev one (its disk comes with the
	 * network, later): registered if there, else when udev sees it.
	 */
	if ((e->nofail || e->netdev) && !e->initrd && c->mode == M_SCAN)
		return false;
	return !c->initrd || e->initrd || c->kcmd.n_names;
}

/* rd.bcache=0: no registration; queries (udev --export) still answer. */
static bool registers(const struct cli *c)
{
	return !(c->initrd && c->kcmd.disabled);
}

static int check_names(const struct cli *c, const struct bcachetab *tab,
		       struct context *ctx)
{
	int rc = EXIT_OK;

	for (int i = 0; c->mode == M_NAMES && i < c->nargs; i++)
		if (!bcachetab_find(tab, c->args[i])) {
			log_err("%s: no such volume in %s", c->args[i],
				ctx->config);
			rc = EXIT_CONFIG;
		}
	return rc;
}

static int ensure_module(struct context *ctx)
{
	int r = bcache_module_ensure(ctx);

	if (r < 0)
		log_err("the bcache module is not loaded and could not be "
			"loaded (%s); try 'modprobe bcache' and see dmesg",
			strerror(-r));
	return r;
}

static const struct bt_entry *entry_by_uuid(const struct bcachetab *tab,
					    const uint8_t u[16])
{
	for (size_t i = 0; i < tab->n_entries; i++)
		if (tab->entries[i].raw &&
		    !memcmp(tab->entries[i].uuid, u, 16))
			return &tab->entries[i];
	return NULL;
}

/*
 * Run marks from this boot's initramfs become 'stale' in bcachetab; a mark
 * is removed only once its line says so. Returns an exit code.
 */
static int fold_run_marks(struct context *ctx, struct bcachetab *tab)
{
	uint8_t(*marks)[16];
	int n = state_run_marks(ctx, &marks), rc = EXIT_OK;

	if (n < 0) {
		log_err("cannot read the run marks in %s/stale: %s", ctx->rundir,
			strerror(-n));
		return EXIT_FAILED;
	}
	for (int i = 0; i < n; i++) {
		struct bt_entry *e = (struct bt_entry *)entry_by_uuid(tab, marks[i]);
		struct bt_entry s;
		int r = 0;

		if (!e)
			continue; /* kept: its line may be fixed later */
		s = *e;
		s.stale = e->has_cset;
		if (s.stale != e->stale)
			r = record_line(ctx, e, &s);
		if (r == 0) {
			*e = s;
			r = state_run_unmark(ctx, marks[i]);
		}
		if (r < 0) {
			log_at(ctx->config, e->line,
			       "%s: ran without its cache set in the initramfs, "
			       "and this could not be recorded (%s): the mark "
			       "stays in %s until the next reboot only. Make %s "
			       "writable and run 'bcacheassemble --scan' again, "
			       "or the next boot may serve stale blocks",
			       e->name, strerror(-r), ctx->rundir, ctx->config);
			rc = EXIT_FAILED;
		} else if (e->initrd) {
			log_notice("%s: ran without its cache set in the "
				   "initramfs; recorded as stale (the images "
				   "follow: bcacheassemble --update-images)",
				   e->name);
		}
	}
	free(marks);
	return rc;
}

/*
 * rd.bcache.run=NAME: the admin's decision, on the kernel command line, to
 * start a held volume without its cache set (as --run --force).
 */
static void run_from_cmdline(struct context *ctx, const struct cli *c,
			      struct assembly *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct volume *v = &a->vols[i];
		struct lifecycle_args la = { .name = v->e->name, .force = true,
					     .timeout = 30 };

		if (v->status != VOL_HELD || !kcmdline_runs(&c->kcmd, v->e->name))
			continue;
		log_warn("%s: rd.bcache.run=%s: starting it without its cache "
			 "set", v->e->name, v->e->name);
		if (do_run(ctx, &la) == EXIT_OK)
			v->status = VOL_RUNNING;
	}
}

/* The lock, for a mode that may change bcachetab; -1 when not taken. */
static int take_lock(struct context *ctx, bool wait, unsigned timeout)
{
	int fd = lock_take(ctx, wait, timeout);

	if (fd < 0)
		log_err("%s (%s/lock): %s", fd == -EWOULDBLOCK ?
			"another bcacheassemble is changing bcachetab" :
			"cannot take the lock", ctx->rundir,
			fd == -EWOULDBLOCK ? "try again when it is done" :
					     strerror(-fd));
	return fd;
}

static int do_assemble(struct context *ctx, const struct cli *c)
{
	struct bcachetab tab;
	struct assembly a;
	int lock, cfg, rc, r, marks = EXIT_OK;

	lock = take_lock(ctx, true, 60);
	if (lock < 0)
		return EXIT_FAILED;
	cfg = config_load(ctx, &tab, false);
	if (cfg < 0) {
		lock_release(lock);
		return EXIT_CONFIG; /* unreadable or unsafe file */
	}
	if (check_names(c, &tab, ctx) != EXIT_OK)
		cfg = EXIT_CONFIG;
	if (!ctx->in_initrd)
		marks = fold_run_marks(ctx, &tab);
	if (assembly_init(&a, ctx) < 0 || ensure_module(ctx) < 0) {
		bcachetab_free(&tab);
		lock_release(lock);
		return EXIT_FAILED;
	}
	a.may_edit = !ctx->in_initrd;
	a.named = c->mode == M_NAMES;
	if (c->timeout >= 0)
		a.default_timeout = (unsigned)c->timeout;
	if (c->wait >= 0)
		a.default_wait = (unsigned)c->wait;
	for (size_t i = 0; i < tab.n_entries; i++)
		if (selected(c, &tab.entries[i]) &&
		    assembly_add(&a, &tab.entries[i],
				 !waited_for(c, &tab.entries[i])) < 0)
			return EXIT_FAILED;
	r = assembly_run(&a);
	if (r < 0)
		log_err("assembly stopped: %s", strerror(-r));
	if (c->initrd)
		run_from_cmdline(ctx, c, &a);
	for (size_t i = 0; i < a.n; i++)
		report_volume(ctx, &a.vols[i], false);
	report_no_raw(&a);
	rc = r < 0 ? EXIT_FAILED : assembly_exit_code(&a);
	if (marks != EXIT_OK && rc != EXIT_CONFIG)
		rc = marks;
	assembly_free(&a);
	bcachetab_free(&tab);
	lock_release(lock);
	return rc == EXIT_OK || rc == EXIT_HELD ? (cfg ? cfg : rc) : rc;
}

/*
 * Rebuild every initramfs image from bcachetab; then the initrd volumes
 * that stayed writethrough until the images had their line go writeback.
 */
/* Every registered raw volume's line follows its kernel state first. */
static int reconcile_all(struct context *ctx, struct bcachetab *tab,
			 const struct devtab *devs)
{
	int rc = fold_run_marks(ctx, tab);

	for (size_t i = 0; i < tab->n_entries; i++) {
		struct bt_entry *e = &tab->entries[i];
		const struct blockdev *d = devtab_find(ctx, devs, e->device);
		struct kview k;

		if (!e->raw || !d)
			continue;
		kview_read(ctx, d->name, &k);
		if (volume_reconcile(ctx, d->name, e, &k, true) < 0) {
			log_at(ctx->config, e->line,
			       "%s: cannot record what the kernel runs", e->name);
			rc = EXIT_FAILED;
		}
	}
	return rc;
}

static void writeback_after_images(struct context *ctx,
				   const struct bcachetab *tab,
				   const struct devtab *devs)
{
	for (size_t i = 0; i < tab->n_entries; i++) {
		const struct bt_entry *e = &tab->entries[i];
		const struct blockdev *d = devtab_find(ctx, devs, e->device);
		struct kview k;

		if (!e->raw || !e->initrd || !d)
			continue;
		kview_read(ctx, d->name, &k);
		if (k.running && k.attached && k.mode != MODE_WRITEBACK &&
		    policy_may_writeback(e, false, true) &&
		    kattr_write(ctx, d->name, "cache_mode", "writeback") == 0)
			log_notice("%s: now writeback", e->name);
	}
}

static int do_sync_boot(struct context *ctx, const struct cli *c);

/*
 * Rebuild every initramfs image from bcachetab (after the lines follow
 * what the kernel runs); then the initrd volumes that stayed writethrough
 * until the images had their line go writeback.
 */
static int do_update_images(struct context *ctx)
{
	struct bcachetab tab;
	struct devtab devs = { 0 };
	int lock = take_lock(ctx, true, 600), rc = EXIT_OK, r;

	if (lock < 0)
		return EXIT_FAILED;
	if (config_load(ctx, &tab, true) < 0) {
		lock_release(lock);
		return EXIT_CONFIG;
	}
	if (devtab_scan(ctx, &devs) < 0 || reconcile_all(ctx, &tab, &devs)) {
		log_err("initramfs images not rebuilt: bcachetab does not yet "
			"say what the kernel runs");
		rc = EXIT_FAILED;
		goto out;
	}
	r = images_update(ctx);
	/*
	 * The raw disk under /boot, if any, for every image written (also
	 * when a later one failed): the post-update hook leaves it to us.
	 */
	if (do_sync_boot(ctx, &(struct cli){ .timeout = -1 }) != EXIT_OK)
		rc = EXIT_FAILED;
	if (r < 0) {
		log_err("rebuilding the initramfs images failed (%s); they "
			"still carry an old bcachetab: fix the generator's "
			"error and run --update-images again",
			r == -ECHILD ? "see its messages above" : strerror(-r));
		rc = EXIT_FAILED;
		goto out;
	}
	log_notice("initramfs images rebuilt from %s", ctx->config);
	writeback_after_images(ctx, &tab, &devs);
out:
	devtab_free(&devs);
	bcachetab_free(&tab);
	lock_release(lock);
	return rc;
}

/*
 * Does device d matter to entry e: its backing device, or a cache device of
 * its set (named by the line, or by a formatted backing superblock)?
 */
static bool concerns(struct context *ctx, const struct devtab *devs,
		     const struct blockdev *d, const struct bt_entry *e,
		     const struct aliases *al)
{
	const struct blockdev *b;

	if (blockdev_matches(ctx, devs, d, e->device, al))
		return true;
	if (e->has_cset)
		return blockdev_is_cache_of(d, e->cset);
	b = devtab_find(ctx, devs, e->device);
	return b && b->sb_status == 0 && sb_is_backing(&b->sb) &&
	       blockdev_is_cache_of(d, b->sb.set_uuid);
}

/*
 * udev: one device appeared; register it if a volume needs it, and (with
 * --export) say whether to hide it. Hiding does not depend on bcachetab
 * being valid or safe, or on rd.bcache=0 / rd.bcache.conf=0: it fails
 * closed. Always exit 0: udev drops the output of a failed program.
 */
/*
 * The devices one udev event needs probed: the event's device and its whole
 * disk; for a cache device, the backing devices of the entries it serves.
 * Per-event work does not grow with the number of disks, except for a
 * cache device that a formatted entry named by a tag may need (rare).
 */
static int event_devices(struct context *ctx, const struct cli *c,
			 const struct bcachetab *tab, struct devtab *devs,
			 const char *base)
{
	const struct blockdev *d;
	bool cache;
	int r = devtab_update(ctx, devs, base);

	d = devtab_find_name(devs, base);
	if (r < 0 || !d)
		return r;
	if (d->parent[0] && (r = devtab_update(ctx, devs, d->parent)) < 0)
		return r;
	d = devtab_find_name(devs, base);
	cache = d->sb_status == 0 && !sb_is_backing(&d->sb);
	for (size_t i = 0; cache && i < tab->n_entries; i++) {
		const struct bt_entry *e = &tab->entries[i];

		if (!selected(c, e))
			continue;
		if (e->has_cset && !blockdev_is_cache_of(d, e->cset))
			continue;
		if (e->device[0] != '/')
			return devtab_scan(ctx, devs); /* a tag: look everywhere */
		r = devtab_add_path(ctx, devs, e->device);
		if (r < 0)
			return r;
		d = devtab_find_name(devs, base);
	}
	return 0;
}

/*
 * udev: one device appeared; register it if a volume needs it, and (with
 * --export) say whether to hide it. Hiding does not depend on bcachetab
 * being valid or safe, or on rd.bcache=0 / rd.bcache.conf=0: it fails
 * closed. Always exit 0: udev drops the output of a failed program.
 */
static int do_incremental(struct context *ctx, const struct cli *c)
{
	struct bcachetab tab = { 0 };
	struct hidelist hide = { 0 };
	struct assembly a;
	const char *dev, *base;
	const struct blockdev *d = NULL;
	struct aliases al;
	bool cfg_ok;
	int lock;

	if (c->nargs < 1) {
		log_err("--incremental takes one device (and its links)");
		return EXIT_CONFIG;
	}
	dev = c->args[0];
	base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	al.v = c->args + 1; /* udev's $links */
	al.n = c->nargs - 1;
	if (hide_load(ctx->config, &hide) < 0 && access(ctx->config, F_OK) < 0 &&
	    errno == ENOENT)
		return EXIT_OK; /* no bcachetab: nothing of ours */
	/* what it writes follows the line as it is when it writes (lock.h) */
	lock = registers(c) ? lock_registration(ctx, 60) : -EPERM;
	cfg_ok = !c->kcmd.no_conf && config_load(ctx, &tab, true) >= 0;
	if (assembly_init(&a, ctx) == 0 &&
	    event_devices(ctx, c, &tab, &a.devs, base) == 0)
		d = devtab_find_name(&a.devs, base);
	if (!d)
		goto out; /* not a block device we can see: nothing to do */
	for (size_t i = 0; cfg_ok && i < tab.n_entries; i++) {
		const struct bt_entry *e = &tab.entries[i];

		if (!selected(c, e) || !concerns(ctx, &a.devs, d, e, &al))
			continue;
		if (assembly_add(&a, e, true) < 0)
			break;
	}
	if (a.n && registers(c) && ensure_module(ctx) == 0) {
		assembly_step_all(&a);
		for (size_t i = 0; i < a.n; i++)
			if (a.vols[i].status != VOL_PENDING)
				report_volume(ctx, &a.vols[i], true);
	}
	if (c->export) {
		(void)report_export(stdout, ctx, cfg_ok ? &tab : NULL, &a.devs,
				    dev, &al, &hide);
		/* ours to register: bcache-tools' rules must keep off */
		if (a.n && d->sb_status == 0)
			printf("BCACHEASSEMBLE_OWNED=1\n");
	}
out:
	if (lock == 0)
		unlock_registration();
	assembly_free(&a);
	bcachetab_free(&tab);
	hide_free(&hide);
	return EXIT_OK;
}

static int do_query(struct context *ctx, const struct cli *c)
{
	struct bcachetab tab;
	struct devtab devs = { 0 };
	int rc = EXIT_OK, cfg;

	if (c->mode == M_EXAMINE && !c->scan) {
		for (int i = 0; i < c->nargs; i++) {
			struct bcache_sb sb;
			int r = sb_read(c->args[i], &sb);

			if (r == 0 || r == -EBADMSG || (r == -EINVAL && sb.offset)) {
				report_examine(stdout, c->args[i], &sb, r);
				if (r < 0)
					rc = EXIT_FAILED;
			} else {
				log_err("%s: %s", c->args[i],
					r == -ENODATA ? "no bcache superblock" :
							strerror(-r));
				rc = EXIT_FAILED;
			}
		}
		return c->nargs ? rc : EXIT_CONFIG;
	}
	cfg = config_load(ctx, &tab, c->mode != M_DETAIL || c->scan);
	if (cfg < 0)
		cfg = EXIT_CONFIG; /* nothing to show but the error */
	if (devtab_scan(ctx, &devs) < 0) {
		log_err("cannot list block devices under %s/class/block",
			ctx->sysfs);
		bcachetab_free(&tab);
		return EXIT_FAILED;
	}
	if (c->mode == M_EXAMINE)
		rc = report_examine_scan(stdout, ctx, &devs);
	else if (c->mode == M_EXPORT && c->nargs >= 1) {
		struct hidelist hide = { 0 };

		if (hide_load(ctx->config, &hide) < 0)
			log_debug("%s: nothing to hide", ctx->config);
		rc = report_export(stdout, ctx, &tab, &devs,
				   c->args[0],
				   &(struct aliases){ c->args + 1, c->nargs - 1 },
				   &hide);
		hide_free(&hide);
		cfg = 0; /* udev drops the output of a failed program */
	}
	else if (c->scan)
		rc = report_detail_scan(stdout, ctx, &tab, &devs);
	else
		for (size_t i = 0; i < tab.n_entries; i++) {
			const struct bt_entry *e = &tab.entries[i];
			int r;

			if (c->nargs && !named(c, e))
				continue;
			r = report_detail(stdout, ctx, e, &devs);
			if (r > rc)
				rc = r;
		}
	devtab_free(&devs);
	bcachetab_free(&tab);
	return cfg == EXIT_CONFIG && rc == EXIT_OK ? EXIT_CONFIG : rc;
}

static int need_args(const struct cli *c, int n, const char *what)
{
	if (c->nargs == n)
		return 0;
	log_err("expected %s", what);
	return -EINVAL;
}

/* Drain one raw volume that holds boot files, then check the files. */
static int sync_boot_volume(struct context *ctx, const struct cli *c,
			    const struct blockdev *d, const struct bt_entry *e)
{
	unsigned timeout = c->timeout >= 0 ? (unsigned)c->timeout : 600;
	uint64_t kib, bad, off = e && e->has_data_offset ? e->data_offset * 512 : 0;
	const char *name = e ? e->name : d->name;
	char dir[PATH_MAX], **files = NULL;
	int r, n, bad_files = 0, checked = 0;

	r = volume_drain(ctx, d->name, timeout, &kib);
	if (r < 0) {
		log_err("%s: %s holds /boot, and its cache %s: the bootloader "
			"would read old blocks. Do not reboot; run 'bcacheassemble "
			"--sync-boot' again (or --set-mode %s writethrough and wait)",
			name, d->node, r == -ETIMEDOUT ?
			"still holds dirty data (timeout)" : strerror(-r), name);
		return EXIT_FAILED;
	}
	if (kib)
		log_notice("%s: %llu KiB of dirty data written back to %s",
			   name, (unsigned long long)kib, d->node);
	snprintf(dir, sizeof(dir), "%.3000s/boot", ctx->fsroot);
	if (c->nargs) {
		files = c->args;
		n = c->nargs;
	} else if ((n = boot_list_files(dir, &files)) < 0) {
		log_err("%s: cannot list %s: %s", name, dir, strerror(-n));
		return EXIT_FAILED;
	}
	for (int i = 0; i < n; i++) {
		const char *f = files[i];

		r = boot_verify_file(f, d->node, off, &bad);
		if (r == -EOPNOTSUPP) {
			log_info("%s: %s: its blocks cannot be mapped; not checked", name, f);
			continue;
		}
		checked++;
		if (r == -EIO)
			log_err("%s: %s differs on the raw disk %s from byte %llu: "
				"the bootloader would load it torn. Do not reboot; "
				"run 'bcacheassemble --sync-boot' again",
				name, f, d->node, (unsigned long long)bad);
		else if (r < 0)
			log_err("%s: %s: cannot compare with %s: %s", name, f,
				d->node, strerror(-r));
		bad_files += r < 0;
	}
	if (!c->nargs)
		boot_free_files(files, n);
	if (!bad_files)
		log_notice("%s: /boot is on this raw volume: %d file%s as the "
			   "bootloader reads them from %s, identical",
			   name, checked, checked == 1 ? "" : "s", d->node);
	return bad_files ? EXIT_FAILED : EXIT_OK;
}

/*
 * After a kernel or initramfs install (kernel postinst.d, initramfs
 * post-update.d): the disk the bootloader reads holds the new files.
 */
static int do_sync_boot(struct context *ctx, const struct cli *c)
{
	struct bcachetab tab = { 0 };
	struct devtab devs = { 0 };
	int rc = EXIT_OK, found = 0;

	if (!sysfs_exists(ctx, "class/block")) {
		/* a chroot, an image builder: no bcache volume runs here */
		log_info("no %s/class/block: nothing to do", ctx->sysfs);
		return EXIT_OK;
	}
	/* each image update runs this: no probing unless it matters */
	if (!boot_on_bcache(ctx)) {
		log_info("/boot is on no bcache device: nothing to do");
		return EXIT_OK;
	}
	if (config_load(ctx, &tab, false) < 0)
		log_debug("%s unreadable: volumes named by device", ctx->config);
	if (devtab_scan(ctx, &devs) < 0) {
		log_err("cannot list block devices under %s/class/block",
			ctx->sysfs);
		bcachetab_free(&tab);
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < devs.n; i++) {
		const struct blockdev *d = &devs.v[i];
		const struct bt_entry *e = NULL;
		int r;

		/* a formatted disk: no bootloader reads it */
		if (d->is_bcache || d->sb_status == 0 ||
		    !backing_registered(ctx, d->name) || !holds_boot(ctx, d->name))
			continue;
		for (size_t j = 0; j < tab.n_entries && !e; j++)
			if (devtab_find(ctx, &devs, tab.entries[j].device) == d)
				e = &tab.entries[j];
		found++;
		r = sync_boot_volume(ctx, c, d, e);
		if (r > rc)
			rc = r;
	}
	if (!found)
		log_info("/boot is on no raw volume: nothing to do");
	devtab_free(&devs);
	bcachetab_free(&tab);
	return rc;
}

static int do_lifecycle_locked(struct context *ctx, const struct cli *c);

/*
 * A change to an 'initrd' volume leaves the images outdated: they are
 * rebuilt now, while the admin watches, not at the next boot. If that
 * fails, the command says so and what to run; bcacheassemble-initramfs.service
 * retries, after multi-user.target.
 */
static int refresh_images(struct context *ctx, int rc)
{
	int r;

	if (ctx->in_initrd || !images_outdated(ctx))
		return rc;
	log_notice("the initramfs images carry an older line of an 'initrd' "
		   "volume: rebuilding them now");
	r = do_update_images(ctx);
	if (r != EXIT_OK) {
		log_err("the initramfs images were NOT rebuilt: until they are, "
			"an initramfs registers the volume from its older line "
			"(bcachetab(5), CRASH SAFETY); fix the error above, "
			"then run 'bcacheassemble --update-images'");
		return rc == EXIT_OK ? r : rc;
	}
	return rc;
}

static int do_lifecycle(struct context *ctx, const struct cli *c)
{
	int lock = take_lock(ctx, true, c->timeout >= 0 ? (unsigned)c->timeout :
								60),
	    rc;

	if (lock < 0)
		return EXIT_FAILED;
	rc = do_lifecycle_locked(ctx, c);
	lock_release(lock);
	return refresh_images(ctx, rc);
}

static int do_lifecycle_locked(struct context *ctx, const struct cli *c)
{
	struct lifecycle_args a = {
		.cset = c->cset, .options = c->options, .force = c->force,
		.next_boot = c->next_boot,
		.timeout = c->timeout >= 0 ? (unsigned)c->timeout : 60,
	};

	switch (c->mode) {
	case M_CREATE:
		if (need_args(c, 2, "NAME DEVICE"))
			return EXIT_CONFIG;
		a.name = c->args[0];
		a.device = c->args[1];
		return ensure_module(ctx) < 0 ? EXIT_FAILED : do_create(ctx, &a);
	case M_ATTACH:
		if (need_args(c, 1, "NAME") || !c->cset) {
			log_err("--attach NAME --cache-set UUID");
			return EXIT_CONFIG;
		}
		a.name = c->args[0];
		return do_attach(ctx, &a);
	case M_SET_MODE:
	case M_SET_LABEL:
		if (need_args(c, 2, "NAME VALUE"))
			return EXIT_CONFIG;
		a.name = c->args[0];
		a.value = c->args[1];
		return c->mode == M_SET_MODE ? do_set_mode(ctx, &a) :
					       do_set_label(ctx, &a);
	default:
		if (need_args(c, 1, "one volume NAME"))
			return EXIT_CONFIG;
		a.name = c->args[0];
		return c->mode == M_DETACH ? do_detach(ctx, &a) :
		       c->mode == M_REMOVE ? do_remove(ctx, &a) :
		       c->mode == M_RUN	   ? do_run(ctx, &a) :
					     do_stop(ctx, &a);
	}
}

/* The rd.bcache* options; returns an exit code to stop, or -1 to go on. */
static int initrd_setup(struct context *ctx, struct cli *c)
{
	int r = kcmdline_read(ctx->cmdline, &c->kcmd);

	if (r == -EINVAL)
		log_warn("a bad rd.bcache option on the kernel command line was "
			 "ignored (see bcacheassemble(8))");
	if (c->kcmd.disabled && c->mode != M_EXPORT &&
	    c->mode != M_INCREMENTAL) {
		log_notice("disabled by rd.bcache=0");
		return EXIT_OK;
	}
	if (c->kcmd.no_conf &&
	    (c->mode == M_SCAN || c->mode == M_NAMES ||
	     c->mode == M_LAST_RESORT)) {
		log_notice("rd.bcache.conf=0: bcachetab ignored, nothing to "
			   "assemble");
		return EXIT_OK;
	}
	if (c->kcmd.timeout >= 0) {
		if (c->timeout < 0)
			c->timeout = c->kcmd.timeout;
		if (c->wait < 0)
			c->wait = c->kcmd.timeout;
	}
	return -1;
}

/*
 * Last resort (a timer after boot, or the initramfs giving up on waiting):
 * start held volumes without their cache set, except those that may hold
 * dirty data, which keep waiting.
 */
/* Is any selected volume registered and held back? (Read, no lock.) */
static bool any_held(struct context *ctx, const struct cli *c,
		     const struct bcachetab *tab)
{
	for (size_t i = 0; i < tab->n_entries; i++)
		if (selected(c, &tab->entries[i]) &&
		    volume_held(ctx, tab->entries[i].name))
			return true;
	return false;
}

static int do_last_resort(struct context *ctx, const struct cli *c)
{
	struct bcachetab tab;
	int lock, rc;

	/* nothing held: done, without waiting for another holder's lock */
	if (config_load(ctx, &tab, false) < 0)
		return EXIT_CONFIG;
	if (!any_held(ctx, c, &tab)) {
		bcachetab_free(&tab);
		return EXIT_OK;
	}
	bcachetab_free(&tab);
	/* --update-images may hold the lock for its 600 s */
	lock = take_lock(ctx, true, 600);
	if (lock < 0)
		return EXIT_FAILED;
	rc = config_load(ctx, &tab, false);
	if (rc < 0) {
		lock_release(lock);
		return EXIT_CONFIG;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < tab.n_entries; i++) {
		const struct bt_entry *e = &tab.entries[i];
		struct lifecycle_args a = { .name = e->name, .last_resort = true,
					    .timeout = 30 };
		int r;

		if (!selected(c, e) || !volume_held(ctx, e->name))
			continue;
		r = do_run(ctx, &a);
		if (r > rc)
			rc = r;
	}
	bcachetab_free(&tab);
	lock_release(lock);
	return rc;
}

#ifndef SYSTEMDUNITDIR
#define SYSTEMDUNITDIR "/usr/lib/systemd/system"
#endif

/*
 * Run as bcacheassemble-generator by systemd, early in every boot and at
 * each daemon-reload: units for the lines, into the first directory given.
 * It reads bcachetab and nothing else; a bad line gets no unit (its error
 * goes to the journal), the others do.
 */
static int do_generate(struct context *ctx, int argc, char **argv)
{
	struct bcachetab tab;
	int rc = EXIT_OK;

	if (argc != 2 && argc != 4) {
		log_err("usage: bcacheassemble-generator NORMAL [EARLY LATE]");
		return EXIT_CONFIG;
	}
	if (config_load(ctx, &tab, true) < 0)
		return EXIT_OK; /* reported; nothing to make units from */
	for (size_t i = 0; i < tab.n_entries; i++) {
		const struct bt_entry *e = &tab.entries[i];
		int r = generator_volume(e, ctx->config, argv[1], SYSTEMDUNITDIR);

		if (r < 0) {
			log_at(ctx->config, e->line, "%s: no unit written: %s",
			       e->name, strerror(-r));
			rc = EXIT_FAILED;
		}
	}
	bcachetab_free(&tab);
	return rc;
}

int main(int argc, char **argv)
{
	struct context ctx;
	struct cli c = { .timeout = -1, .wait = -1 };
	struct bcachetab tab;
	int rc;

	context_init(&ctx);
	context_from_env(&ctx);
	if (!strcmp(basename(argv[0]), "bcacheassemble-generator"))
		return do_generate(&ctx, argc, argv);
	rc = parse_args(argc, argv, &c, &ctx);
	if (rc >= 0)
		return rc;
	/* rd.bcache* options hold for every run inside the initramfs */
	if (c.initrd || in_initramfs(ctx.fsroot)) {
		c.initrd = true;
		ctx.in_initrd = true;
		log_open_kmsg();
		rc = initrd_setup(&ctx, &c);
		if (rc >= 0)
			return rc;
	}
	switch (c.mode) {
	case M_LAST_RESORT:
		return do_last_resort(&ctx, &c);
	case M_SCAN:
	case M_NAMES:
		return do_assemble(&ctx, &c);
	case M_INCREMENTAL:
		return do_incremental(&ctx, &c);
	case M_CHECK:
		rc = config_load(&ctx, &tab, false);
		if (rc < 0)
			return EXIT_CONFIG;
		{
			struct devtab devs = { 0 };

			if (devtab_scan(&ctx, &devs) == 0 &&
			    config_check_devices(&ctx, &tab, &devs) != 0)
				rc = EXIT_CONFIG;
			devtab_free(&devs);
		}
		if (rc == EXIT_OK)
			log_notice("%s: %zu volume%s, no problems", ctx.config,
				   tab.n_entries, tab.n_entries == 1 ? "" : "s");
		bcachetab_free(&tab);
		return rc;
	case M_LIST:
		rc = config_load(&ctx, &tab, false);
		if (rc < 0)
			return EXIT_CONFIG;
		for (size_t i = 0; i < tab.n_entries; i++) {
			const struct bt_entry *e = &tab.entries[i];

			printf("%s %s%s%s%s\n", e->name,
			       e->raw ? "raw" : "formatted",
			       e->initrd ? " initrd" : "",
			       e->noauto ? " noauto" : "",
			       e->mode == MODE_WRITEBACK ? " writeback" : "");
		}
		bcachetab_free(&tab);
		return rc;
	case M_UPDATE_IMAGES:
		return do_update_images(&ctx);
	case M_SYNC_BOOT:
		return do_sync_boot(&ctx, &c);
	case M_DETAIL:
	case M_EXAMINE:
	case M_EXPORT:
		return do_query(&ctx, &c);
	default:
		return do_lifecycle(&ctx, &c);
	}
}
