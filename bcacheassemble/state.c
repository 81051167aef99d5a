// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "uuidtext.h"

static int mark_path(const char *dir, const uint8_t uuid[16], char *buf,
		     size_t len)
{
	char u[UUID_STR_LEN];
	int n;

	uuid_to_text(uuid, u);
	n = snprintf(buf, len, "%s/stale/%s", dir, u);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return negerrno();
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return negerrno();
	return 0;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return negerrno();
	return 0;
}

/* Create dir/stale/UUID durably: the file and its directory are synced. */
static int write_mark(const char *dir, const uint8_t uuid[16], const char *why)
{
	char path[PATH_MAX], sdir[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r = mark_path(dir, uuid, path, sizeof(path));

	if (r < 0)
		return r;
	snprintf(sdir, sizeof(sdir), "%s/stale", dir);
	r = mkdir_p(sdir, 0700);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return negerrno();
	if (dprintf(fd, "%lld %s\n", (long long)time(NULL), why) < 0 ||
	    fsync(fd) < 0)
		return negerrno();
	return fsync_dir(sdir);
}

int state_mark_stale(struct context *ctx, const uint8_t uuid[16],
		     const char *why)
{
	int r;

	/* in the initramfs only /run survives the switch to the real root */
	if (ctx->statedir_ro)
		return write_mark(ctx->rundir, uuid, why);
	r = write_mark(ctx->statedir, uuid, why);

	if (r == 0)
		return 0;
	/* Root not writable yet: /run survives until switch-root hand-off. */
	return write_mark(ctx->rundir, uuid, why) == 0 ? 0 : r;
}

bool state_is_stale(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX];

	if (mark_path(ctx->statedir, uuid, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0)
		return true;
	return mark_path(ctx->rundir, uuid, path, sizeof(path)) == 0 &&
	       access(path, F_OK) == 0;
}

int state_clear_stale(struct context *ctx, const uint8_t uuid[16])
{
	const char *dirs[] = { ctx->statedir, ctx->rundir };
	int removed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX], sdir[PATH_MAX];
		int r = mark_path(dirs[i], uuid, path, sizeof(path));

		if (r < 0)
			return r;
		if (unlink(path) < 0) {
			if (errno == ENOENT)
				continue;
			return negerrno();
		}
		snprintf(sdir, sizeof(sdir), "%s/stale", dirs[i]);
		(void)fsync_dir(sdir);
		removed |= i == 0;
	}
	return removed;
}

int state_flag_rebuild(struct context *ctx, const char *why)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r = mkdir_p(ctx->rundir, 0755);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/rebuild-initramfs", ctx->rundir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return negerrno();
	return dprintf(fd, "%s\n", why) < 0 ? negerrno() : 0;
}

int state_handoff(struct context *ctx)
{
	char sdir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r = 0, moved = 0;

	if (ctx->statedir_ro)
		return 0;
	snprintf(sdir, sizeof(sdir), "%s/stale", ctx->rundir);
	d = opendir(sdir);
	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	while ((de = readdir(d))) {
		uint8_t u[16];

		if (uuid_from_text(de->d_name, u) < 0)
			continue;
		r = write_mark(ctx->statedir, u, "handed off from the initramfs");
		if (r < 0)
			break;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			r = negerrno();
			break;
		}
		moved++;
	}
	closedir(d);
	return r < 0 ? r : moved;
}
