// SPDX-License-Identifier: GPL-2.0-or-later
#include "kmodload.h"

#include <libkmod.h>

#include "sysfs.h"

static int load_with_kmod(void)
{
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);
	struct kmod_list *list = NULL, *it;
	int r;

	if (!kctx)
		return -ENOMEM;
	r = kmod_module_new_from_lookup(kctx, "bcache", &list);
	if (r == 0 && !list)
		r = -ENOENT;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		r = kmod_module_probe_insert_module(m, 0, NULL, NULL, NULL,
						    NULL);
		kmod_module_unref(m);
		if (r == -EEXIST)
			r = 0;
		if (r == 0)
			break;
	}
	kmod_module_unref_list(list);
	kmod_unref(kctx);
	return r;
}

int bcache_module_ensure(struct context *ctx)
{
	int r;

	if (sysfs_exists(ctx, "fs/bcache"))
		return 0;
	if (!ctx->load_module)
		return -ENOENT;
	r = load_with_kmod();
	if (r < 0)
		return r;
	/* Module init creates /sys/fs/bcache before insert returns. */
	return sysfs_exists(ctx, "fs/bcache") ? 0 : -ENOENT;
}
