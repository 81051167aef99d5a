/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "macro.h"

/* All paths are relative to ctx->sysfs, e.g. "fs/bcache/register". */
int sysfs_read(struct context *ctx, const char *rel, char *buf, size_t len)
	_must_check_;
int sysfs_write(struct context *ctx, const char *rel, const char *text)
	_must_check_;
bool sysfs_exists(struct context *ctx, const char *rel);
/* Last path component of a symlink's target ("bcache0", a cset UUID). */
int sysfs_link_name(struct context *ctx, const char *rel, char *buf,
		    size_t len) _must_check_;
int sysfs_path(struct context *ctx, const char *rel, char *buf, size_t len)
	_must_check_;
