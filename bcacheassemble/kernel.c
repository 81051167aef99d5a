// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel.h"

#include <string.h>

#include "sysfs.h"
#include "uuidtext.h"

static int kattr_path(char *buf, size_t len, const char *dev,
		      const char *attr)
{
	int n = snprintf(buf, len, "class/block/%s/bcache%s%s", dev,
			 attr ? "/" : "", attr ? attr : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int kattr_read(struct context *ctx, const char *dev, const char *attr,
	       char *buf, size_t len)
{
	char rel[256];
	int r = kattr_path(rel, sizeof(rel), dev, attr);

	return r < 0 ? r : sysfs_read(ctx, rel, buf, len);
}

int kattr_write(struct context *ctx, const char *dev, const char *attr,
		const char *text)
{
	char rel[256];
	int r = kattr_path(rel, sizeof(rel), dev, attr);

	return r < 0 ? r : sysfs_write(ctx, rel, text);
}

bool backing_registered(struct context *ctx, const char *dev)
{
	char rel[256];

	return kattr_path(rel, sizeof(rel), dev, "running") == 0 &&
	       sysfs_exists(ctx, rel);
}

bool backing_running(struct context *ctx, const char *dev)
{
	char buf[16];

	return kattr_read(ctx, dev, "running", buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "1");
}

bool backing_attached(struct context *ctx, const char *dev, char *cset,
		      size_t len)
{
	char rel[256];

	return kattr_path(rel, sizeof(rel), dev, "cache") == 0 &&
	       sysfs_link_name(ctx, rel, cset, len) == 0;
}

bool cache_set_present(struct context *ctx, const uint8_t cset[16])
{
	char rel[64], u[UUID_STR_LEN];

	uuid_to_text(cset, u);
	snprintf(rel, sizeof(rel), "fs/bcache/%s", u);
	return sysfs_exists(ctx, rel);
}

enum cache_mode kmode_parse(const char *text)
{
	char buf[128];
	char *l, *r;

	snprintf(buf, sizeof(buf), "%s", text);
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r)
		return MODE_UNSET;
	*r = 0;
	return cache_mode_from_name(l + 1);
}

bool cache_registered(struct context *ctx, const char *dev)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/block/%s/bcache/set", dev);
	return sysfs_exists(ctx, rel);
}

int kernel_register(struct context *ctx, const char *node)
{
	return sysfs_write(ctx, "fs/bcache/register", node);
}

bool kernel_has_register_raw(struct context *ctx)
{
	return sysfs_exists(ctx, "fs/bcache/register_raw");
}

int kernel_register_raw(struct context *ctx, const char *line)
{
	return sysfs_write(ctx, "fs/bcache/register_raw", line);
}

void kview_read(struct context *ctx, const char *dev, struct kview *k)
{
	char buf[128], cset[64];

	memset(k, 0, sizeof(*k));
	k->mode = MODE_UNSET;
	k->registered = backing_registered(ctx, dev);
	if (!k->registered)
		return;
	k->running = backing_running(ctx, dev);
	k->attached = backing_attached(ctx, dev, cset, sizeof(cset)) &&
		      uuid_from_text(cset, k->cset) == 0;
	if (kattr_read(ctx, dev, "cache_mode", buf, sizeof(buf)) == 0)
		k->mode = kmode_parse(buf);
	k->dirty = kattr_read(ctx, dev, "state", buf, sizeof(buf)) == 0 &&
		   !strcmp(buf, "dirty");
}
