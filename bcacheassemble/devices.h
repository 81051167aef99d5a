/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bcachetab.h"
#include "context.h"
#include "superblock.h"

/* What assembly knows about one block device. */
struct blockdev {
	char name[64];        /* kernel name: "vdb", "sda1" */
	char *node;           /* device node, under ctx->devroot */
	dev_t file_dev;       /* identity of the node file (for image files */
	ino_t file_ino;       /* standing in for devices in tests) */
	unsigned major, minor;
	uint64_t size;        /* 512-byte sectors */
	bool is_bcache;       /* a bcacheN device itself */
	int sb_status;        /* sb_read() result */
	struct bcache_sb sb;
	char fs_uuid[64], fs_label[64], part_uuid[64], part_label[64];
	char fs_type[32];
	char parent[64];      /* whole disk of a partition, "" otherwise */
	char serial[BT_SERIAL_MAX + 1]; /* WWN or serial (-partN), normalised */
};

struct devtab {
	struct blockdev *v;
	size_t n, cap;
};

void blockdev_read_serial(struct context *ctx, const char *name, char *out,
			  size_t len);
/* Enumerate <sysfs>/class/block and probe each device once. */
int devtab_scan(struct context *ctx, struct devtab *t) _must_check_;
/* Add or re-probe one device by kernel name (after a uevent). */
int devtab_update(struct context *ctx, struct devtab *t, const char *name)
	_must_check_;
void devtab_free(struct devtab *t);
/*
 * Probe the device a bcachetab path names (symlinks resolved to the kernel
 * name), if it is not in t yet; tags are not resolved here. For the udev
 * path, which must not probe every disk at every event.
 */
int devtab_add_path(struct context *ctx, struct devtab *t, const char *spec)
	_must_check_;

/*
 * Resolve a bcachetab device field: a path (symlinks followed, compared by
 * device number or, for image files in tests, by real path) or a tag.
 * bcacheN devices never match: they show the same filesystem as a raw disk.
 */
const struct blockdev *devtab_find(struct context *ctx,
				   const struct devtab *t, const char *spec);
/* How many devices spec names (0, 1, or more for a cloned tag); *out the first. */
int devtab_lookup(struct context *ctx, const struct devtab *t,
		  const char *spec, const struct blockdev **out) _must_check_;
const struct blockdev *devtab_find_name(const struct devtab *t,
					const char *name);
bool blockdev_is_cache_of(const struct blockdev *d, const uint8_t cset[16]);

/*
 * Names udev has for a device while it processes its event ($links: paths
 * relative to /dev, not created yet), so that a bcachetab path such as
 * /dev/disk/by-id/X can be matched during that event.
 */
struct aliases {
	char *const *v;
	int n;
};

/* Does the bcachetab device field name d (directly or by an alias)? */
bool blockdev_matches(struct context *ctx, const struct devtab *t,
		      const struct blockdev *d, const char *spec,
		      const struct aliases *al);
