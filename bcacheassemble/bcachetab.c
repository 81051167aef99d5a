// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcachetab(5): one volume per line,
 *   NAME  DEVICE  CSET|-  [OPTIONS]
 * '#' starts a comment line. A bad line is recorded with its number and
 * skipped; every other line still yields an entry.
 */
#include "bcachetab.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "uuidtext.h"


static const char *const mode_names[] = {
	[MODE_WRITETHROUGH] = "writethrough",
	[MODE_WRITEBACK] = "writeback",
	[MODE_WRITEAROUND] = "writearound",
	[MODE_NONE] = "none",
};

const char *cache_mode_name(enum cache_mode m)
{
	if (m < 0 || (size_t)m >= ARRAY_SIZE(mode_names))
		return "writethrough";
	return mode_names[m];
}

enum cache_mode cache_mode_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(s, mode_names[i]))
			return (enum cache_mode)i;
	return MODE_UNSET;
}

bool bt_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > BT_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("._-", *name))
			return false;
	return true;
}

bool bt_label_valid(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > BT_LABEL_MAX)
		return false;
	for (; *label; label++)
		if (!isalnum((unsigned char)*label) && !strchr("._+:@-", *label))
			return false;
	return true;
}

bool bt_serial_valid(const char *serial)
{
	size_t n = strlen(serial);

	if (n == 0 || n > BT_SERIAL_MAX)
		return false;
	for (; *serial; serial++)
		if (*serial <= ' ' || *serial > '~' || *serial == ',')
			return false;
	return true;
}

int bt_fail(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool device_spec_valid(const char *dev)
{
	static const char *const tags[] = { "UUID=", "PARTUUID=", "LABEL=",
					    "PARTLABEL=" };

	if (dev[0] == '/')
		return dev[1] != 0;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		if (!strncmp(dev, tags[i], strlen(tags[i])))
			return dev[strlen(tags[i])] != 0;
	return false;
}

int bt_validate_entry(const struct bt_entry *e, char *msg, size_t msglen)
{
	if (e->raw) {
		if (!e->has_uuid)
			return bt_fail(msg, msglen,
				    "raw volume needs uuid= (its permanent "
				    "bcache identity; bcacheassemble --create "
				    "makes one)");
		if (e->mode == MODE_WRITEBACK && !e->has_cset)
			return bt_fail(msg, msglen,
				    "mode=writeback needs a cache set UUID in "
				    "field 3");
		if (e->stale && !e->has_cset)
			return bt_fail(msg, msglen,
				    "'stale' means the cache set's copy is out "
				    "of date: it needs a cache set in field 3");
		if (e->block && e->has_data_offset &&
		    e->data_offset % (e->block / 512))
			return bt_fail(msg, msglen,
				    "data_offset=%" PRIu64
				    " is not a multiple of block=%u",
				    e->data_offset, e->block);
		return 0;
	}
	if (e->has_uuid || e->mode != MODE_UNSET || e->has_label ||
	    e->has_data_offset || e->block || e->stale || e->serial[0])
		return bt_fail(msg, msglen,
			    "uuid=, mode=, label=, data_offset=, block=, "
			    "serial= and stale are "
			    "for raw volumes; a formatted device keeps them "
			    "in its superblock (add 'raw' if this disk has "
			    "none)");
	return 0;
}

/* Split on blanks into at most max fields; returns the count or -E2BIG. */
static int split_fields(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return -E2BIG;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = 0;
	}
}

int bt_parse_line(const char *line, unsigned lineno, struct bt_entry *e,
		  char *msg, size_t msglen)
{
	char buf[BT_LINE_MAX];
	char *f[4];
	int n;

	memset(e, 0, sizeof(*e));
	e->line = lineno;
	e->mode = MODE_UNSET;
	if (strlen(line) >= sizeof(buf))
		return bt_fail(msg, msglen, "line longer than %zu bytes",
			    sizeof(buf) - 1);
	strcpy(buf, line);
	/* a CRLF file's CR ends the line; one anywhere else is an error */
	if (buf[0] && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = 0;
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return bt_fail(msg, msglen, "control character in line");
	n = split_fields(buf, f, 4);
	if (n == 0 || f[0][0] == '#')
		return 1;
	if (n < 0)
		return bt_fail(msg, msglen,
			    "too many fields (expected NAME DEVICE CSET "
			    "[OPTIONS]; options are separated by commas)");
	if (n < 3)
		return bt_fail(msg, msglen,
			    "expected NAME DEVICE CSET [OPTIONS], found %d "
			    "field%s (use '-' for no cache set)",
			    n, n == 1 ? "" : "s");
	if (!bt_name_valid(f[0]))
		return bt_fail(msg, msglen,
			    "bad name '%s': 1 to %d characters of A-Z a-z 0-9 "
			    ". _ -, not starting with . or -",
			    f[0], BT_NAME_MAX);
	strcpy(e->name, f[0]);
	if (strlen(f[1]) >= sizeof(e->device) || !device_spec_valid(f[1]))
		return bt_fail(msg, msglen,
			    "bad device '%s': expected an absolute path or "
			    "UUID=, PARTUUID=, LABEL=, PARTLABEL=",
			    f[1]);
	strcpy(e->device, f[1]);
	if (strcmp(f[2], "-")) {
		if (uuid_from_text(f[2], e->cset) < 0 || uuid_is_null(e->cset))
			return bt_fail(msg, msglen,
				    "bad cache set '%s': expected a UUID or '-'",
				    f[2]);
		e->has_cset = true;
	}
	if (n == 4) {
		int r = bt_parse_options(f[3], e, msg, msglen);

		if (r < 0)
			return r;
	}
	return bt_validate_entry(e, msg, msglen);
}

static int push_error(struct bcachetab *tab, unsigned line, const char *msg)
{
	struct bt_error *p =
		realloc(tab->errors, (tab->n_errors + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	tab->errors = p;
	p[tab->n_errors].line = line;
	snprintf(p[tab->n_errors].msg, sizeof(p->msg), "%s", msg);
	tab->n_errors++;
	return 0;
}

static int error_order(const void *pa, const void *pb)
{
	const struct bt_error *a = pa, *b = pb;

	return (a->line > b->line) - (a->line < b->line);
}

/* Report in file order; qsort is not stable, but lines are unique keys. */
static void sort_errors(struct bcachetab *tab)
{
	if (tab->n_errors > 1) /* errors is NULL when there are none */
		qsort(tab->errors, tab->n_errors, sizeof(*tab->errors),
		      error_order);
}

static int push_entry(struct bcachetab *tab, const struct bt_entry *e)
{
	if ((tab->n_entries & (tab->n_entries - 1)) == 0) {
		size_t cap = tab->n_entries ? tab->n_entries * 2 : 8;
		struct bt_entry *p =
			realloc(tab->entries, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		tab->entries = p;
	}
	tab->entries[tab->n_entries++] = *e;
	return 0;
}

int bcachetab_parse(const char *text, size_t len, struct bcachetab *tab)
{
	unsigned lineno = 0;
	size_t pos = 0;

	memset(tab, 0, sizeof(*tab));
	while (pos < len) {
		char line[BT_LINE_MAX + 1], msg[200];
		size_t end = pos, n;
		struct bt_entry e;
		int r;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		n = end - pos;
		if (memchr(text + pos, 0, n)) {
			r = bt_fail(msg, sizeof(msg), "NUL byte in line");
		} else if (n > BT_LINE_MAX) {
			r = bt_fail(msg, sizeof(msg), "line longer than %d bytes",
				 BT_LINE_MAX - 1);
		} else {
			memcpy(line, text + pos, n);
			line[n] = 0;
			r = bt_parse_line(line, lineno, &e, msg, sizeof(msg));
		}
		pos = end + 1;
		if (r == 1)
			continue;
		r = r < 0 ? push_error(tab, lineno, msg) : push_entry(tab, &e);
		if (r < 0) {
			bcachetab_free(tab);
			return r;
		}
	}
	return 0;
}

int bt_read_file(const char *path, char **out, size_t *outlen)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t len = 0;

	/* never block on a FIFO or a device node given as bcachetab */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	if (fstat(fd, &st) < 0)
		return negerrno();
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > BT_FILE_MAX)
		return -EFBIG;
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negerrno();
		if (n == 0)
			break; /* shrank meanwhile: what is there */
		len += (size_t)n;
	}
	*out = TAKE_PTR(text);
	*outlen = len;
	return 0;
}

int bcachetab_load(const char *path, struct bcachetab *tab)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = bt_read_file(path, &text, &len);

	return r < 0 ? r : bcachetab_parse(text, len, tab);
}

/* Duplicate detection: sort entry indices by one key, compare neighbours. */
enum dup_key { DUP_NAME, DUP_DEVICE, DUP_UUID };

struct dup_sort {
	const struct bt_entry *entries;
	enum dup_key key;
};

static int key_cmp(const struct bt_entry *a, const struct bt_entry *b,
		   enum dup_key key)
{
	switch (key) {
	case DUP_NAME:
		return strcmp(a->name, b->name);
	case DUP_DEVICE:
		return strcmp(a->device, b->device);
	default:
		if (a->has_uuid != b->has_uuid)
			return a->has_uuid ? 1 : -1;
		return memcmp(a->uuid, b->uuid, 16);
	}
}

static __thread struct dup_sort dup_ctx; /* qsort has no context argument */

static int dup_order(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = key_cmp(&dup_ctx.entries[a], &dup_ctx.entries[b], dup_ctx.key);

	/* ties by position, so the first line of a group comes first */
	return c ? c : (a > b) - (a < b);
}

/* first[i] = index of the earliest line sharing a key with line i, or i. */
static void mark_dups(const struct bcachetab *tab, size_t *idx, size_t *first,
		      const char **what)
{
	static const char *const names[] = { "name", "device", "uuid" };

	for (int k = DUP_NAME; k <= DUP_UUID; k++) {
		dup_ctx = (struct dup_sort){ tab->entries, (enum dup_key)k };
		for (size_t i = 0; i < tab->n_entries; i++)
			idx[i] = i;
		qsort(idx, tab->n_entries, sizeof(*idx), dup_order);
		/* each run of equal keys starts with its earliest line */
		for (size_t i = 1, lead = idx[0]; i < tab->n_entries; i++) {
			size_t cur = idx[i];

			if (key_cmp(&tab->entries[lead], &tab->entries[cur],
				    (enum dup_key)k) ||
			    (k == DUP_UUID && !tab->entries[cur].has_uuid)) {
				lead = cur;
				continue;
			}
			if (first[cur] == cur) {
				first[cur] = lead;
				what[cur] = names[k];
			}
		}
	}
}

/*
 * A line that repeats the name, device or uuid of an earlier line is an
 * error and is dropped, so that assembly never acts on two lines claiming
 * the same name, disk or identity. O(n log n).
 */
int bcachetab_check_duplicates(struct bcachetab *tab)
{
	size_t n = tab->n_entries, out = 0;
	_cleanup_free_ size_t *idx = calloc(n + 1, sizeof(*idx));
	_cleanup_free_ size_t *first = calloc(n + 1, sizeof(*first));
	_cleanup_free_ const char **what = calloc(n + 1, sizeof(*what));

	if (!idx || !first || !what)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		first[i] = i;
	mark_dups(tab, idx, first, what);
	for (size_t i = 0; i < n; i++) {
		char msg[200];
		const struct bt_entry *a = &tab->entries[first[i]];
		int r;

		if (first[i] == i) {
			tab->entries[out++] = tab->entries[i];
			continue;
		}
		snprintf(msg, sizeof(msg), "%s already used by '%s' on line %u",
			 what[i], a->name, a->line);
		r = push_error(tab, tab->entries[i].line, msg);
		if (r < 0)
			return r;
	}
	tab->n_entries = out;
	sort_errors(tab);
	return 0;
}

int bcachetab_check_owner(const char *path, const char **why)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return negerrno();
	if (!S_ISREG(st.st_mode)) {
		*why = "is not a regular file (a FIFO or device would block "
		       "or mislead the boot)";
		return -EPERM;
	}
	if (st.st_size > BT_FILE_MAX) {
		*why = "is larger than 4 MiB";
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		*why = "is not owned by root";
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "is writable by group or others";
		return -EPERM;
	}
	return 0;
}

void bcachetab_free(struct bcachetab *tab)
{
	free(tab->entries);
	free(tab->errors);
	memset(tab, 0, sizeof(*tab));
}

const struct bt_entry *bcachetab_find(const struct bcachetab *tab,
				      const char *name)
{
	for (size_t i = 0; i < tab->n_entries; i++)
		if (!strcmp(tab->entries[i].name, name))
			return &tab->entries[i];
	return NULL;
}

struct strbuf {
	char *p;
	size_t len, used;
	bool overflow;
};

static void sb_add(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
static void sb_add(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->used) {
		b->overflow = true;
		return;
	}
	b->used += (size_t)n;
}

static void sb_opt(struct strbuf *b, bool *first, const char *fmt, ...)
	_printf_(3, 4);
static void sb_opt(struct strbuf *b, bool *first, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_add(b, "%s%s", *first ? "\t" : ",", tmp);
	*first = false;
}

int bt_format_entry(const struct bt_entry *e, char *buf, size_t len)
{
	struct strbuf b = { .p = buf, .len = len };
	char u[UUID_STR_LEN];
	bool first = true;

	buf[0] = 0;
	if (e->has_cset)
		uuid_to_text(e->cset, u);
	sb_add(&b, "%s\t%s\t%s", e->name, e->device, e->has_cset ? u : "-");
	if (e->raw)
		sb_opt(&b, &first, "raw");
	if (e->has_uuid) {
		uuid_to_text(e->uuid, u);
		sb_opt(&b, &first, "uuid=%s", u);
	}
	if (e->mode != MODE_UNSET)
		sb_opt(&b, &first, "mode=%s", cache_mode_name(e->mode));
	if (e->has_label)
		sb_opt(&b, &first, "label=%s", e->label);
	if (e->has_data_offset)
		sb_opt(&b, &first, "data_offset=%" PRIu64, e->data_offset);
	if (e->block)
		sb_opt(&b, &first, "block=%u", e->block);
	if (e->size)
		sb_opt(&b, &first, "size=%" PRIu64, e->size);
	if (e->serial[0])
		sb_opt(&b, &first, "serial=%s", e->serial);
	if (e->has_timeout)
		sb_opt(&b, &first, "timeout=%u", e->timeout);
	if (e->has_wait)
		sb_opt(&b, &first, "wait=%u", e->wait);
	for (unsigned i = 0; i < e->n_tunables; i++)
		sb_opt(&b, &first, "%s=%s", e->tunables[i].attr,
		       e->tunables[i].value);
	if (e->nofail)
		sb_opt(&b, &first, "nofail");
	if (e->noauto)
		sb_opt(&b, &first, "noauto");
	if (e->netdev)
		sb_opt(&b, &first, "_netdev");
	if (e->initrd)
		sb_opt(&b, &first, "initrd");
	if (e->stale)
		sb_opt(&b, &first, "stale");
	return b.overflow ? -ENOSPC : 0;
}
