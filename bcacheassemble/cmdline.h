/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define KCMD_NAMES_MAX 16

/* The rd.bcache* options of the kernel command line (bcacheassemble(8)). */
struct kcmdline {
	bool disabled;      /* rd.bcache=0 */
	bool no_conf;       /* rd.bcache.conf=0 */
	int timeout;        /* rd.bcache.timeout=, -1 if absent */
	char names[KCMD_NAMES_MAX][33]; /* rd.bcache.name=, repeatable */
	size_t n_names;
	char run[KCMD_NAMES_MAX][33];   /* rd.bcache.run=, repeatable */
	size_t n_run;
};

/* Unknown words are ignored: the line belongs to the whole system. */
int kcmdline_parse(const char *text, struct kcmdline *k) _must_check_;
int kcmdline_read(const char *path, struct kcmdline *k) _must_check_;
bool kcmdline_wants(const struct kcmdline *k, const char *name);
/* rd.bcache.run=NAME: start NAME without its cache set, giving up its dirty data */
bool kcmdline_runs(const struct kcmdline *k, const char *name);
/* Running in an initramfs (dracut or initramfs-tools)? */
bool in_initramfs(const char *root);
