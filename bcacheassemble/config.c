// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <string.h>

#include "assemble.h"
#include "log.h"

int config_load(struct context *ctx, struct bcachetab *tab, bool missing_ok)
{
	const char *why;
	int r = bcachetab_check_owner(ctx->config, &why);

	memset(tab, 0, sizeof(*tab));
	if (r == -ENOENT && missing_ok)
		return bcachetab_parse("", 0, tab) < 0 ? -ENOMEM : EXIT_OK;
	if (r == -EPERM) {
		log_err("%s %s: refusing it, since whoever can write it decides "
			"what root registers (chown root, chmod go-w)",
			ctx->config, why);
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
