// SPDX-License-Identifier: GPL-2.0-or-later
/* Guest helper: print kernel uevents (one line each, NULs as spaces) until
 * killed. Used to check the CHANGE event that carries CACHED_UUID. */
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[8192];
	int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("READY\n"); /* bound: events from now on are seen */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = 0;
		printf("%s\n", buf);
	}
}
