// SPDX-License-Identifier: GPL-2.0-or-later
#include "bootfs.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sysfs.h"

/* The next mount of mountinfo f: its major:minor and mount point. */
static bool mountinfo_next(FILE *f, char mm[64], char mp[4096])
{
	char line[4096];

	while (fgets(line, sizeof(line), f))
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		if (sscanf(line, "%*s %*s %63s %*s %4095s", mm, mp) == 2)
			return true;
	return false;
}

/* major:minor of the mount at path (the last one mounted there). */
static bool mount_dev(const char *mountinfo, const char *path, char *dev,
		      size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	char mp[4096], mm[64];
	bool found = false;

	while (f && mountinfo_next(f, mm, mp))
		if (!strcmp(mp, path)) {
			snprintf(dev, len, "%s", mm);
			found = true;
		}
	return found;
}

/* The bcache device dev's backing device runs as: "bcache0", or "". */
static void bcache_of(struct context *ctx, const char *dev, char *out,
		      size_t len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/block/%s/bcache/dev", dev);
	if (sysfs_link_name(ctx, rel, out, len) < 0)
		out[0] = 0;
}

/* Does the root file system carry boot files in /boot? */
static bool root_has_boot(struct context *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool any = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/boot", ctx->fsroot);
	d = opendir(path);
	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return any;
}

bool holds_boot(struct context *ctx, const char *dev)
{
	/* what firmware and bootloader read: the ESP, /boot */
	static const char *const mounts[] = { "/boot/efi", "/efi", "/boot" };
	char mm[64], bdev[64], rel[300], want[64];

	bcache_of(ctx, dev, bdev, sizeof(bdev));
	if (!bdev[0])
		return false;
	snprintf(rel, sizeof(rel), "class/block/%s/dev", bdev);
	if (sysfs_read(ctx, rel, want, sizeof(want)) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++)
		if (mount_dev(ctx->mountinfo, mounts[i], mm, sizeof(mm)) &&
		    !strcmp(want, mm))
			return true;
	return !mount_dev(ctx->mountinfo, "/boot", mm, sizeof(mm)) &&
	       root_has_boot(ctx) &&
	       mount_dev(ctx->mountinfo, "/", mm, sizeof(mm)) &&
	       !strcmp(want, mm);
}

/* Where device maj:min is mounted (its first mount), or false. */
static bool mounted_at(struct context *ctx, const char *want, char *where,
		       size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(ctx->mountinfo, "re");
	char mp[4096], mm[64];

	while (f && mountinfo_next(f, mm, mp))
		if (!strcmp(mm, want)) {
			snprintf(where, len, "%s", mp);
			return true;
		}
	return false;
}

bool disk_mounted(struct context *ctx, const struct blockdev *d, char *where,
		  size_t len)
{
	char want[64];

	snprintf(want, sizeof(want), "%u:%u", d->major, d->minor);
	return mounted_at(ctx, want, where, len);
}

bool volume_mounted(struct context *ctx, const char *dev, char *where,
		    size_t len)
{
	char bdev[64], rel[300], want[64];

	bcache_of(ctx, dev, bdev, sizeof(bdev));
	if (!bdev[0])
		return false;
	snprintf(rel, sizeof(rel), "class/block/%s/dev", bdev);
	return sysfs_read(ctx, rel, want, sizeof(want)) == 0 &&
	       mounted_at(ctx, want, where, len);
}

bool disk_in_use(struct context *ctx, const struct blockdev *d, char *what,
		 size_t len)
{
	char mp[3000], rel[300], path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if (disk_mounted(ctx, d, mp, sizeof(mp))) {
		snprintf(what, len, "mounted on %.*s", (int)(len > 12 ? len - 12 : 0), mp);
		return true;
	}
	snprintf(rel, sizeof(rel), "class/block/%s/holders", d->name);
	if (sysfs_path(ctx, rel, path, sizeof(path)) < 0 || !(dir = opendir(path)))
		return false;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.') {
			snprintf(what, len, "held by %s (device mapper, md "
				 "or LVM)", de->d_name);
			closedir(dir);
			return true;
		}
	closedir(dir);
	return false;
}

bool boot_on_bcache(struct context *ctx)
{
	static const char *const mounts[] = { "/boot/efi", "/efi", "/boot" };
	char mm[64], rel[128];
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(mounts) && !any; i++)
		if (mount_dev(ctx->mountinfo, mounts[i], mm, sizeof(mm))) {
			snprintf(rel, sizeof(rel), "dev/block/%s/bcache", mm);
			any = sysfs_exists(ctx, rel);
		}
	if (!any && !mount_dev(ctx->mountinfo, "/boot", mm, sizeof(mm)) &&
	    root_has_boot(ctx) && mount_dev(ctx->mountinfo, "/", mm, sizeof(mm))) {
		snprintf(rel, sizeof(rel), "dev/block/%s/bcache", mm);
		any = sysfs_exists(ctx, rel);
	}
	return any;
}
