// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The option field of a bcachetab line: a comma-separated list of flags and
 * key=value pairs, each matched exactly against one table.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "bcachetab.h"
#include "uuidtext.h"

struct opt_def;
typedef int (*opt_parse_fn)(const struct opt_def *d, struct bt_entry *e,
			    const char *val, char *msg, size_t msglen);

struct opt_def {
	const char *name;
	bool takes_value;
	opt_parse_fn parse;
	const char *attr; /* for tunables: sysfs attribute name */
};


/* Plain decimal, no sign, no blanks, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_uint_range(const char *name, const char *val, uint64_t lo,
			    uint64_t hi, uint64_t *out, char *msg,
			    size_t msglen)
{
	if (parse_u64(val, out) < 0 || *out < lo || *out > hi)
		return bt_fail(msg, msglen,
			    "%s=%s: expected a whole number from %" PRIu64
			    " to %" PRIu64,
			    name, val, lo, hi);
	return 0;
}

static int opt_flag(const struct opt_def *d, struct bt_entry *e,
		    const char *val _unused_, char *msg _unused_,
		    size_t msglen _unused_)
{
	if (!strcmp(d->name, "raw"))
		e->raw = true;
	else if (!strcmp(d->name, "nofail"))
		e->nofail = true;
	else if (!strcmp(d->name, "noauto"))
		e->noauto = true;
	else if (!strcmp(d->name, "_netdev"))
		e->netdev = true;
	else if (!strcmp(d->name, "initrd"))
		e->initrd = true;
	else if (!strcmp(d->name, "stale"))
		e->stale = true;
	return 0;
}

static int opt_uuid(const struct opt_def *d _unused_, struct bt_entry *e,
		    const char *val, char *msg, size_t msglen)
{
	if (uuid_from_text(val, e->uuid) < 0)
		return bt_fail(msg, msglen,
			    "uuid=%s is not a UUID (36 characters, "
			    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
			    val);
	if (uuid_is_null(e->uuid))
		return bt_fail(msg, msglen, "uuid= must not be the null UUID");
	e->has_uuid = true;
	return 0;
}

static int opt_mode(const struct opt_def *d _unused_, struct bt_entry *e,
		    const char *val, char *msg, size_t msglen)
{
	e->mode = cache_mode_from_name(val);
	if (e->mode == MODE_UNSET)
		return bt_fail(msg, msglen,
			    "mode=%s: expected writethrough, writeback, "
			    "writearound or none",
			    val);
	return 0;
}

/* A word checked by valid() and copied to out (label=, serial=). */
static int opt_word(const char *name, const char *val, bool (*valid)(const char *),
		    const char *what, char *out, size_t outlen, char *msg,
		    size_t msglen)
{
	if (!valid(val) || strlen(val) >= outlen)
		return bt_fail(msg, msglen, "%s=%s: %s", name, val, what);
	strcpy(out, val);
	return 0;
}

static int opt_label(const struct opt_def *d _unused_, struct bt_entry *e,
		     const char *val, char *msg, size_t msglen)
{
	e->has_label = true;
	return opt_word("label", val, bt_label_valid,
			"1 to 32 characters of A-Z a-z 0-9 and . _ + : @ -",
			e->label, sizeof(e->label), msg, msglen);
}

static int opt_data_offset(const struct opt_def *d, struct bt_entry *e,
			   const char *val, char *msg, size_t msglen)
{
	e->has_data_offset = true;
	return parse_uint_range(d->name, val, 0, UINT64_MAX >> 9,
				&e->data_offset, msg, msglen);
}

static int opt_block(const struct opt_def *d _unused_, struct bt_entry *e,
		     const char *val, char *msg, size_t msglen)
{
	uint64_t v;

	if (parse_u64(val, &v) < 0 ||
	    (v != 512 && v != 1024 && v != 2048 && v != 4096))
		return bt_fail(msg, msglen,
			    "block=%s: expected 512, 1024, 2048 or 4096 (bytes)",
			    val);
	e->block = (unsigned)v;
	return 0;
}

static int opt_size(const struct opt_def *d, struct bt_entry *e,
		    const char *val, char *msg, size_t msglen)
{
	return parse_uint_range(d->name, val, 1, UINT64_MAX >> 9, &e->size,
				msg, msglen);
}

/* What the disk reports as its serial or WWN, blanks made '_' (devices.c). */
static int opt_serial(const struct opt_def *d _unused_, struct bt_entry *e,
		      const char *val, char *msg, size_t msglen)
{
	return opt_word("serial", val, bt_serial_valid,
			"1 to 64 printable characters, no blank or comma",
			e->serial, sizeof(e->serial), msg, msglen);
}

static int opt_seconds(const struct opt_def *d, struct bt_entry *e,
		       const char *val, char *msg, size_t msglen)
{
	uint64_t v;
	int r = parse_uint_range(d->name, val, 0, 86400, &v, msg, msglen);

	if (r < 0)
		return r;
	if (!strcmp(d->name, "timeout") ||
	    !strcmp(d->name, "x-systemd.device-timeout")) {
		if (e->has_timeout)
			return bt_fail(msg, msglen, "timeout= and "
				       "x-systemd.device-timeout= both given");
		e->timeout = (unsigned)v;
		e->has_timeout = true;
	} else {
		e->wait = (unsigned)v;
		e->has_wait = true;
	}
	return 0;
}

static int add_tunable(const struct opt_def *d, struct bt_entry *e,
		       const char *value, char *msg, size_t msglen)
{
	struct bt_tunable *t;

	if (e->n_tunables >= BT_TUNABLES_MAX)
		return bt_fail(msg, msglen, "too many tunables");
	t = &e->tunables[e->n_tunables++];
	t->attr = d->attr;
	snprintf(t->value, sizeof(t->value), "%s", value);
	return 0;
}

/* Bytes with an optional k, M or G suffix (powers of 1024). */
static int opt_tunable_size(const struct opt_def *d, struct bt_entry *e,
			    const char *val, char *msg, size_t msglen)
{
	char num[32], out[32];
	size_t n = strlen(val);
	unsigned shift = 0;
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		goto bad;
	memcpy(num, val, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	}
	if (shift)
		num[n - 1] = 0;
	if (parse_u64(num, &v) < 0 || v > (UINT32_MAX >> shift))
		goto bad;
	snprintf(out, sizeof(out), "%" PRIu64, v << shift);
	return add_tunable(d, e, out, msg, msglen);
bad:
	return bt_fail(msg, msglen,
		    "%s=%s: expected bytes below 4G, optionally with k, M or G",
		    d->name, val);
}

static int opt_tunable_uint(const struct opt_def *d, struct bt_entry *e,
			    const char *val, char *msg, size_t msglen)
{
	uint64_t v;
	uint64_t max = !strcmp(d->name, "writeback_percent") ? 100 : UINT32_MAX;
	int r = parse_uint_range(d->name, val, 0, max, &v, msg, msglen);

	if (r < 0)
		return r;
	return add_tunable(d, e, val, msg, msglen);
}

static int opt_tunable_word(const struct opt_def *d, struct bt_entry *e,
			    const char *val, char *msg, size_t msglen)
{
	static const char *const allowed[][3] = {
		{ "readahead_cache_policy", "all", "meta-only" },
		{ "stop_when_cache_set_failed", "auto", "always" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		if (strcmp(allowed[i][0], d->name))
			continue;
		if (strcmp(val, allowed[i][1]) && strcmp(val, allowed[i][2]))
			return bt_fail(msg, msglen, "%s=%s: expected %s or %s",
				    d->name, val, allowed[i][1], allowed[i][2]);
	}
	return add_tunable(d, e, val, msg, msglen);
}

static const struct opt_def opts[] = {
	{ .name = "raw", .parse = opt_flag },
	{ .name = "nofail", .parse = opt_flag },
	{ .name = "noauto", .parse = opt_flag },
	{ .name = "_netdev", .parse = opt_flag },
	{ .name = "initrd", .parse = opt_flag },
	{ .name = "stale", .parse = opt_flag },
	{ .name = "serial", .takes_value = true, .parse = opt_serial },
	{ .name = "uuid", .takes_value = true, .parse = opt_uuid },
	{ .name = "mode", .takes_value = true, .parse = opt_mode },
	{ .name = "label", .takes_value = true, .parse = opt_label },
	{ .name = "data_offset", .takes_value = true,
	  .parse = opt_data_offset },
	{ .name = "block", .takes_value = true, .parse = opt_block },
	{ .name = "size", .takes_value = true, .parse = opt_size },
	{ .name = "timeout", .takes_value = true, .parse = opt_seconds },
	/* fstab's spelling, as systemd-cryptsetup takes it in crypttab */
	{ .name = "x-systemd.device-timeout", .takes_value = true,
	  .parse = opt_seconds },
	{ .name = "wait", .takes_value = true, .parse = opt_seconds },
	{ .name = "sequential_cutoff", .takes_value = true,
	  .parse = opt_tunable_size, .attr = "sequential_cutoff" },
	{ .name = "writeback_percent", .takes_value = true,
	  .parse = opt_tunable_uint, .attr = "writeback_percent" },
	{ .name = "writeback_delay", .takes_value = true,
	  .parse = opt_tunable_uint, .attr = "writeback_delay" },
	{ .name = "writeback_rate_minimum", .takes_value = true,
	  .parse = opt_tunable_uint, .attr = "writeback_rate_minimum" },
	{ .name = "readahead_cache_policy", .takes_value = true,
	  .parse = opt_tunable_word, .attr = "readahead_cache_policy" },
	{ .name = "stop_when_cache_set_failed", .takes_value = true,
	  .parse = opt_tunable_word, .attr = "stop_when_cache_set_failed" },
};

static int parse_one(char *word, struct bt_entry *e, uint32_t *seen,
		     char *msg, size_t msglen)
{
	char *eq = strchr(word, '=');
	const char *val = NULL;

	if (eq) {
		*eq = 0;
		val = eq + 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt_def *d = &opts[i];

		if (strcmp(d->name, word))
			continue;
		if (*seen & (1u << i))
			return bt_fail(msg, msglen, "option '%s' given twice",
				    word);
		*seen |= 1u << i;
		if (d->takes_value && (!val || !*val))
			return bt_fail(msg, msglen, "option '%s' needs a value",
				    word);
		if (!d->takes_value && val)
			return bt_fail(msg, msglen,
				    "option '%s' does not take a value", word);
		return d->parse(d, e, val, msg, msglen);
	}
	return bt_fail(msg, msglen, "unknown option '%s'", word);
}

int bt_parse_options(const char *opts_text, struct bt_entry *e, char *msg,
		     size_t msglen)
{
	char buf[1024];
	char *save = NULL, *word;
	uint32_t seen = 0;

	if (!strcmp(opts_text, "-") || !strcmp(opts_text, "defaults"))
		return 0;
	if (strlen(opts_text) >= sizeof(buf))
		return bt_fail(msg, msglen, "option field longer than %zu bytes",
			    sizeof(buf) - 1);
	strcpy(buf, opts_text);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return bt_fail(msg, msglen, "empty option in '%s'", opts_text);
	for (word = strtok_r(buf, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		int r = parse_one(word, e, &seen, msg, msglen);

		if (r < 0)
			return r;
	}
	return 0;
}
