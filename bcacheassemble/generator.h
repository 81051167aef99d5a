/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "bcachetab.h"
#include "macro.h"

/*
 * systemd unit names. unit_escape_path: a path as systemd-escape --path
 * writes it (slashes simplified, the leading and trailing ones dropped, '/'
 * to '-', other bytes outside [A-Za-z0-9:_.] and a leading '.' as \xNN).
 * -ENAMETOOLONG when it does not fit.
 */
int unit_escape_path(const char *path, char *out, size_t len) _must_check_;
/*
 * A volume's unit, bcacheassemble@NAME.service. A bcachetab name (A-Z a-z
 * 0-9 . _ -) is a valid instance as it is, and the units take it unescaped
 * (%i): 'systemctl status bcacheassemble@my-data' as written in bcachetab,
 * and a udev SYSTEMD_WANTS= value with no backslash for systemd to read.
 */
int volume_unit(const char *name, char *out, size_t len) _must_check_;

/*
 * The device unit a volume's unit waits for, or "" when there is none to
 * wait for: a tag (UUID=, LABEL=...) and a /dev/disk/by-uuid or by-label
 * path name a file system, whose links udev removes for a raw disk.
 */
int generator_device_unit(const struct bt_entry *e, char *out, size_t len)
	_must_check_;

/*
 * Write, under dir (a generator's normal directory), what systemd needs
 * for the volume of one bcachetab line: the drop-in of
 * bcacheassemble@NAME.service (its device, its place in the boot, its last
 * resort), the wants link of the target that pulls it in, and the device
 * unit's timeout. config: the file named in SourcePath=; unitdir: where the
 * template is installed. 0 or -errno.
 */
int generator_volume(const struct bt_entry *e, const char *config,
		     const char *dir, const char *unitdir) _must_check_;
