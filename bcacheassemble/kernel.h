/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "policy.h"

/*
 * bcache as sysfs shows it: every read and write of a backing device's
 * bcache attributes goes through here (paths relative to ctx->sysfs).
 */
int kattr_read(struct context *ctx, const char *dev, const char *attr,
	       char *buf, size_t len) _must_check_;
int kattr_write(struct context *ctx, const char *dev, const char *attr,
		const char *text) _must_check_;

bool backing_registered(struct context *ctx, const char *dev);
bool backing_running(struct context *ctx, const char *dev);
bool backing_attached(struct context *ctx, const char *dev, char *cset,
		      size_t len);
bool cache_set_present(struct context *ctx, const uint8_t cset[16]);
/* A cache device (by its block device name) is part of a registered set. */
bool cache_registered(struct context *ctx, const char *dev);

/* /sys/fs/bcache/register with a formatted device's node. */
int kernel_register(struct context *ctx, const char *node) _must_check_;
/* The loaded bcache module has /sys/fs/bcache/register_raw (ours). */
bool kernel_has_register_raw(struct context *ctx);
/* /sys/fs/bcache/register_raw with a line from rawline_format(). */
int kernel_register_raw(struct context *ctx, const char *line) _must_check_;
/* Everything policy.c needs to know from the kernel about dev. */
void kview_read(struct context *ctx, const char *dev, struct kview *k);
/* sysfs cache_mode reads "writethrough [writeback] writearound none". */
enum cache_mode kmode_parse(const char *text);
