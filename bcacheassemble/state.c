// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "fsutil.h"
#include "lock.h"
#include "tabedit.h"
#include "uuidtext.h"

static int write_durable(const char *path, const char *text);

static int kind_path(struct context *ctx, const char *kind,
		     const uint8_t uuid[16], char *buf, size_t len)
{
	char u[UUID_STR_LEN];
	int n;

	uuid_to_text(uuid, u);
	n = snprintf(buf, len, "%s/%s/%s", ctx->rundir, kind, u);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int mark_path(struct context *ctx, const uint8_t uuid[16], char *buf,
		     size_t len)
{
	return kind_path(ctx, "stale", uuid, buf, len);
}

int state_cold_mark(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX];
	int r = kind_path(ctx, "cold", uuid, path, sizeof(path));

	return r < 0 ? r : write_durable(path, "registered stale");
}

bool state_cold_marked(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX];

	return kind_path(ctx, "cold", uuid, path, sizeof(path)) == 0 &&
	       access(path, F_OK) == 0;
}

/* Create path with text, durably: the file and every new parent synced. */
static int write_durable(const char *path, const char *text)
{
	char dir[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	*strrchr(dir, '/') = 0;
	r = fs_mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return negerrno();
	if (dprintf(fd, "%s\n", text) < 0 || fsync(fd) < 0)
		return negerrno();
	return fs_sync_dir(dir);
}

int state_run_mark(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX], when[32];
	int r = mark_path(ctx, uuid, path, sizeof(path));

	if (r < 0)
		return r;
	snprintf(when, sizeof(when), "%lld", (long long)time(NULL));
	return write_durable(path, when);
}

int state_run_marked(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX];
	int r = mark_path(ctx, uuid, path, sizeof(path));

	if (r < 0)
		return r;
	if (access(path, F_OK) == 0)
		return 1;
	return errno == ENOENT ? 0 : negerrno();
}

int state_run_unmark(struct context *ctx, const uint8_t uuid[16])
{
	char path[PATH_MAX];
	int r = mark_path(ctx, uuid, path, sizeof(path));

	if (r < 0)
		return r;
	if (unlink(path) < 0)
		return errno == ENOENT ? 0 : negerrno();
	return fs_sync_parent(path);
}

int state_run_marks(struct context *ctx, uint8_t (**out)[16])
{
	char dir[PATH_MAX];
	uint8_t(*v)[16] = NULL;
	int n = 0;
	DIR *d;
	struct dirent *de;

	*out = NULL;
	snprintf(dir, sizeof(dir), "%s/stale", ctx->rundir);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	while ((de = readdir(d))) {
		uint8_t u[16], (*p)[16];

		if (uuid_from_text(de->d_name, u) < 0)
			continue;
		p = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!p) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = p;
		memcpy(v[n++], u, 16);
	}
	closedir(d);
	*out = v;
	return n;
}

int images_flag_outdated(struct context *ctx, const char *why)
{
	return write_durable(ctx->imageflag, why);
}

bool images_outdated(struct context *ctx)
{
	return access(ctx->imageflag, F_OK) == 0;
}

int images_update(struct context *ctx)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return negerrno();
	if (pid == 0) {
		/* the generators print to stdout: keep ours clean */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		/* the caller checks the boot files once, after every image */
		setenv("BCACHEASSEMBLE_SYNC_BOOT_AFTER", "1", 1);
		execl("/bin/sh", "sh", "-c", ctx->update_images, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negerrno();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	if (unlink(ctx->imageflag) < 0 && errno != ENOENT)
		return negerrno();
	return fs_sync_parent(ctx->imageflag);
}

int record_line(struct context *ctx, const struct bt_entry *old,
		const struct bt_entry *new)
{
	/* a udev worker may be deciding on the old line: wait for it */
	int lock = lock_registration(ctx, 60), r = 0;

	if ((old && old->initrd) || (new && new->initrd))
		r = images_flag_outdated(ctx, "bcachetab changed");
	if (r == 0)
		r = tabedit_apply(ctx->config, old, new);
	if (lock == 0)
		unlock_registration();
	return r;
}
