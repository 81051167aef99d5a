/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define BT_NAME_MAX 32
#define BT_LABEL_MAX 32
#define BT_DEVICE_MAX 256
#define BT_TUNABLES_MAX 8
#define BT_SERIAL_MAX 64
#define BT_LINE_MAX 4096
#define BT_FILE_MAX (4u << 20) /* bytes */

/* bcache cache modes, in BDEV_CACHE_MODE order. */
enum cache_mode {
	MODE_UNSET = -1,
	MODE_WRITETHROUGH = 0,
	MODE_WRITEBACK = 1,
	MODE_WRITEAROUND = 2,
	MODE_NONE = 3,
};

struct bt_tunable {
	const char *attr;   /* sysfs attribute under bcacheN/bcache/ */
	char value[32];     /* normalised value written to it */
};

/* One bcachetab line. Unset numbers are 0 with their has_ flag false. */
struct bt_entry {
	unsigned line;
	char name[BT_NAME_MAX + 1];
	char device[BT_DEVICE_MAX];
	bool has_cset;
	uint8_t cset[16];

	bool raw, nofail, noauto, initrd;
	bool netdev;          /* _netdev: its disk comes with the network */
	/*
	 * stale: the volume ran without its cache set since the set last saw
	 * it, so the set's copy of its blocks must never be served: the next
	 * registration says state=stale (raw volumes only).
	 */
	bool stale;
	char serial[BT_SERIAL_MAX + 1]; /* identity check, "" = none */
	bool has_uuid;
	uint8_t uuid[16];
	enum cache_mode mode;
	bool has_label;
	char label[BT_LABEL_MAX + 1];
	bool has_data_offset;
	uint64_t data_offset; /* sectors */
	unsigned block;       /* bytes, 0 = kernel default */
	uint64_t size;        /* sectors, 0 = not checked */
	bool has_timeout, has_wait;
	unsigned timeout, wait; /* seconds */
	struct bt_tunable tunables[BT_TUNABLES_MAX];
	unsigned n_tunables;
};

struct bt_error {
	unsigned line;
	char msg[200];
};

struct bcachetab {
	struct bt_entry *entries;
	size_t n_entries;
	struct bt_error *errors;
	size_t n_errors;
};

/* Parse a whole file's text; bad lines go to tab->errors and are skipped. */
int bcachetab_parse(const char *text, size_t len, struct bcachetab *tab)
	_must_check_;
/*
 * The whole file, if it is a regular file of at most BT_FILE_MAX bytes
 * (-EINVAL, -EFBIG otherwise); opened without blocking on a FIFO.
 */
int bt_read_file(const char *path, char **text, size_t *len) _must_check_;
/* Read and parse a file; -ENOENT if it does not exist. */
int bcachetab_load(const char *path, struct bcachetab *tab) _must_check_;
/* Whole-file checks: duplicate names, devices and uuids, as errors. */
int bcachetab_check_duplicates(struct bcachetab *tab) _must_check_;
/*
 * The file must be owned by root (or by the caller) and writable by nobody
 * else: -EPERM with *why set otherwise.
 */
int bcachetab_check_owner(const char *path, const char **why) _must_check_;
void bcachetab_free(struct bcachetab *tab);

const struct bt_entry *bcachetab_find(const struct bcachetab *tab,
				      const char *name);

/* Parse one line into e; returns 0, 1 for blank/comment, -EINVAL with msg. */
int bt_parse_line(const char *line, unsigned lineno, struct bt_entry *e,
		  char *msg, size_t msglen);
/* Options field ("raw,uuid=...") into e; -EINVAL with msg. */
int bt_parse_options(const char *opts, struct bt_entry *e, char *msg,
		     size_t msglen);
/* Consistency rules across fields of one entry. */
int bt_validate_entry(const struct bt_entry *e, char *msg, size_t msglen);
/* Canonical text of an entry, without the trailing newline. */
int bt_format_entry(const struct bt_entry *e, char *buf, size_t len);
bool bt_name_valid(const char *name);
/* Format a parse error into msg; returns -EINVAL. */
int bt_fail(char *msg, size_t msglen, const char *fmt, ...) _printf_(3, 4);
bool bt_label_valid(const char *label);
bool bt_serial_valid(const char *serial);

const char *cache_mode_name(enum cache_mode m);
enum cache_mode cache_mode_from_name(const char *s);
