// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int log_verbosity = LOG_NOTICE;
static int kmsg_fd = -1;

static const char *const prefix[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_NOTICE] = "",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

/* Is fd a stream connected to journald's stdout socket? */
static bool peer_is_journald(int fd)
{
	struct sockaddr_un sa = { 0 };
	socklen_t len = sizeof(sa) - 1; /* sun_path stays NUL-terminated */

	return getpeername(fd, (struct sockaddr *)&sa, &len) == 0 &&
	       sa.sun_family == AF_UNIX &&
	       !strcmp(sa.sun_path, "/run/systemd/journal/stdout");
}

/*
 * Is stderr the journal already? systemd says which stream it gave a service
 * in JOURNAL_STREAM ("DEV:INODE"); a child whose stderr was redirected
 * (a udev program's is a pipe to udevd) inherits the variable, not the stream.
 * dracut's hooks inherit a stale one (its dracut-cmdline exports its own
 * environment to the later stages), hence also the socket's peer.
 */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino)
		return true;
	return S_ISSOCK(st.st_mode) && peer_is_journald(STDERR_FILENO);
}

void log_open_kmsg(void)
{
	/* in the journal once, not twice */
	if (kmsg_fd < 0 && !stderr_is_journal())
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

/*
 * One record, one write(2): /dev/kmsg takes a record per write. Not dprintf:
 * glibc's gives up on a descriptor whose lseek(SEEK_CUR) fails with anything
 * but ESPIPE, and /dev/kmsg's fails with EINVAL, so nothing was ever written.
 */
static void kmsg_write(enum log_level level, const char *pfx, const char *msg)
{
	char rec[1200];
	int n = snprintf(rec, sizeof(rec), "<%d>bcacheassemble: %s%s\n",
			 level == LOG_ERR ? 3 : level == LOG_WARN ? 4 : 5, pfx,
			 msg);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(rec))
		n = sizeof(rec) - 1;
	(void)!write(kmsg_fd, rec, (size_t)n);
}

/* "bcacheassemble: error: msg", or "bcacheassemble: FILE:LINE: msg". */
static void emit(enum log_level level, const char *loc, const char *fmt,
		 va_list ap)
{
	const char *pfx = *loc ? loc : prefix[level];
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if ((int)level <= log_verbosity)
		fprintf(stderr, "bcacheassemble: %s%s\n", pfx, msg);
	if (kmsg_fd >= 0 && level <= LOG_NOTICE && (int)level <= log_verbosity)
		kmsg_write(level, pfx, msg);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, "", fmt, ap);
	va_end(ap);
}

void log_at(const char *file, unsigned line, const char *fmt, ...)
{
	char loc[512];
	va_list ap;

	snprintf(loc, sizeof(loc), "%s:%u: ", file, line);
	va_start(ap, fmt);
	emit(LOG_ERR, loc, fmt, ap);
	va_end(ap);
}
