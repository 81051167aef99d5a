/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define SB_SECTOR 8
#define SB_OFFSET_BYTES 4096
#define SB_READ_BYTES 4096
#define SB_DATA_START_DEFAULT 16

enum sb_version {
	SB_VERSION_CDEV = 0,
	SB_VERSION_BDEV = 1,
	SB_VERSION_CDEV_WITH_UUID = 3,
	SB_VERSION_BDEV_WITH_OFFSET = 4,
	SB_VERSION_CDEV_WITH_FEATURES = 5,
	SB_VERSION_BDEV_WITH_FEATURES = 6,
};

enum bdev_state { BDEV_NONE = 0, BDEV_CLEAN = 1, BDEV_DIRTY = 2,
		  BDEV_STALE = 3 };

/* A decoded bcache superblock (host byte order). */
struct bcache_sb {
	uint64_t csum, csum_computed;
	uint64_t offset, version;
	uint8_t uuid[16], set_uuid[16];
	char label[33];
	uint64_t flags, seq;
	uint64_t feature_compat, feature_incompat, feature_ro_compat;
	uint64_t nbuckets;    /* cache */
	uint64_t data_offset; /* backing, in sectors */
	uint16_t block_size, bucket_size, nr_in_set, nr_this_dev;
	uint32_t last_mount;
	uint16_t first_bucket, keys;
	bool csum_ok;
};

uint64_t bch_crc64(const void *p, size_t len);

/*
 * Decode the 4 KiB at byte 4096 of a device. Returns 0 for a valid backing or
 * cache superblock, -ENODATA when there is none (wrong magic or offset),
 * -EBADMSG for a bad checksum (sb is still filled, csum_ok false), -EINVAL for
 * impossible fields. Never reads past len.
 */
int sb_decode(const uint8_t *buf, size_t len, struct bcache_sb *sb)
	_must_check_;
/* Read and decode from a file or device. -ENODATA if too short. */
int sb_read(const char *path, struct bcache_sb *sb) _must_check_;

bool sb_is_backing(const struct bcache_sb *sb);
unsigned sb_cache_mode(const struct bcache_sb *sb);
unsigned sb_bdev_state(const struct bcache_sb *sb);
const char *sb_state_name(unsigned state);
