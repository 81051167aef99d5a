// SPDX-License-Identifier: GPL-2.0-or-later
#include "tabedit.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

struct tabfile {
	char path[PATH_MAX]; /* the file itself, symlinks resolved */
	char *text;
	size_t len;
	struct stat st;
	bool exists;
};

static int read_all(struct tabfile *f)
{
	_cleanup_close_ int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return negerrno();
	if (fstat(fd, &f->st) < 0)
		return negerrno();
	if (!S_ISREG(f->st.st_mode))
		return -EINVAL;
	f->text = malloc((size_t)f->st.st_size + 1);
	if (!f->text)
		return -ENOMEM;
	while (got < (size_t)f->st.st_size) {
		ssize_t n = read(fd, f->text + got, (size_t)f->st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? negerrno() : -EIO;
		got += (size_t)n;
	}
	f->len = got;
	f->exists = true;
	return 0;
}

static int tabfile_open(const char *path, struct tabfile *f)
{
	memset(f, 0, sizeof(*f));
	if (!realpath(path, f->path)) {
		if (errno != ENOENT)
			return negerrno();
		if (strlen(path) >= sizeof(f->path))
			return -ENAMETOOLONG;
		strcpy(f->path, path);
		return 0;
	}
	return read_all(f);
}

/* The first field of a line, if it is a volume line: into name. */
static bool line_name(const char *p, size_t n, char *name, size_t len)
{
	size_t i = 0, k = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#')
		return false;
	while (i < n && p[i] != ' ' && p[i] != '\t' && k + 1 < len)
		name[k++] = p[i++];
	name[k] = 0;
	return true;
}

/* Does the line read as entry want (same canonical text)? */
static bool line_is(const char *p, size_t n, const struct bt_entry *want)
{
	char line[BT_LINE_MAX + 1], msg[200], a[BT_LINE_MAX],
		b[BT_LINE_MAX];
	struct bt_entry e;

	if (n > BT_LINE_MAX || memchr(p, 0, n))
		return false;
	memcpy(line, p, n);
	line[n] = 0;
	return bt_parse_line(line, 0, &e, msg, sizeof(msg)) == 0 &&
	       bt_format_entry(&e, a, sizeof(a)) == 0 &&
	       bt_format_entry(want, b, sizeof(b)) == 0 && !strcmp(a, b);
}

/* Byte range [*start, *end) of NAME's line, end past its newline. */
static int find_line(const struct tabfile *f, const char *name, size_t *start,
		     size_t *end)
{
	size_t pos = 0;

	while (pos < f->len) {
		const char *nl = memchr(f->text + pos, '\n', f->len - pos);
		size_t e = nl ? (size_t)(nl - f->text) : f->len;
		char n[BT_NAME_MAX + 2];

		if (line_name(f->text + pos, e - pos, n, sizeof(n)) &&
		    !strcmp(n, name)) {
			*start = pos;
			*end = nl ? e + 1 : e;
			return 0;
		}
		pos = e + 1;
	}
	return -ENOENT;
}

static int write_full(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return negerrno();
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The new file: text before, the new line, text after. */
static int write_new(int fd, const struct tabfile *f, size_t cut0, size_t cut1,
		     const char *line)
{
	int r = write_full(fd, f->text ? f->text : "", cut0);

	if (r == 0 && cut0 && f->text[cut0 - 1] != '\n')
		r = write_full(fd, "\n", 1);
	if (r == 0 && line)
		r = write_full(fd, line, strlen(line));
	if (r == 0 && line)
		r = write_full(fd, "\n", 1);
	if (r == 0 && cut1 < f->len)
		r = write_full(fd, f->text + cut1, f->len - cut1);
	return r;
}

static int swap_in(const struct tabfile *f, size_t cut0, size_t cut1,
		   const char *line)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", f->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return negerrno();
	r = write_new(fd, f, cut0, cut1, line);
	if (r == 0 && f->exists && fchown(fd, f->st.st_uid, f->st.st_gid) < 0)
		r = negerrno();
	if (r == 0 && fchmod(fd, f->exists ? f->st.st_mode & 07777 : 0644) < 0)
		r = negerrno();
	if (r == 0 && fsync(fd) < 0)
		r = negerrno();
	if (close(fd) < 0 && r == 0)
		r = negerrno();
	if (r == 0 && rename(tmp, f->path) < 0)
		r = negerrno();
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return fs_sync_parent(f->path);
}

static int plan(const struct tabfile *f, const struct bt_entry *old,
		const struct bt_entry *new, size_t *cut0, size_t *cut1)
{
	size_t s, e;

	if (!old) {
		if (find_line(f, new->name, &s, &e) == 0)
			return -EEXIST;
		*cut0 = *cut1 = f->len;
		return 0;
	}
	if (find_line(f, old->name, &s, &e) < 0)
		return -ENOENT;
	if (!line_is(f->text + s, e - s - (e > s && f->text[e - 1] == '\n'),
		     old))
		return -ESTALE;
	if (new && strcmp(new->name, old->name) &&
	    find_line(f, new->name, cut0, cut1) == 0)
		return -EEXIST;
	*cut0 = s;
	*cut1 = e;
	return 0;
}

int tabedit_apply(const char *path, const struct bt_entry *old,
		  const struct bt_entry *new)
{
	struct tabfile f;
	char line[BT_LINE_MAX];
	size_t cut0 = 0, cut1 = 0;
	int r = tabfile_open(path, &f);

	if (r == 0 && !f.exists && old)
		r = -ENOENT;
	if (r == 0)
		r = plan(&f, old, new, &cut0, &cut1);
	if (r == 0 && new)
		r = bt_format_entry(new, line, sizeof(line));
	if (r == 0)
		r = swap_in(&f, cut0, cut1, new ? line : NULL);
	free(f.text);
	return r;
}
