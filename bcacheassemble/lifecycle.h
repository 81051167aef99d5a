/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bcachetab.h"
#include "context.h"

/*
 * Lifecycle modes: each changes the kernel and bcachetab together, in the
 * order that keeps bcachetab safe if the tool dies between the two steps.
 * They return an exit code (assemble.h) and print their own messages.
 */
struct lifecycle_args {
	const char *name;
	const char *device;     /* --create */
	const char *cset;       /* --create, --attach */
	const char *options;    /* --create: extra bcachetab options */
	const char *value;      /* --set-mode, --set-label */
	bool force;
	bool next_boot;         /* --create: a disk in use, registered at the
				 * next boot */
	bool last_resort;       /* --run from a last-resort timer: a volume
				 * that may hold dirty data is left waiting */
	unsigned timeout;       /* seconds to wait for drain/attach */
};

int do_create(struct context *ctx, const struct lifecycle_args *args);
int do_attach(struct context *ctx, const struct lifecycle_args *args);
int do_detach(struct context *ctx, const struct lifecycle_args *args);
int do_remove(struct context *ctx, const struct lifecycle_args *args);
int do_set_mode(struct context *ctx, const struct lifecycle_args *args);
int do_set_label(struct context *ctx, const struct lifecycle_args *args);
int do_run(struct context *ctx, const struct lifecycle_args *args);
int do_stop(struct context *ctx, const struct lifecycle_args *args);
/* Is the volume registered and held back (not running)? */
bool volume_held(struct context *ctx, const char *name);

/*
 * sync(), keep the volume of backing device dev out of writeback, and write
 * back whatever dirty data it still holds (at full speed), waiting up to
 * timeout seconds. *dirty_kib: the dirty data found. -ETIMEDOUT when the
 * cache still holds dirty data at the deadline.
 */
int volume_drain(struct context *ctx, const char *dev, unsigned timeout,
	       uint64_t *dirty_kib) _must_check_;

/* Wait (bounded) until the backing device's sysfs state reads want. */
int wait_state(struct context *ctx, const char *dev, const char *want,
	       unsigned timeout);
