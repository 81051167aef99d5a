/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "context.h"

/*
 * A fake sysfs and /dev under a temporary directory, with a sysfs write hook
 * that behaves like bcache in the ways assembly depends on: registration of
 * cache and backing devices, holding CLEAN/DIRTY backing devices back until
 * their set appears, attach, running, stop, detach. Every write is recorded;
 * one path can be made to fail with an injected errno.
 */
#define FK_MAX_WRITES 64

struct fk_write {
	char path[128];
	char text[512];
};

struct fk {
	char root[256];
	struct context ctx;
	struct fk_write writes[FK_MAX_WRITES];
	unsigned n_writes;
	char fail_path[128];
	int fail_err;          /* returned (negative) for writes to fail_path */
	bool fail_once;
	unsigned next_bcache;
	bool detach_leaves_dirty; /* detach does not finish writeback */
};

void fk_init(struct fk *fk);
void fk_cleanup(struct fk *fk);
/* A disk: kind is "empty", "ext4" (a blkid-visible fs) or a fixture path. */
void fk_add_disk(struct fk *fk, const char *name, unsigned major,
		 unsigned minor, uint64_t sectors, const char *image);
void fk_write_file(struct fk *fk, const char *rel, const char *text);
const char *fk_read_file(struct fk *fk, const char *rel);
/* Index of the first recorded write to path (substring), or -1. */
int fk_find_write(struct fk *fk, const char *path);
int fk_count_writes(struct fk *fk, const char *path);
bool fk_exists(struct fk *fk, const char *rel);
/* Register a cache set whose devices are not visible (a "present" set). */
void fk_add_cache_set(struct fk *fk, const char *cset);
