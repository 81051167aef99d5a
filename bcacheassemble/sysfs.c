// SPDX-License-Identifier: GPL-2.0-or-later
#include "sysfs.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

int sysfs_path(struct context *ctx, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", ctx->sysfs, rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sysfs_read(struct context *ctx, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r = sysfs_path(ctx, rel, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	n = read(fd, buf, len - 1);
	if (n < 0)
		return negerrno();
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* One write(2) of the whole text: sysfs store handlers see it at once. */
int sysfs_write(struct context *ctx, const char *rel, const char *text)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);
	ssize_t n;
	int r;

	if (ctx->write_hook)
		return ctx->write_hook(ctx, rel, text, len);
	r = sysfs_path(ctx, rel, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	n = write(fd, text, len);
	if (n < 0)
		return negerrno();
	return (size_t)n == len ? 0 : -EIO;
}

bool sysfs_exists(struct context *ctx, const char *rel)
{
	char path[PATH_MAX];

	return sysfs_path(ctx, rel, path, sizeof(path)) == 0 &&
	       access(path, F_OK) == 0;
}

int sysfs_link_name(struct context *ctx, const char *rel, char *buf,
		    size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int r = sysfs_path(ctx, rel, path, sizeof(path));

	if (r < 0)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return negerrno();
	target[n] = 0;
	while (n > 1 && target[n - 1] == '/')
		target[--n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}
