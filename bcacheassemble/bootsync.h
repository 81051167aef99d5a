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
 * Compare file, block by block (FIEMAP), with the raw disk at
 * offset + the file system's physical address: what a bootloader reading
 * raw would load. 0 when equal; -EIO (*bad: the first differing byte of
 * the file) when not; -EOPNOTSUPP when the file system cannot map it.
 */
int boot_verify_file(const char *file, const char *raw, uint64_t offset,
		     uint64_t *bad) _must_check_;

/* The regular files directly in dir and dir/grub/grub.cfg: what a
 * bootloader loads from /boot. */
int boot_list_files(const char *dir, char ***out) _must_check_;
void boot_free_files(char **v, int n);
