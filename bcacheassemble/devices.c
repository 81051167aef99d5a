// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block devices assembly can see. Probing uses libblkid for filesystem
 * and partition tags and our own reader for the bcache superblock.
 */
#include "devices.h"

#include <blkid.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sysfs.h"

static void copy_tag(blkid_probe pr, const char *tag, char *out, size_t len)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, tag, &v, NULL) == 0 && v)
		snprintf(out, len, "%s", v);
}

static void probe_tags(struct blockdev *d)
{
	blkid_probe pr = blkid_new_probe_from_filename(d->node);

	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_safeprobe(pr) == 0) {
		copy_tag(pr, "UUID", d->fs_uuid, sizeof(d->fs_uuid));
		copy_tag(pr, "LABEL", d->fs_label, sizeof(d->fs_label));
		copy_tag(pr, "TYPE", d->fs_type, sizeof(d->fs_type));
		copy_tag(pr, "PART_ENTRY_UUID", d->part_uuid,
			 sizeof(d->part_uuid));
		copy_tag(pr, "PART_ENTRY_NAME", d->part_label,
			 sizeof(d->part_label));
	}
	blkid_free_probe(pr);
}

static int read_u64_attr(struct context *ctx, const char *name,
			 const char *attr, uint64_t *out)
{
	char rel[256], buf[64];
	int r;

	snprintf(rel, sizeof(rel), "class/block/%s/%s", name, attr);
	r = sysfs_read(ctx, rel, buf, sizeof(buf));
	if (r < 0)
		return r;
	*out = strtoull(buf, NULL, 10);
	return 0;
}

/* Blanks and commas as '_', other unprintables dropped, ends trimmed. */
static void serial_norm(const char *in, char *out, size_t len)
{
	size_t k = 0;
	bool blank = false;

	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in && k + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == ' ' || c == '\t' || c == ',') {
			blank = true;
			continue;
		}
		if (c <= ' ' || c > '~')
			continue;
		if (blank && k && k + 2 < len)
			out[k++] = '_';
		blank = false;
		out[k++] = (char)c;
	}
	out[k] = 0;
}

/* What the disk says it is: WWN, else serial (sysfs; virtio, SCSI, NVMe). */
void blockdev_read_serial(struct context *ctx, const char *name, char *out,
			  size_t len)
{
	static const char *const attrs[] = { "wwid", "device/wwid", "serial",
					     "device/serial" };

	out[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(attrs) && !out[0]; i++) {
		char rel[256], buf[256];

		snprintf(rel, sizeof(rel), "class/block/%s/%s", name, attrs[i]);
		if (sysfs_read(ctx, rel, buf, sizeof(buf)) == 0)
			serial_norm(buf, out, len);
	}
}

/* The whole disk of a partition ("" for a whole disk). */
static void read_parent(struct context *ctx, const char *name, char *out,
			size_t len)
{
	char rel[256], path[PATH_MAX], real[PATH_MAX], *slash;

	out[0] = 0;
	snprintf(rel, sizeof(rel), "class/block/%s/partition", name);
	if (!sysfs_exists(ctx, rel))
		return;
	snprintf(rel, sizeof(rel), "class/block/%s", name);
	if (sysfs_path(ctx, rel, path, sizeof(path)) < 0 ||
	    !realpath(path, real) || !(slash = strrchr(real, '/')))
		return;
	*slash = 0;
	slash = strrchr(real, '/');
	snprintf(out, len, "%.63s", slash ? slash + 1 : real);
}

/*
 * Floppies and optical drives are never opened (each open of an empty one
 * logs I/O errors and can take seconds), nor empty devices such as unbound
 * loop devices: none of them can be a bcachetab disk.
 */
static bool worth_opening(const char *name, uint64_t size)
{
	return strncmp(name, "fd", 2) && strncmp(name, "sr", 2) && size > 0;
}

static int probe_one(struct context *ctx, const char *name,
		     struct blockdev *d)
{
	char rel[256], buf[64];
	struct stat st;
	int r;

	memset(d, 0, sizeof(*d));
	if (strlen(name) >= sizeof(d->name))
		return -ENAMETOOLONG;
	strcpy(d->name, name);
	snprintf(rel, sizeof(rel), "class/block/%s/dev", name);
	r = sysfs_read(ctx, rel, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (sscanf(buf, "%u:%u", &d->major, &d->minor) != 2)
		return -EINVAL;
	(void)read_u64_attr(ctx, name, "size", &d->size);
	if (asprintf(&d->node, "%s/dev/%s", ctx->devroot, name) < 0) {
		d->node = NULL;
		return -ENOMEM;
	}
	if (stat(d->node, &st) == 0) {
		d->file_dev = st.st_dev;
		d->file_ino = st.st_ino;
	}
	d->is_bcache = !strncmp(name, "bcache", 6);
	if (d->is_bcache)
		return 0; /* never probed: it mirrors a backing device */
	read_parent(ctx, name, d->parent, sizeof(d->parent));
	blockdev_read_serial(ctx, d->parent[0] ? d->parent : name, d->serial,
			     sizeof(d->serial));
	if (d->parent[0] && d->serial[0]) { /* WWN-partN, as udev does */
		uint64_t part = 0;

		(void)read_u64_attr(ctx, name, "partition", &part);
		snprintf(d->serial + strlen(d->serial),
			 sizeof(d->serial) - strlen(d->serial), "-part%u",
			 (unsigned)(part % 1000));
	}
	if (!worth_opening(name, d->size)) {
		d->sb_status = -ENODATA;
		return 0;
	}
	d->sb_status = sb_read(d->node, &d->sb);
	probe_tags(d);
	return 0;
}

int devtab_update(struct context *ctx, struct devtab *t, const char *name)
{
	struct blockdev d, *slot = NULL;
	int r = probe_one(ctx, name, &d);

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			slot = &t->v[i];
	if (slot)
		free(slot->node);
	if (r < 0) {
		free(d.node);
		if (slot) /* gone: drop it */
			*slot = t->v[--t->n];
		return r == -ENOENT ? 0 : r;
	}
	if (!slot) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			struct blockdev *p = realloc(t->v, cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			t->v = p;
			t->cap = cap;
		}
		slot = &t->v[t->n++];
	}
	*slot = d;
	return 0;
}

int devtab_scan(struct context *ctx, struct devtab *t)
{
	char path[PATH_MAX];
	DIR *dir;
	struct dirent *de;
	int r = sysfs_path(ctx, "class/block", path, sizeof(path));

	if (r < 0)
		return r;
	dir = opendir(path);
	if (!dir)
		return negerrno();
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		r = devtab_update(ctx, t, de->d_name);
		if (r < 0 && r != -EINVAL)
			break;
		r = 0;
	}
	closedir(dir);
	return r;
}

void devtab_free(struct devtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].node);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int devtab_add_path(struct context *ctx, struct devtab *t, const char *spec)
{
	char path[PATH_MAX], real[PATH_MAX], rel[300];
	const char *base;

	if (spec[0] != '/' ||
	    snprintf(path, sizeof(path), "%s%s", ctx->devroot, spec) >=
		    (int)sizeof(path) ||
	    !realpath(path, real))
		return 0;
	base = strrchr(real, '/') + 1;
	snprintf(rel, sizeof(rel), "class/block/%s", base);
	if (devtab_find_name(t, base) || !sysfs_exists(ctx, rel))
		return 0;
	return devtab_update(ctx, t, base);
}

const struct blockdev *devtab_find_name(const struct devtab *t,
					const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

/* Does a path name d? Symlinks followed; device numbers (or inodes) compared. */
static bool path_names(const struct stat *st, const struct blockdev *d)
{
	if (S_ISBLK(st->st_mode))
		return major(st->st_rdev) == d->major &&
		       minor(st->st_rdev) == d->minor;
	return st->st_dev == d->file_dev && st->st_ino == d->file_ino;
}

static const struct {
	const char *prefix;
	size_t off;
	bool fold; /* UUIDs are hex: any case; labels: exactly */
} tags[] = {
	{ "UUID=", offsetof(struct blockdev, fs_uuid), true },
	{ "LABEL=", offsetof(struct blockdev, fs_label), false },
	{ "PARTUUID=", offsetof(struct blockdev, part_uuid), true },
	{ "PARTLABEL=", offsetof(struct blockdev, part_label), false },
};

/* Does a tag name d? -1 if spec is not a tag. */
static int tag_names(const char *spec, const struct blockdev *d)
{
	for (size_t k = 0; k < ARRAY_SIZE(tags); k++) {
		size_t plen = strlen(tags[k].prefix);
		const char *v = (const char *)d + tags[k].off;

		if (strncmp(spec, tags[k].prefix, plen))
			continue;
		if (!*v)
			return 0;
		return tags[k].fold ? !strcasecmp(v, spec + plen) :
				      !strcmp(v, spec + plen);
	}
	return -1;
}

int devtab_lookup(struct context *ctx, const struct devtab *t,
		  const char *spec, const struct blockdev **out)
{
	char path[PATH_MAX];
	struct stat st;
	bool is_path = spec[0] == '/';
	int n = 0;

	*out = NULL;
	if (is_path && (snprintf(path, sizeof(path), "%s%s", ctx->devroot,
				 spec) >= (int)sizeof(path) ||
			stat(path, &st) < 0))
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct blockdev *d = &t->v[i];

		if (d->is_bcache)
			continue;
		if (is_path ? !path_names(&st, d) : tag_names(spec, d) != 1)
			continue;
		if (!n++)
			*out = d;
	}
	return n;
}

const struct blockdev *devtab_find(struct context *ctx,
				   const struct devtab *t, const char *spec)
{
	const struct blockdev *d;

	/* a tag two devices carry (a cloned disk) names neither */
	return devtab_lookup(ctx, t, spec, &d) == 1 ? d : NULL;
}

bool blockdev_is_cache_of(const struct blockdev *d, const uint8_t cset[16])
{
	return d->sb_status == 0 && !sb_is_backing(&d->sb) &&
	       !memcmp(d->sb.set_uuid, cset, 16);
}

bool blockdev_matches(struct context *ctx, const struct devtab *t,
		      const struct blockdev *d, const char *spec,
		      const struct aliases *al)
{
	const char *rel = !strncmp(spec, "/dev/", 5) ? spec + 5 : NULL;
	char path[PATH_MAX];
	struct stat st;

	(void)t;
	if (d->is_bcache)
		return false;
	if (spec[0] != '/')
		return tag_names(spec, d) == 1;
	if (snprintf(path, sizeof(path), "%s%s", ctx->devroot, spec) <
		    (int)sizeof(path) &&
	    stat(path, &st) == 0 && path_names(&st, d))
		return true;
	for (int i = 0; rel && al && i < al->n; i++) {
		const char *a = al->v[i];

		if (!strncmp(a, "/dev/", 5))
			a += 5;
		if (!strcmp(a, rel))
			return true;
	}
	return false;
}
