// SPDX-License-Identifier: GPL-2.0-or-later
#include "context.h"

#include <stdlib.h>
#include <string.h>

void context_init(struct context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->config = "/etc/bcachetab";
	ctx->sysfs = "/sys";
	ctx->devroot = "";
	ctx->statedir = "/var/lib/bcacheassemble";
	ctx->rundir = "/run/bcacheassemble";
	ctx->cmdline = "/proc/cmdline";
	ctx->fsroot = "";
	ctx->load_module = true;
}

static void override(const char **field, const char *var)
{
	const char *v = getenv(var);

	if (v && *v)
		*field = v;
}

void context_from_env(struct context *ctx)
{
	override(&ctx->config, "BCACHETAB");
	override(&ctx->sysfs, "BCACHEASSEMBLE_SYSFS");
	override(&ctx->devroot, "BCACHEASSEMBLE_DEVROOT");
	override(&ctx->statedir, "BCACHEASSEMBLE_STATEDIR");
	override(&ctx->rundir, "BCACHEASSEMBLE_RUNDIR");
	override(&ctx->uevent_sock, "BCACHEASSEMBLE_UEVENT_SOCKET");
	override(&ctx->cmdline, "BCACHEASSEMBLE_CMDLINE");
	override(&ctx->fsroot, "BCACHEASSEMBLE_FSROOT");
	if (getenv("BCACHEASSEMBLE_NO_KMOD"))
		ctx->load_module = false;
}
