/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "context.h"
#include "macro.h"

/*
 * The bootloader reads a raw volume's disk, not bcacheN. After boot files
 * change on such a volume (a kernel or initramfs install), the disk must
 * hold what the file system holds before the next boot.
 */

/*
 * sync(), keep the volume of backing device dev out of writeback, and write
 * back whatever dirty data it still holds (at full speed), waiting up to
 * timeout seconds. *dirty_kib: the dirty data found. -ETIMEDOUT when the
 * cache still holds dirty data at the deadline.
 */
int volume_drain(struct context *ctx, const char *dev, unsigned timeout,
	       uint64_t *dirty_kib) _must_check_;

/*
 * Compare file, block by block (FIEMAP), with the raw disk at
 * offset + the file system's physical address: what a bootloader reading
 * raw would load. 0 when equal; -EIO (*bad: the first differing byte of
 * the file) when not; -EOPNOTSUPP when the file system cannot map it.
 */
int boot_verify_file(const char *file, const char *raw, uint64_t offset,
		     uint64_t *bad) _must_check_;

/* The regular files directly in dir (what a bootloader loads from /boot). */
int boot_list_files(const char *dir, char ***out) _must_check_;
void boot_free_files(char **v, int n);
