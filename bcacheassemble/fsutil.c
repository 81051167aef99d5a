// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsutil.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

int fs_sync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return negerrno();
	return 0;
}

int fs_sync_parent(const char *path)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	return fs_sync_dir(dirname(buf));
}

static int make_one(const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) == 0)
		return fs_sync_parent(dir);
	return errno == EEXIST ? 0 : negerrno();
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		int r;

		if (buf[i] != '/' && buf[i] != 0)
			continue;
		buf[i] = 0;
		r = make_one(buf, mode);
		buf[i] = path[i];
		if (r < 0)
			return r;
	}
	return 0;
}
