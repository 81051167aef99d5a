/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "macro.h"

/*
 * Durable file system steps. A new directory entry is durable only once its
 * parent directory is synced, so every helper here syncs the parents it
 * changed.
 */
int fs_mkdir_p(const char *path, mode_t mode) _must_check_;
int fs_sync_dir(const char *dir) _must_check_;
/* fsync the directory that holds path. */
int fs_sync_parent(const char *path) _must_check_;
