// SPDX-License-Identifier: GPL-2.0-or-later
#include "hide.h"

#include <string.h>

/* Blank-separated fields of one line, copied; returns how many (max 8). */
static int fields(const char *p, size_t n, char f[8][BT_LINE_MAX / 4])
{
	int k = 0;
	size_t i = 0;

	while (i < n && k < 8) {
		size_t j = 0;

		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i == n)
			break;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
			if (j + 1 < BT_LINE_MAX / 4)
				f[k][j++] = p[i];
			i++;
		}
		f[k++][j] = 0;
	}
	return k;
}

/* Options of a line, leniently: raw? serial=? */
static bool scan_opts(const char *opts, char *serial, size_t len)
{
	char buf[BT_LINE_MAX / 4], *save = NULL, *w;
	bool raw = false;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "raw"))
			raw = true;
		else if (!strncmp(w, "serial=", 7) && w[7])
			snprintf(serial, len, "%s", w + 7);
	}
	return raw;
}

static int push(struct hidelist *h, const char *name, const char *dev,
		const char *serial)
{
	struct hide_spec *p = realloc(h->v, (h->n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	h->v = p;
	p = &h->v[h->n++];
	snprintf(p->name, sizeof(p->name), "%.32s", name);
	snprintf(p->device, sizeof(p->device), "%.255s", dev);
	snprintf(p->serial, sizeof(p->serial), "%.64s", serial);
	return 0;
}

static int scan_line(struct hidelist *h, const char *p, size_t n)
{
	static char f[8][BT_LINE_MAX / 4];
	char serial[BT_SERIAL_MAX + 1] = "";
	bool raw = false;
	int k = fields(p, n, f);

	if (k < 2 || f[0][0] == '#')
		return 0;
	for (int i = 2; i < k; i++)
		raw |= scan_opts(f[i], serial, sizeof(serial));
	if (!raw && !serial[0])
		return 0;
	return push(h, f[0], f[1], serial);
}

int hide_load(const char *path, struct hidelist *h)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	memset(h, 0, sizeof(*h));
	r = bt_read_file(path, &text, &len);
	for (size_t pos = 0; r == 0 && pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		r = scan_line(h, text + pos, end - pos);
		pos = end + 1;
	}
	return r;
}

void hide_free(struct hidelist *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static bool spec_hides(struct context *ctx, const struct devtab *t,
		       const struct hide_spec *s, const struct blockdev *d,
		       const struct aliases *al)
{
	if (s->serial[0] && d->serial[0] && !strcmp(s->serial, d->serial))
		return true;
	return blockdev_matches(ctx, t, d, s->device, al);
}

const struct hide_spec *hide_match(struct context *ctx, const struct devtab *t,
				   const struct hidelist *h,
				   const struct blockdev *d,
				   const struct aliases *al)
{
	const struct blockdev *whole =
		d->parent[0] ? devtab_find_name(t, d->parent) : NULL;

	for (size_t i = 0; i < h->n; i++) {
		if (spec_hides(ctx, t, &h->v[i], d, al))
			return &h->v[i];
		if (whole && spec_hides(ctx, t, &h->v[i], whole, NULL))
			return &h->v[i];
	}
	return NULL;
}
