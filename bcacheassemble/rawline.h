/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "bcachetab.h"
#include "superblock.h"

/*
 * The text written to /sys/fs/bcache/register_raw for a raw entry:
 *   dev=MAJ:MIN uuid=U [cset=C] mode=M state=S [label=L] [data_offset=N]
 *   [block=B]
 * dev= is the device number, so the kernel never resolves a path of ours.
 */
int rawline_format(const struct bt_entry *e, unsigned major, unsigned minor,
		   enum bdev_state state, enum cache_mode mode, char *buf,
		   size_t len) _must_check_;
