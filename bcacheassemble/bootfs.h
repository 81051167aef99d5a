/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "context.h"
#include "devices.h"

/*
 * Does a file system the firmware or bootloader reads (/boot/efi, /efi,
 * /boot, or / when /boot is no mount of its own and holds files) live
 * on the bcache
 * device of backing device dev? The bootloader reads the raw disk, so such
 * a volume must never hold dirty data (bcacheassemble(8), "/boot").
 * From ctx->mountinfo; false when that cannot be read.
 */
bool holds_boot(struct context *ctx, const char *dev);

/*
 * Is disk d in use: mounted (per ctx->mountinfo), or held by another
 * block device (sysfs holders/)? what: "mounted on /", "held by dm-0 ...".
 */
bool disk_in_use(struct context *ctx, const struct blockdev *d, char *what,
		 size_t len);
/* Is disk d mounted, and where? */
bool disk_mounted(struct context *ctx, const struct blockdev *d, char *where,
		  size_t len);
/* Is the bcache device of backing device dev mounted, and where? */
bool volume_mounted(struct context *ctx, const char *dev, char *where,
		    size_t len);
/*
 * Is any file system the firmware or bootloader reads on a bcache device?
 * From mountinfo and sysfs alone: no device is probed.
 */
bool boot_on_bcache(struct context *ctx);
