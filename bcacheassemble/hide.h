/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bcachetab.h"
#include "devices.h"

/*
 * Which disks udev must hide, read leniently and failing closed: every line
 * of bcachetab that says 'raw' (or carries serial=), valid or not, from a
 * file that assembly may otherwise refuse (bad owner or mode, bad lines,
 * rd.bcache=0, rd.bcache.conf=0). A raw disk carries its volume's
 * filesystem; whatever else is wrong, it must not be found and mounted.
 */
struct hide_spec {
	char name[BT_NAME_MAX + 1];
	char device[BT_DEVICE_MAX];
	char serial[BT_SERIAL_MAX + 1];
};

struct hidelist {
	struct hide_spec *v;
	size_t n;
};

/* Only a regular file is read, and at most 4 MiB of it: -EINVAL, -EFBIG. */
int hide_load(const char *path, struct hidelist *h) _must_check_;
void hide_free(struct hidelist *h);
/* The spec that hides d (d itself, or the whole disk of partition d). */
const struct hide_spec *hide_match(struct context *ctx, const struct devtab *t,
				   const struct hidelist *h,
				   const struct blockdev *d,
				   const struct aliases *al);
