// SPDX-License-Identifier: GPL-2.0-or-later
#include "lock.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "fsutil.h"

/* SIGALRM only interrupts a blocking flock(): no SA_RESTART. */
static void on_alarm(int sig _unused_)
{
}

static int flock_deadline(int fd, unsigned timeout)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { .tv_sec = timeout } }, off = { 0 };
	int r;

	if (timeout == 0)
		return flock(fd, LOCK_EX | LOCK_NB) < 0 ? negerrno() : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old) < 0)
		return negerrno();
	setitimer(ITIMER_REAL, &it, NULL);
	r = flock(fd, LOCK_EX) < 0 ? negerrno() : 0;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	return r == -EINTR ? -EWOULDBLOCK : r;
}

static int lock_file(struct context *ctx, const char *name, bool wait,
		     unsigned timeout)
{
	char path[PATH_MAX];
	int fd, r;

	r = fs_mkdir_p(ctx->rundir, 0755);
	if (r < 0)
		return r;
	if (snprintf(path, sizeof(path), "%s/%s", ctx->rundir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return negerrno();
	r = flock_deadline(fd, wait ? timeout : 0);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int lock_take(struct context *ctx, bool wait, unsigned timeout)
{
	return lock_file(ctx, "lock", wait, timeout);
}

/* Held once per process, however deep the callers that want it nest. */
static int reg_fd = -1;
static unsigned reg_depth;

int lock_registration(struct context *ctx, unsigned timeout)
{
	int fd;

	if (reg_depth) {
		reg_depth++;
		return 0;
	}
	fd = lock_file(ctx, "register.lock", true, timeout);
	if (fd < 0)
		return fd;
	reg_fd = fd;
	reg_depth = 1;
	return 0;
}

void unlock_registration(void)
{
	if (!reg_depth || --reg_depth)
		return;
	close(reg_fd);
	reg_fd = -1;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
