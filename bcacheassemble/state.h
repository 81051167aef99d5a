/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "macro.h"

/*
 * Run marks: the one fact bcachetab cannot hold yet. A volume started
 * without its cache set inside the initramfs (where /etc is the image's copy)
 * gets a mark ctx->rundir/stale/UUID; /run survives the switch to the real
 * root, whose first --scan writes 'stale' into the volume's bcachetab line
 * and only then removes the mark. Everything else lives in bcachetab.
 */
int state_run_mark(struct context *ctx, const uint8_t uuid[16]) _must_check_;
/* 1 marked, 0 not, -errno when that cannot be told (caller refuses). */
int state_run_marked(struct context *ctx, const uint8_t uuid[16])
	_must_check_;
int state_run_unmark(struct context *ctx, const uint8_t uuid[16])
	_must_check_;
/*
 * Cold marks: the volume was registered with state=stale in this boot (by
 * the initramfs), so its attach invalidated the set's old copy; the real
 * root may then drop 'stale' from its line. Volatile by design.
 */
int state_cold_mark(struct context *ctx, const uint8_t uuid[16]) _must_check_;
bool state_cold_marked(struct context *ctx, const uint8_t uuid[16]);
/* Every marked uuid, into *out (malloc'd): the count, or -errno. */
int state_run_marks(struct context *ctx, uint8_t (**out)[16]) _must_check_;

/*
 * The initramfs images carry a copy of bcachetab. When a line of an
 * 'initrd' volume changed toward the safe side, the images can follow later:
 * a persistent flag (ctx->imageflag, on the same file system as bcachetab)
 * says they must be rebuilt: the command that changed the line rebuilds
 * them when it ends, and bcacheassemble-initramfs.service (after
 * multi-user.target) any that a boot finds outdated. Changes
 * toward the unsafe side rebuild the images first (images_update()).
 */
int images_flag_outdated(struct context *ctx, const char *why) _must_check_;
bool images_outdated(struct context *ctx);
/* Run ctx->update_images (every installed image); clears the flag. */
int images_update(struct context *ctx) _must_check_;

struct bt_entry;
/*
 * Change a volume's bcachetab line (tabedit_apply()). For an 'initrd'
 * volume the images flag is raised first, so that no crash can leave a
 * changed line whose images are not marked outdated.
 */
int record_line(struct context *ctx, const struct bt_entry *old,
		const struct bt_entry *new) _must_check_;
