/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "bcachetab.h"
#include "macro.h"

/*
 * Change one volume's line of bcachetab atomically: the file is rewritten to
 * a temporary file beside it, synced, renamed over it and the directory
 * synced. Every other byte (comments, alignment, other lines) is kept. A
 * symlinked bcachetab is edited at its target, with the target's owner,
 * group and mode.
 *   old, new: replace old's line with new
 *   old, NULL: delete old's line
 *   NULL, new: append new (the file is created, mode 0644, if missing)
 * Lines are found by name, never by number, and compared before the swap:
 * -ESTALE if old's line no longer reads as old (edited in between),
 * -ENOENT if it is gone, -EEXIST when appending a name already there.
 * On any error the file is unchanged.
 */
int tabedit_apply(const char *path, const struct bt_entry *old,
		  const struct bt_entry *new) _must_check_;
