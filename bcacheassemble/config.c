// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <string.h>

#include "assemble.h"
#include "log.h"
#include "devices.h"

int config_load(struct context *ctx, struct bcachetab *tab, bool missing_ok)
{
	const char *why;
	int r = bcachetab_check_owner(ctx->config, &why);

	memset(tab, 0, sizeof(*tab));
	if (r == -ENOENT && missing_ok)
		return bcachetab_parse("", 0, tab) < 0 ? -ENOMEM : EXIT_OK;
	if (r == -EPERM) {
		log_err("%s %s: refusing it%s", ctx->config, why,
			strstr(why, "root") || strstr(why, "writable") ?
				", since whoever can write it decides what "
				"root registers (chown root, chmod go-w)" :
				"");
		return r;
	}
	if (r == 0)
		r = bcachetab_load(ctx->config, tab);
	if (r == 0)
		r = bcachetab_check_duplicates(tab);
	if (r < 0) {
		log_err("cannot read %s: %s", ctx->config, strerror(-r));
		bcachetab_free(tab);
		return r;
	}
	for (size_t i = 0; i < tab->n_errors; i++)
		log_at(ctx->config, tab->errors[i].line, "%s",
		       tab->errors[i].msg);
	return tab->n_errors ? EXIT_CONFIG : EXIT_OK;
}

struct resolved {
	size_t dev, entry;
};

static int by_dev(const void *pa, const void *pb)
{
	const struct resolved *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return (a->entry > b->entry) - (a->entry < b->entry);
}

int config_check_devices(struct context *ctx, const struct bcachetab *tab,
			 const struct devtab *devs)
{
	struct resolved *r = calloc(tab->n_entries + 1, sizeof(*r));
	size_t n = 0;
	int problems = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < tab->n_entries; i++) {
		const struct bt_entry *e = &tab->entries[i];
		const struct blockdev *d;
		int k = devtab_lookup(ctx, devs, e->device, &d);

		if (k > 1) {
			log_at(ctx->config, e->line,
			       "%s: %s names more than one device (a cloned "
			       "disk?); name it by a path such as "
			       "/dev/disk/by-id/...",
			       e->name, e->device);
			problems++;
		} else if (d) {
			r[n].dev = (size_t)(d - devs->v);
			r[n++].entry = i;
		}
	}
	qsort(r, n, sizeof(*r), by_dev);
	for (size_t i = 1; i < n; i++) {
		const struct bt_entry *a = &tab->entries[r[i - 1].entry],
				      *b = &tab->entries[r[i].entry];

		if (r[i].dev != r[i - 1].dev)
			continue;
		log_at(ctx->config, b->line,
		       "%s: %s is the same disk as %s of '%s' on line %u; one "
		       "disk, one line",
		       b->name, b->device, a->device, a->name, a->line);
		problems++;
	}
	free(r);
	return problems;
}
