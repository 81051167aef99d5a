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
	ctx->imageflag = "/etc/bcacheassemble/initramfs-outdated";
	ctx->update_images =
		"if command -v update-initramfs >/dev/null; then "
		"update-initramfs -u -k all; else dracut -f --regenerate-all; fi";
	ctx->rundir = "/run/bcacheassemble";
	ctx->cmdline = "/proc/cmdline";
	ctx->fsroot = "";
	ctx->mountinfo = "/proc/self/mountinfo";
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
	override(&ctx->imageflag, "BCACHEASSEMBLE_IMAGE_FLAG");
	override(&ctx->update_images, "BCACHEASSEMBLE_UPDATE_IMAGES");
	override(&ctx->rundir, "BCACHEASSEMBLE_RUNDIR");
	override(&ctx->uevent_sock, "BCACHEASSEMBLE_UEVENT_SOCKET");
	override(&ctx->cmdline, "BCACHEASSEMBLE_CMDLINE");
	override(&ctx->fsroot, "BCACHEASSEMBLE_FSROOT");
	override(&ctx->mountinfo, "BCACHEASSEMBLE_MOUNTINFO");
	if (getenv("BCACHEASSEMBLE_NO_KMOD"))
		ctx->load_module = false;
}
