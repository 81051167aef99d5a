// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest helper for the VM tests.
 *   vmh write PATH TEXT        one write(2); prints OK or the errno name
 *   vmh nocap PATH TEXT        the same without CAP_SYS_ADMIN
 *   vmh excl DEV               open O_EXCL: OK or the errno name
 *   vmh fuzz N SEED DEV        N malformed register_raw lines naming DEV
 *   vmh flashuuid DEV SECTORS  the uuid of the flash-only volume of SECTORS
 *                              in the uuid table of cache device DEV
 *   vmh peer SOCKET CMD...     run CMD with its stderr a stream connected to
 *                              a listener at SOCKET (as journald's stdout
 *                              is); prints what the listener received
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EINVAL, "EINVAL" }, { EEXIST, "EEXIST" }, { EBUSY, "EBUSY" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ ENXIO, "ENXIO" }, { ERANGE, "ERANGE" }, { ENOMEM, "ENOMEM" },
		{ ENOTBLK, "ENOTBLK" }, { EIO, "EIO" }, { ENODEV, "ENODEV" },
		{ EROFS, "EROFS" }, { EUCLEAN, "EUCLEAN" },
		{ EMEDIUMTYPE, "EMEDIUMTYPE" }, { ENODATA, "ENODATA" },
		{ ENOSPC, "ENOSPC" },
	};
	static char buf[16];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int write_once(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	close(fd);
	return n < 0 ? errno : 0;
}

static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * The uuid table is not in sysfs: scan the cache device for a 128-byte
 * uuid_entry with the flash-only flag and the given size.
 */
static int flash_uuid(const char *dev, unsigned long long sectors)
{
	unsigned char e[128];
	FILE *f = fopen(dev, "rb");
	int found = 1;

	if (!f)
		return 2;
	while (found && fread(e, sizeof(e), 1, f) == 1) {
		unsigned long long s;
		unsigned flags;

		memcpy(&flags, e + 60, 4);
		memcpy(&s, e + 64, 8);
		if (!(flags & 1) || s != sectors || !memcmp(e, "\0\0\0\0", 4))
			continue;
		for (int i = 0; i < 16; i++)
			printf("%02x%s", e[i],
			       i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
		putchar('\n');
		found = 0;
	}
	fclose(f);
	return found;
}

static unsigned long long rng;
static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33) % n;
}

static const char *const pieces[] = {
	"uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac0",
	"cset=ee0c5ce4-c401-45ae-bbd2-11d9bce912c9",
	"uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac",   /* 35 */
	"uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac00", /* 37 */
	"uuid=6b1561e6-55b1-44ab-84ad-9c2164d17acg",
	"uuid=a03ef8ed-3ee1-b878-c850-fc5ecb16cd99",  /* invalid_uuid */
	"uuid=00000000-0000-0000-0000-000000000000",
	"cset=00000000-0000-0000-0000-000000000000",
	"mode=writeback", "mode=WRITEBACK", "mode=", "mode=writebackx",
	"state=dirty", "state=clean", "state=stale", "state=bogus",
	"label=ok", "label=a/b", "label=123456789012345678901234567890123",
	"data_offset=0", "data_offset=-1", "data_offset=99999999999999999999",
	"data_offset=18446744073709551615", "data_offset=0x10",
	"block=512", "block=0", "block=3", "block=8192", "block=4097",
	"block=4294967808", "dev=", "dev=vdd", "dev=4294967295:1",
	"dev=1:4294967295", "dev=8:", "dev=:8", "dev=/dev/../dev/null",
	"=", "==", "x=y", "uuid", "dev", "label==x", "key=value=1",
};

/* A line that is almost right, then broken in one or more ways. */
static size_t make_line(char *buf, size_t cap, const char *dev)
{
	size_t len = 0;
	int n = 1 + (int)rnd(6);

	if (rnd(4))
		len += (size_t)snprintf(buf, cap, "dev=%s ", dev);
	for (int i = 0; i < n && len < cap - 64; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s ",
					pieces[rnd(sizeof(pieces) / sizeof(*pieces))]);
	switch (rnd(8)) {
	case 0: /* long: around the 1024-byte limit */
		len = 1022 + rnd(5);
		if (len > cap)
			len = cap;
		memset(buf + 200, 'a', len - 200);
		break;
	case 1: /* NUL or newline inside */
		buf[rnd((unsigned)len)] = rnd(2) ? '\0' : '\n';
		break;
	case 2: /* random bytes */
		for (int k = 0; k < 4; k++)
			buf[rnd((unsigned)len)] = (char)rnd(256);
		break;
	case 3: /* a key twice */
		len += (size_t)snprintf(buf + len, cap - len, "uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac1");
		break;
	case 4: /* unknown key */
		len += (size_t)snprintf(buf + len, cap - len, "frobnicate=1");
		break;
	default:
		break;
	}
	return len;
}

static int fuzz(int n, unsigned long long seed, const char *dev)
{
	static char line[1100];
	int counts[256] = { 0 }, ok = 0;

	rng = seed;
	for (int i = 0; i < n; i++) {
		size_t len = make_line(line, sizeof(line), dev);
		int e = write_once("/sys/fs/bcache/register_raw", line, len);

		if (e == 0) { /* a valid line slipped through: undo it */
			ok++;
			write_once("/sys/block/vdd/bcache/stop", "1", 1);
			for (int k = 0; k < 200 && access("/sys/block/vdd/bcache", F_OK) == 0; k++)
				usleep(10000);
		} else {
			counts[e & 255]++;
		}
	}
	printf("fuzz: %d lines, %d accepted", n, ok);
	for (int e = 0; e < 256; e++)
		if (counts[e])
			printf(", %s=%d", ename(e), counts[e]);
	printf("\n");
	return 0;
}

/* Connected to a listener at path: the child's stderr as systemd sets it. */
static int peer(const char *path, char **cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int a, st;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (a = accept(l, NULL, NULL)) < 0) {
		perror("vmh peer");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("vmh peer: fork");
		return 2;
	}
	if (pid == 0) {
		close(a); /* the listener's end: EOF when the child exits */
		dup2(c, STDERR_FILENO);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(c);
	close(l);
	while ((n = read(a, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	waitpid(pid, &st, 0);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "write")) {
		int e = write_once(argv[2], argv[3], strlen(argv[3]));

		puts(e ? ename(e) : "OK");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "nocap")) {
		if (drop_sys_admin())
			return 2;
		int e = write_once(argv[2], argv[3], strlen(argv[3]));

		puts(e ? ename(e) : "OK");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "excl")) {
		int fd = open(argv[2], O_RDWR | O_EXCL);

		puts(fd < 0 ? ename(errno) : "OK");
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "flashuuid"))
		return flash_uuid(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return fuzz(atoi(argv[2]), strtoull(argv[3], NULL, 10), argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "peer"))
		return peer(argv[2], argv + 3);
	fprintf(stderr, "usage: see source\n");
	return 2;
}
