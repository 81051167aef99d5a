// SPDX-License-Identifier: GPL-2.0-or-later
/* Waiting: parsing, deadlines, filtering; a fake AF_UNIX uevent source. */
#include <sys/socket.h>
#include <sys/un.h>

#include "context.h"
#include "testlib.h"
#include "uevent.h"

static struct context ctx;
static char sock_path[96];

static int open_src(void)
{
	context_init(&ctx);
	snprintf(sock_path, sizeof(sock_path), "/tmp/ba-uevent-%d.sock",
		 (int)getpid());
	ctx.uevent_sock = sock_path;
	return uevent_open(&ctx);
}

static void send_msg(const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	CHECK(sendto(fd, msg, len, 0, (struct sockaddr *)&sa, sizeof(sa)) ==
	      (ssize_t)len);
	close(fd);
}

static void parse(void)
{
	static const char m[] = "add@/devices/x/block/vdb\0ACTION=add\0"
				"DEVPATH=/devices/x/block/vdb\0SUBSYSTEM=block\0"
				"DEVNAME=vdb\0DEVTYPE=disk";
	struct uevent ev;

	CHECK_INT(uevent_parse(m, sizeof(m), &ev), 0);
	CHECK_STR(ev.action, "add");
	CHECK_STR(ev.subsystem, "block");
	CHECK_STR(ev.devname, "vdb");
	CHECK_INT(uevent_parse("garbage", 7, &ev), -EINVAL);
	CHECK_INT(uevent_parse("", 0, &ev), -EINVAL);
}

/* udevd's message: a header, then the properties where it says. */
static void parse_udev(void)
{
	static const char props[] = "ACTION=add\0SUBSYSTEM=block\0"
				    "DEVNAME=/dev/vdb\0DEVLINKS=/dev/disk/by-id/virtio-X";
	char m[256] = "libudev";
	uint32_t magic = 0xcafefeed, hs = 40, off = 40, len = sizeof(props);
	struct uevent ev;

	memcpy(m + 8, &magic, 4);
	memcpy(m + 12, &hs, 4);
	memcpy(m + 16, &off, 4);
	memcpy(m + 20, &len, 4);
	memcpy(m + 40, props, sizeof(props));
	CHECK_INT(uevent_parse_udev(m, 40 + sizeof(props), &ev), 0);
	CHECK_STR(ev.devname, "vdb");
	CHECK_STR(ev.action, "add");
	/* properties past the end, a kernel message: refused */
	CHECK_INT(uevent_parse_udev(m, 50, &ev), -EINVAL);
	CHECK_INT(uevent_parse_udev("add@/x\0ACTION=add", 17, &ev), -EINVAL);
}

static void never(void)
{
	int fd = open_src();
	struct uevent ev;
	int64_t t0 = now_ms();

	CHECK(fd >= 0);
	CHECK_INT(uevent_wait(fd, now_ms() + 150, &ev), 0);
	CHECK(now_ms() - t0 >= 150);
	CHECK_INT(uevent_wait(fd, now_ms() - 1, &ev), 0); /* past deadline */
	close(fd);
	unlink(sock_path);
}

static void twice_and_filtered(void)
{
	static const char blk[] = "add@/block/vdc\0ACTION=add\0SUBSYSTEM=block"
				  "\0DEVNAME=vdc";
	static const char net[] = "add@/net/eth0\0ACTION=add\0SUBSYSTEM=net";
	static const char nodev[] = "change@/block/x\0ACTION=change\0"
				    "SUBSYSTEM=block";
	int fd = open_src();
	struct uevent ev;

	send_msg(net, sizeof(net));
	send_msg(nodev, sizeof(nodev));
	send_msg(blk, sizeof(blk));
	send_msg(blk, sizeof(blk));
	CHECK_INT(uevent_wait(fd, now_ms() + 1000, &ev), 1);
	CHECK_STR(ev.devname, "vdc");
	CHECK_INT(uevent_wait(fd, now_ms() + 1000, &ev), 1);
	CHECK_STR(ev.devname, "vdc");
	CHECK_INT(uevent_wait(fd, now_ms() + 100, &ev), 0);
	close(fd);
	unlink(sock_path);
}

static void netlink_opens(void)
{
	struct context c;
	int fd;

	context_init(&c);
	fd = uevent_open(&c);
	/* Containers may forbid it; where it opens, it must wait quietly. */
	if (fd >= 0) {
		struct uevent ev;

		CHECK(uevent_wait(fd, now_ms() + 50, &ev) >= 0);
		close(fd);
	}
}

TEST_MAIN(T(parse), T(parse_udev), T(never), T(twice_and_filtered), T(netlink_opens))
