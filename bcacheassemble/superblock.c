// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcache superblock reader (struct cache_sb_disk, bcache_ondisk.h). libblkid
 * recognises bcache but exposes neither the cache set UUID nor the backing
 * state, which assembly needs.
 */
#include "superblock.h"

#include <endian.h>
#include <fcntl.h>
#include <string.h>

/* Offsets in struct cache_sb_disk. */
enum {
	O_CSUM = 0, O_OFFSET = 8, O_VERSION = 16, O_MAGIC = 24, O_UUID = 40,
	O_SET_UUID = 56, O_LABEL = 72, O_FLAGS = 104, O_SEQ = 112,
	O_FEAT_COMPAT = 120, O_FEAT_INCOMPAT = 128, O_FEAT_RO_COMPAT = 136,
	O_NBUCKETS = 184, O_BLOCK_SIZE = 192, O_BUCKET_SIZE = 194,
	O_NR_IN_SET = 196, O_NR_THIS_DEV = 198, O_LAST_MOUNT = 200,
	O_FIRST_BUCKET = 204, O_KEYS = 206, O_D = 208,
	JOURNAL_BUCKETS = 256,
};

static const uint8_t bcache_magic[16] = {
	0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca,
	0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81,
};

/* CRC-64 ECMA-182, MSB first, as the kernel's crc64_be. */
uint64_t bch_crc64(const void *p, size_t len)
{
	static uint64_t table[256];
	static bool ready;
	const uint8_t *b = p;
	uint64_t crc = ~0ULL;

	if (!ready) {
		for (unsigned i = 0; i < 256; i++) {
			uint64_t c = (uint64_t)i << 56;

			for (int k = 0; k < 8; k++)
				c = (c << 1) ^
				    ((c >> 63) ? 0x42F0E1EBA9EA3693ULL : 0);
			table[i] = c;
		}
		ready = true;
	}
	while (len--)
		crc = table[((crc >> 56) ^ *b++) & 0xff] ^ (crc << 8);
	return ~crc;
}

static uint64_t le64(const uint8_t *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, 8);
	return le64toh(v);
}

static uint32_t le32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, 4);
	return le32toh(v);
}

static uint16_t le16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, 2);
	return le16toh(v);
}

bool sb_is_backing(const struct bcache_sb *sb)
{
	return sb->version == SB_VERSION_BDEV ||
	       sb->version == SB_VERSION_BDEV_WITH_OFFSET ||
	       sb->version == SB_VERSION_BDEV_WITH_FEATURES;
}

static bool version_known(uint64_t v)
{
	return v == SB_VERSION_CDEV || v == SB_VERSION_CDEV_WITH_UUID ||
	       v == SB_VERSION_CDEV_WITH_FEATURES || v == SB_VERSION_BDEV ||
	       v == SB_VERSION_BDEV_WITH_OFFSET ||
	       v == SB_VERSION_BDEV_WITH_FEATURES;
}

unsigned sb_cache_mode(const struct bcache_sb *sb)
{
	return (unsigned)(sb->flags & 0xf);
}

unsigned sb_bdev_state(const struct bcache_sb *sb)
{
	return (unsigned)((sb->flags >> 61) & 3);
}

const char *sb_state_name(unsigned state)
{
	static const char *const names[] = { "detached", "clean", "dirty",
					     "inconsistent" };

	return state < 4 ? names[state] : "unknown";
}

static void decode_fields(const uint8_t *buf, struct bcache_sb *sb)
{
	sb->csum = le64(buf, O_CSUM);
	sb->offset = le64(buf, O_OFFSET);
	sb->version = le64(buf, O_VERSION);
	memcpy(sb->uuid, buf + O_UUID, 16);
	memcpy(sb->set_uuid, buf + O_SET_UUID, 16);
	memcpy(sb->label, buf + O_LABEL, 32);
	sb->label[32] = 0;
	sb->flags = le64(buf, O_FLAGS);
	sb->seq = le64(buf, O_SEQ);
	sb->feature_compat = le64(buf, O_FEAT_COMPAT);
	sb->feature_incompat = le64(buf, O_FEAT_INCOMPAT);
	sb->feature_ro_compat = le64(buf, O_FEAT_RO_COMPAT);
	sb->nbuckets = le64(buf, O_NBUCKETS);
	sb->block_size = le16(buf, O_BLOCK_SIZE);
	sb->bucket_size = le16(buf, O_BUCKET_SIZE);
	sb->nr_in_set = le16(buf, O_NR_IN_SET);
	sb->nr_this_dev = le16(buf, O_NR_THIS_DEV);
	sb->last_mount = le32(buf, O_LAST_MOUNT);
	sb->first_bucket = le16(buf, O_FIRST_BUCKET);
	sb->keys = le16(buf, O_KEYS);
}

int sb_decode(const uint8_t *buf, size_t len, struct bcache_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	if (len < O_D + JOURNAL_BUCKETS * 8)
		return -ENODATA;
	if (memcmp(buf + O_MAGIC, bcache_magic, 16))
		return -ENODATA;
	decode_fields(buf, sb);
	if (sb->offset != SB_SECTOR)
		return -ENODATA;
	if (!version_known(sb->version))
		return -EINVAL;
	/* keys bounds the checksummed area: check it before using it. */
	if (sb->keys > JOURNAL_BUCKETS)
		return -EINVAL;
	sb->csum_computed = bch_crc64(buf + 8, O_D + (size_t)sb->keys * 8 - 8);
	sb->csum_ok = sb->csum_computed == sb->csum;
	if (sb_is_backing(sb))
		sb->data_offset = sb->version == SB_VERSION_BDEV ?
					  SB_DATA_START_DEFAULT :
					  le64(buf, O_NBUCKETS);
	if (!sb->csum_ok)
		return -EBADMSG;
	if (sb_is_backing(sb) && sb->data_offset < SB_DATA_START_DEFAULT)
		return -EINVAL;
	return 0;
}

int sb_read(const char *path, struct bcache_sb *sb)
{
	uint8_t buf[SB_READ_BYTES];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	memset(sb, 0, sizeof(*sb));
	if (fd < 0)
		return negerrno();
	n = pread(fd, buf, sizeof(buf), SB_OFFSET_BYTES);
	if (n < 0)
		return negerrno();
	return sb_decode(buf, (size_t)n, sb);
}
