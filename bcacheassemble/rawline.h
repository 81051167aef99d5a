/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "bcachetab.h"
#include "superblock.h"

/*
 * The text written to /sys/fs/bcache/register_raw for a raw entry:
 *   dev=MAJ:MIN uuid=U [cset=C] mode=M state=S [label=L] [data_offset=N]
 *   [block=B] [dirty=discard]
 * dev= is the device number, so the kernel never resolves a path of ours.
 * discard (only with state=stale) lets the kernel drop the dirty data the
 * set holds for the volume; without it the kernel refuses (EUCLEAN).
 */
int rawline_format(const struct bt_entry *e, unsigned major, unsigned minor,
		   enum bdev_state state, enum cache_mode mode, bool discard,
		   char *buf, size_t len) _must_check_;
