/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "macro.h"

/*
 * Persistent facts a raw disk cannot hold. A "stale mark" for a backing UUID
 * records that the volume ran without its cache set, so the cache's copy of
 * its blocks must never be served again: the next registration says
 * state=stale. Marks live in ctx->statedir/stale/UUID; when that is not
 * writable yet (root still read-only in the initramfs), in
 * ctx->rundir/stale/UUID, moved to statedir by state_handoff() later.
 */
int state_mark_stale(struct context *ctx, const uint8_t uuid[16],
		     const char *why) _must_check_;
bool state_is_stale(struct context *ctx, const uint8_t uuid[16]);
/* Returns 1 if a mark was removed from statedir, 0 if none, or -errno. */
int state_clear_stale(struct context *ctx, const uint8_t uuid[16])
	_must_check_;
/*
 * Move marks from rundir to statedir: the number moved, or -errno. With
 * statedir_ro (initramfs) marks go to rundir only and nothing is moved.
 */
int state_handoff(struct context *ctx) _must_check_;
/*
 * The initramfs holds copies of bcachetab and the stale marks: after either
 * changed for a volume assembled there, flag (rundir/rebuild-initramfs) that
 * the image must be rebuilt; bcacheassemble-initramfs.service does it.
 */
int state_flag_rebuild(struct context *ctx, const char *why) _must_check_;
