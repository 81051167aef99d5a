/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "context.h"
#include "macro.h"

/*
 * One lock for every invocation that reads, decides on and rewrites
 * bcachetab or the run marks: an flock on ctx->rundir/lock. /run is a tmpfs
 * from the first instruction of the initramfs on, so the lock works on a
 * read-only root too. Returns the lock's fd, or -errno: -EWOULDBLOCK when
 * another invocation holds it (wait == false) or still holds it after
 * timeout seconds.
 */
int lock_take(struct context *ctx, bool wait, unsigned timeout) _must_check_;
/*
 * The registration lock, ctx->rundir/register.lock. Held around "is it
 * registered? then register it", so that udev's --incremental and a --scan
 * never both register one device (the kernel refuses the second, but says
 * so in dmesg at every boot); around every change of a line (record_line);
 * and by --incremental from before it reads bcachetab until its last sysfs
 * write, so that what it writes follows the line as it is, not as it was
 * before another invocation changed it. Nests within one process: 0 when
 * held (or already held by a caller), -errno (-EWOULDBLOCK after timeout
 * seconds) when not; each 0 is paired with one unlock_registration().
 */
int lock_registration(struct context *ctx, unsigned timeout) _must_check_;
void unlock_registration(void);
void lock_release(int fd);
