// SPDX-License-Identifier: GPL-2.0-or-later
#include "uevent.h"

#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return negerrno();
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = negerrno();

		close(fd);
		return r;
	}
	return fd;
}

int uevent_open(struct context *ctx)
{
	/* group 1: the kernel's events; group 2: udevd's, after its rules */
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 | 2 };
	int size = 4 << 20, fd;

	if (ctx->uevent_sock)
		return open_unix(ctx->uevent_sock);
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return negerrno();
	/* Boot floods events; a small buffer overflows with ENOBUFS. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
				 sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = negerrno();

		close(fd);
		return r;
	}
	return fd;
}

int uevent_parse(const char *buf, size_t len, struct uevent *ev)
{
	size_t pos = 0;

	memset(ev, 0, sizeof(*ev));
	/* The first string is "action@devpath"; only KEY=VALUE pairs count. */
	while (pos < len) {
		const char *s = buf + pos;
		size_t n = strnlen(s, len - pos);

		if (!strncmp(s, "ACTION=", 7))
			snprintf(ev->action, sizeof(ev->action), "%.*s",
				 (int)(n - 7), s + 7);
		else if (!strncmp(s, "SUBSYSTEM=", 10))
			snprintf(ev->subsystem, sizeof(ev->subsystem), "%.*s",
				 (int)(n - 10), s + 10);
		else if (!strncmp(s, "DEVNAME=", 8))
			snprintf(ev->devname, sizeof(ev->devname), "%.*s",
				 (int)(n - 8), s + 8);
		pos += n + 1;
	}
	if (!ev->action[0] || !ev->subsystem[0])
		return -EINVAL;
	return 0;
}

/*
 * udevd's message, sent after its rules ran: "libudev\0", a header in host
 * order (magic, header size, properties offset and length), then the
 * device's KEY=VALUE properties. Only root may send to a uevent group.
 */
int uevent_parse_udev(const char *buf, size_t len, struct uevent *ev)
{
	uint32_t off, plen;

	if (len < 24 || memcmp(buf, "libudev", 8))
		return -EINVAL;
	memcpy(&off, buf + 16, sizeof(off));
	memcpy(&plen, buf + 20, sizeof(plen));
	if (off < 24 || off > len || plen > len - off ||
	    uevent_parse(buf + off, plen, ev) < 0)
		return -EINVAL;
	/* udev's DEVNAME is the node, "/dev/vdb"; the kernel's "vdb" */
	if (!strncmp(ev->devname, "/dev/", 5))
		memmove(ev->devname, ev->devname + 5, strlen(ev->devname) - 4);
	return 0;
}

static int receive(int fd, struct uevent *ev)
{
	char buf[8192];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : negerrno();
	buf[n] = 0;
	/*
	 * The kernel (port 0), or udevd once it has made the device's links
	 * (a bcachetab path such as /dev/disk/by-id/... exists only then).
	 */
	if (from.ss_family == AF_NETLINK &&
	    ((struct sockaddr_nl *)&from)->nl_pid != 0) {
		if (uevent_parse_udev(buf, (size_t)n, ev) < 0)
			return 0;
	} else if (uevent_parse(buf, (size_t)n, ev) < 0) {
		return 0;
	}
	if (strcmp(ev->subsystem, "block") || !ev->devname[0])
		return 0;
	return 1;
}

int uevent_wait(int fd, int64_t deadline_ms, struct uevent *ev)
{
	for (;;) {
		int64_t left = deadline_ms - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno != EINTR)
			return negerrno();
		if (r <= 0)
			continue;
		r = receive(fd, ev);
		if (r < 0 && r != -ENOBUFS)
			return r;
		if (r == -ENOBUFS) { /* lost events: caller rescans */
			memset(ev, 0, sizeof(*ev));
			strcpy(ev->action, "rescan");
			return 1;
		}
		if (r == 1)
			return 1;
	}
}
