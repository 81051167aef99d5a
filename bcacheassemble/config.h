/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "bcachetab.h"
#include "context.h"

/*
 * Load bcachetab for any mode, with the same rules everywhere: a file others
 * can write is refused, bad lines are reported as FILE:LINE and skipped, later
 * duplicates are dropped. Returns EXIT_OK, EXIT_CONFIG (bad lines; the good
 * ones are in tab), or -errno when there is nothing to use (unsafe or
 * unreadable file; already reported). missing_ok: no file is an empty table.
 */
int config_load(struct context *ctx, struct bcachetab *tab, bool missing_ok);

struct devtab;
/*
 * Checks that need the devices: a tag naming two devices, and one disk
 * listed twice under two spellings. Each is reported as FILE:LINE; returns
 * how many, or -errno.
 */
int config_check_devices(struct context *ctx, const struct bcachetab *tab,
			 const struct devtab *devs) _must_check_;
