// SPDX-License-Identifier: GPL-2.0-or-later
#include "tabedit.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

static int read_all(const char *path, char **out, size_t *len, mode_t *mode)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fd < 0)
		return negerrno();
	if (fstat(fd, &st) < 0)
		return negerrno();
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			free(buf);
			return n < 0 ? negerrno() : -EIO;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	*mode = st.st_mode & 07777;
	return 0;
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

/* Write old text with line lineno replaced/deleted, or text appended. */
static int write_edited(int fd, const char *old, size_t len, unsigned lineno,
			const char *text)
{
	size_t pos = 0;
	unsigned cur = 0;
	bool found = lineno == 0;
	int r;

	while (pos < len) {
		size_t end = pos;

		while (end < len && old[end] != '\n')
			end++;
		cur++;
		if (cur == lineno) {
			found = true;
			if (text && ((r = write_full(fd, text, strlen(text))) < 0 ||
				     (r = write_full(fd, "\n", 1)) < 0))
				return r;
		} else {
			r = write_full(fd, old + pos, end - pos);
			if (r == 0)
				r = write_full(fd, "\n", 1);
			if (r < 0)
				return r;
		}
		pos = end + 1;
	}
	if (!found)
		return -ENOENT;
	if (lineno == 0 && text &&
	    ((r = write_full(fd, text, strlen(text))) < 0 ||
	     (r = write_full(fd, "\n", 1)) < 0))
		return r;
	return 0;
}

static int sync_dir_of(const char *path)
{
	char buf[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(buf, sizeof(buf), "%s", path);
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return negerrno();
	return 0;
}

int tabedit_apply(const char *path, unsigned lineno, const char *text)
{
	_cleanup_free_ char *old = NULL;
	char tmp[PATH_MAX];
	size_t len = 0;
	mode_t mode = 0644;
	int fd, r = read_all(path, &old, &len, &mode);

	if (r == -ENOENT && lineno == 0)
		r = 0;
	if (r < 0)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return negerrno();
	r = write_edited(fd, old ? old : "", len, lineno, text);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = negerrno();
	if (r == 0 && fsync(fd) < 0)
		r = negerrno();
	if (close(fd) < 0 && r == 0)
		r = negerrno();
	if (r == 0 && rename(tmp, path) < 0)
		r = negerrno();
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return sync_dir_of(path);
}
