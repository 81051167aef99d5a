/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "bcachetab.h"
#include "context.h"
#include "devices.h"
#include "kernel.h"

/* Seconds, for lines without timeout= (device) and wait= (cache set). */
#define DEFAULT_TIMEOUT 30
#define DEFAULT_WAIT 30

enum vol_status {
	VOL_PENDING, /* device or cache set not seen yet */
	VOL_RUNNING, /* bcacheN exists */
	VOL_HELD,    /* registered, waiting for its cache set */
	VOL_FAILED,
};

struct volume {
	const struct bt_entry *e;
	enum vol_status status;
	int err;
	char why[256];
	char dev[64];       /* kernel name of the backing device */
	bool registered;    /* registered by this run */
	bool reg_cold;      /* ... with state=stale: its attach is cold */
	bool no_wait;       /* registered if present, never waited for */
	bool no_raw;        /* held: the module has no register_raw */
	int64_t dev_deadline, cset_deadline;
};

struct assembly {
	struct context *ctx;
	struct devtab devs;
	struct volume *vols;
	size_t n;
	int uevent_fd;
	unsigned default_timeout; /* seconds, for entries without timeout= */
	unsigned default_wait;
	bool may_edit;            /* holds the lock: may change bcachetab */
	bool may_scan;            /* may probe every disk (not from udev) */
	bool named;               /* volumes named by the admin or a unit */
	bool scanned;             /* every disk probed */
};

/* Exit codes (bcacheassemble(8)). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_CONFIG = 2,
	EXIT_HELD = 3,
};

int assembly_init(struct assembly *a, struct context *ctx) _must_check_;
void assembly_free(struct assembly *a);
/* no_wait: take the volume if its device is there, but do not wait. */
int assembly_add(struct assembly *a, const struct bt_entry *e, bool no_wait)
	_must_check_;
/* Run until every volume is final or its deadline passed. */
int assembly_run(struct assembly *a) _must_check_;
/* One pass over the volumes, no waiting (udev --incremental). */
void assembly_step_all(struct assembly *a);
int assembly_exit_code(const struct assembly *a);

/* Best effort: failures are logged, the set's presence is what counts. */
void register_cache_set(struct assembly *a, const uint8_t cset[16],
			bool *present);
/* Could the cache set hold data of this volume that is not on the disk? */
/* Make the line follow the kernel toward the safe side; -errno if it cannot. */
int volume_reconcile(struct context *ctx, const char *dev, struct bt_entry *e,
		     const struct kview *k, bool may_edit) _must_check_;
bool volume_may_hold_dirty(struct context *ctx, const struct bt_entry *e,
			   const struct blockdev *d);
