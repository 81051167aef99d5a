// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <inttypes.h>
#include <stdbool.h>
#include <limits.h>
#include <unistd.h>
#include <string.h>

#include "assemble.h"
#include "bootfs.h"
#include "generator.h"
#include "hide.h"
#include "sysfs.h"
#include "uuidtext.h"

/* As many BCACHEASSEMBLE_LINK_n as 61-bcacheassemble.rules reads. */
#define KEEP_LINKS_MAX 16

static const char *const mode_words[] = { "writethrough", "writeback",
					  "writearound", "none" };

static const char *version_word(uint64_t v)
{
	switch (v) {
	case SB_VERSION_CDEV:
	case SB_VERSION_CDEV_WITH_UUID:
	case SB_VERSION_CDEV_WITH_FEATURES:
		return "cache device";
	default:
		return "backing device";
	}
}

static void examine_cache(FILE *out, const struct bcache_sb *sb)
{
	uint64_t bs = sb->bucket_size;

	fprintf(out, "dev.cache.first_sector\t%" PRIu64 "\n",
		bs * sb->first_bucket);
	fprintf(out, "dev.cache.cache_sectors\t%" PRIu64 "\n",
		bs * (sb->nbuckets - sb->first_bucket));
	fprintf(out, "dev.cache.total_sectors\t%" PRIu64 "\n",
		bs * sb->nbuckets);
	fprintf(out, "dev.cache.ordered\t%s\n", sb->flags & 1 ? "yes" : "no");
	fprintf(out, "dev.cache.discard\t%s\n",
		sb->flags & 2 ? "yes" : "no");
	fprintf(out, "dev.cache.pos\t\t%u\n", sb->nr_this_dev);
	fprintf(out, "dev.cache.replacement\t%u [%s]\n",
		(unsigned)((sb->flags >> 2) & 7),
		(const char *const[]){ "lru", "fifo", "random", "unknown",
				       "unknown", "unknown", "unknown",
				       "unknown" }[(sb->flags >> 2) & 7]);
}

void report_examine(FILE *out, const char *path, const struct bcache_sb *sb,
		    int status)
{
	char u[UUID_STR_LEN];

	fprintf(out, "%s:\n", path);
	fprintf(out, "sb.magic\t\tok\n");
	fprintf(out, "sb.first_sector\t\t%" PRIu64 " [match]\n", sb->offset);
	fprintf(out, "sb.csum\t\t\t%016" PRIX64 " [%s]\n", sb->csum,
		sb->csum_ok ? "match" : "MISMATCH");
	if (!sb->csum_ok)
		fprintf(out, "sb.csum_computed\t%016" PRIX64 "\n",
			sb->csum_computed);
	fprintf(out, "sb.version\t\t%" PRIu64 " [%s]\n", sb->version,
		version_word(sb->version));
	fprintf(out, "\ndev.label\t\t%s\n", sb->label[0] ? sb->label : "(empty)");
	uuid_to_text(sb->uuid, u);
	fprintf(out, "dev.uuid\t\t%s\n", u);
	fprintf(out, "dev.sectors_per_block\t%u\n", sb->block_size);
	fprintf(out, "dev.sectors_per_bucket\t%u\n", sb->bucket_size);
	if (sb_is_backing(sb)) {
		unsigned m = sb_cache_mode(sb), st = sb_bdev_state(sb);

		fprintf(out, "dev.data.first_sector\t%" PRIu64 "\n",
			sb->data_offset);
		fprintf(out, "dev.data.cache_mode\t%u [%s]\n", m,
			m < 4 ? mode_words[m] : "unknown");
		fprintf(out, "dev.data.cache_state\t%u [%s]\n", st,
			sb_state_name(st));
	} else {
		examine_cache(out, sb);
	}
	uuid_to_text(sb->set_uuid, u);
	fprintf(out, "\ncset.uuid\t\t%s\n", u);
	fprintf(out, "verdict\t\t\t%s\n",
		status == 0 ? "valid" :
		status == -EBADMSG ? "bad checksum (the kernel will refuse it)" :
				     "invalid fields (the kernel will refuse it)");
}

int report_examine_scan(FILE *out, struct context *ctx,
			const struct devtab *devs)
{
	(void)ctx;
	for (size_t i = 0; i < devs->n; i++) {
		const struct blockdev *d = &devs->v[i];
		char u[UUID_STR_LEN], c[UUID_STR_LEN];

		if (d->sb_status != 0 || !sb_is_backing(&d->sb))
			continue;
		uuid_to_text(d->sb.uuid, u);
		uuid_to_text(d->sb.set_uuid, c);
		fprintf(out, "%s\tUUID=%s\t%s\n",
			d->sb.label[0] && bt_name_valid(d->sb.label) ?
				d->sb.label : d->name,
			u, sb_bdev_state(&d->sb) == BDEV_NONE ? "-" : c);
	}
	return 0;
}

static void attr(struct context *ctx, const char *dev, const char *name,
		 char *buf, size_t len)
{
	if (kattr_read(ctx, dev, name, buf, len) < 0)
		snprintf(buf, len, "?");
}

int report_detail(FILE *out, struct context *ctx, const struct bt_entry *e,
		  const struct devtab *devs)
{
	const struct blockdev *d = devtab_find(ctx, devs, e->device);
	char buf[128], bdev[64] = "", cset[64];

	fprintf(out, "%s\n  device:     %s%s%s\n", e->name, e->device,
		d ? " -> /dev/" : " (not present)", d ? d->name : "");
	fprintf(out, "  type:       %s\n", e->raw ? "raw" : "formatted");
	if (!d || !backing_registered(ctx, d->name)) {
		fprintf(out, "  status:     not registered\n");
		return EXIT_FAILED;
	}
	if (backing_running(ctx, d->name)) {
		char rel[256];

		snprintf(rel, sizeof(rel), "class/block/%s/bcache/dev", d->name);
		if (sysfs_link_name(ctx, rel, bdev, sizeof(bdev)) < 0)
			bdev[0] = 0;
		fprintf(out, "  status:     running as /dev/%s\n",
			bdev[0] ? bdev : "?");
	} else {
		fprintf(out, "  status:     registered, held back (waiting for "
			     "its cache set)\n");
	}
	fprintf(out, "  cache set:  %s\n",
		backing_attached(ctx, d->name, cset, sizeof(cset)) ? cset :
								     "none");
	attr(ctx, d->name, "cache_mode", buf, sizeof(buf));
	fprintf(out, "  cache mode: %s\n", buf);
	attr(ctx, d->name, "state", buf, sizeof(buf));
	fprintf(out, "  state:      %s\n", buf);
	attr(ctx, d->name, "dirty_data", buf, sizeof(buf));
	fprintf(out, "  dirty data: %s\n", buf);
	return backing_running(ctx, d->name) ? EXIT_OK : EXIT_HELD;
}

static const struct bt_entry *entry_for(struct context *ctx,
					const struct bcachetab *tab,
					const struct devtab *devs,
					const struct blockdev *d,
					const struct aliases *al)
{
	for (size_t i = 0; i < tab->n_entries; i++)
		if (blockdev_matches(ctx, devs, d, tab->entries[i].device, al))
			return &tab->entries[i];
	return NULL;
}

/* The disk's link al->v[i] without "/dev/", or NULL if it must go. */
static const char *kept_link(const struct aliases *al, int i)
{
	const char *a = al->v[i];

	if (!strncmp(a, "/dev/", 5))
		a += 5;
	if (!strncmp(a, "disk/by-uuid/", 13) ||
	    !strncmp(a, "disk/by-label/", 14))
		return NULL;
	return a;
}

/*
 * A raw disk's filesystem belongs to bcacheN: drop its by-uuid/label links.
 * One variable per link kept (BCACHEASSEMBLE_LINK_0...): udev replaces the
 * spaces of a substituted value, whatever string_escape says (systemd 257),
 * so a list in one variable would become one nonsense link.
 */
static void keep_links(FILE *out, const struct aliases *al)
{
	int n = 0;

	fprintf(out, "BCACHEASSEMBLE_KEEP_LINKS=");
	for (int i = 0; al && i < al->n; i++)
		if (kept_link(al, i))
			fprintf(out, "%s%s", n++ ? " " : "", kept_link(al, i));
	fprintf(out, "\n");
	n = 0;
	for (int i = 0; al && i < al->n && n < KEEP_LINKS_MAX; i++)
		if (kept_link(al, i))
			fprintf(out, "BCACHEASSEMBLE_LINK_%d=%s\n", n++,
				kept_link(al, i));
}

/* A bcachetab line describing a registered backing device. */
int report_detail_scan(FILE *out, struct context *ctx,
		       const struct bcachetab *tab, const struct devtab *devs)
{
	for (size_t i = 0; i < devs->n; i++) {
		const struct blockdev *d = &devs->v[i];
		const struct bt_entry *known;
		struct bt_entry e = { .mode = MODE_UNSET };
		char buf[128], line[1024];

		if (d->is_bcache || !backing_registered(ctx, d->name))
			continue;
		known = entry_for(ctx, tab, devs, d, NULL);
		/*
		 * A listed volume's line is its record: printed as it is, so
		 * that a held volume keeps its set, mode and 'stale'.
		 */
		if (known && bt_format_entry(known, line, sizeof(line)) == 0) {
			fprintf(out, "%s\n", line);
			continue;
		}
		snprintf(e.name, sizeof(e.name), "%.32s",
			 known ? known->name : d->name);
		snprintf(e.device, sizeof(e.device), "/dev/%s", d->name);
		if (known)
			snprintf(e.device, sizeof(e.device), "%s", known->device);
		if (backing_attached(ctx, d->name, buf, sizeof(buf)) &&
		    uuid_from_text(buf, e.cset) == 0)
			e.has_cset = true;
		if (d->sb_status == 0) {
			if (!known)
				snprintf(e.device, sizeof(e.device), "UUID=%s",
					 d->fs_uuid);
		} else {
			e.raw = true;
			attr(ctx, d->name, "backing_dev_uuid", buf, sizeof(buf));
			e.has_uuid = uuid_from_text(buf, e.uuid) == 0;
			attr(ctx, d->name, "cache_mode", buf, sizeof(buf));
			e.mode = kmode_parse(buf);
			attr(ctx, d->name, "label", buf, sizeof(buf));
			if (bt_label_valid(buf)) {
				e.has_label = true;
				strcpy(e.label, buf);
			}
			e.size = d->size;
			if (known) {
				e.has_data_offset = known->has_data_offset;
				e.data_offset = known->data_offset;
				e.block = known->block;
			}
		}
		if (bt_format_entry(&e, line, sizeof(line)) == 0)
			fprintf(out, "%s\n", line);
	}
	return EXIT_OK;
}

/* bcacheN/bcache links to BACKING/bcache: the backing device's name. */
static const char *backing_of(struct context *ctx, const char *bdev, char *buf,
			      size_t len)
{
	char rel[128], path[PATH_MAX], target[PATH_MAX];
	char *slash;
	ssize_t n;

	snprintf(rel, sizeof(rel), "class/block/%s/bcache", bdev);
	if (sysfs_path(ctx, rel, path, sizeof(path)) < 0)
		return NULL;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = 0;
	slash = strrchr(target, '/'); /* ".../vda/bcache" */
	if (!slash)
		return NULL;
	*slash = 0;
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) >= len)
		return NULL;
	strcpy(buf, slash);
	return buf;
}

int report_export(FILE *out, struct context *ctx, const struct bcachetab *tab,
		  const struct devtab *devs, const char *devname,
		  const struct aliases *al, const struct hidelist *hide)
{
	const char *base = strrchr(devname, '/');
	const struct blockdev *d;
	const struct bt_entry *e;
	const struct hide_spec *h = NULL;
	const char *name;
	char u[UUID_STR_LEN], backing[64], mp[256], unit[NAME_MAX + 1];
	bool raw;

	base = base ? base + 1 : devname;
	bool volume = !strncmp(base, "bcache", 6); /* bcacheN, not the disk */

	if (volume)
		base = backing_of(ctx, base, backing, sizeof(backing));
	d = base ? devtab_find_name(devs, base) : NULL;
	if (!d)
		return EXIT_OK;
	e = tab ? entry_for(ctx, tab, devs, d, al) : NULL;
	if (!volume && hide)
		h = hide_match(ctx, devs, hide, d, al);
	raw = (e && e->raw) || h;
	if (e)
		name = e->name;
	else if (h)
		name = h->name;
	else
		return EXIT_OK;
	fprintf(out, "BCACHEASSEMBLE_NAME=%s\n", name);
	fprintf(out, "BCACHEASSEMBLE_RAW=%d\n", raw ? 1 : 0);
	if (raw && !volume)
		keep_links(out, al);
	/*
	 * Mounted now (a disk converted at the next boot, --create
	 * --next-boot): hiding it would make systemd unmount it.
	 */
	if (raw && !volume && disk_mounted(ctx, d, mp, sizeof(mp)))
		fprintf(out, "BCACHEASSEMBLE_MOUNTED=1\n");
	if (!e)
		return EXIT_OK;
	if (e->has_uuid) {
		uuid_to_text(e->uuid, u);
		fprintf(out, "BCACHEASSEMBLE_UUID=%s\n", u);
	}
	if (e->has_label)
		fprintf(out, "BCACHEASSEMBLE_LABEL=%s\n", e->label);
	fprintf(out, "BCACHEASSEMBLE_INITRD=%d\n", e->initrd ? 1 : 0);
	/* the volume runs: its unit (failed while it was held) says so */
	if (volume && volume_unit(e->name, unit, sizeof(unit)) == 0)
		fprintf(out, "BCACHEASSEMBLE_UNIT=%s\n", unit);
	fprintf(out, "BCACHEASSEMBLE_STATE=%s\n",
		!backing_registered(ctx, d->name) ? "unregistered" :
		backing_running(ctx, d->name)     ? "running" :
						    "held");
	return EXIT_OK;
}
