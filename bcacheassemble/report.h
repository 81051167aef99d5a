/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "bcachetab.h"
#include "context.h"
#include "devices.h"
#include "hide.h"
#include "superblock.h"

/* Output of the query modes; they write to out and return an exit code. */
void report_examine(FILE *out, const char *path, const struct bcache_sb *sb,
		    int status);
int report_examine_scan(FILE *out, struct context *ctx,
			const struct devtab *devs);
int report_detail(FILE *out, struct context *ctx, const struct bt_entry *e,
		  const struct devtab *devs);
int report_detail_scan(FILE *out, struct context *ctx,
		       const struct bcachetab *tab, const struct devtab *devs);
/*
 * KEY=VALUE lines for udev IMPORT{program} about one device; for a raw disk
 * also BCACHEASSEMBLE_KEEP_LINKS, its links without by-uuid and by-label.
 */
int report_export(FILE *out, struct context *ctx, const struct bcachetab *tab,
		  const struct devtab *devs, const char *devname,
		  const struct aliases *al, const struct hidelist *hide);
