/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "context.h"
#include "macro.h"

/*
 * Kernel uevents, read from NETLINK_KOBJECT_UEVENT (works without udevd, in
 * an initramfs), and udevd's events after its rules ran (when it runs: the
 * /dev/disk/by-* links a bcachetab line may name are made by udev). Open the source *before* scanning sysfs, so that a device
 * appearing between the scan and the wait is not missed. Tests bind an
 * AF_UNIX datagram socket at ctx->uevent_sock instead and send the same
 * "action@devpath\0KEY=VALUE\0..." payload.
 */
struct uevent {
	char action[16];
	char subsystem[32];
	char devname[64];
};

int uevent_open(struct context *ctx) _must_check_; /* fd or -errno */
/*
 * Wait for one block-device event until deadline_ms (CLOCK_MONOTONIC).
 * Returns 1 with *ev filled, 0 at the deadline, -errno on error.
 */
int uevent_wait(int fd, int64_t deadline_ms, struct uevent *ev) _must_check_;
int uevent_parse(const char *buf, size_t len, struct uevent *ev);
/* udevd's "libudev" message (its properties), -EINVAL for anything else. */
int uevent_parse_udev(const char *buf, size_t len, struct uevent *ev);
int64_t now_ms(void);
