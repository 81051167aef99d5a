/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Everything the tool touches on the system, in one place, so that tests can
 * point it at a fake tree. Production values come from defaults, options and
 * the BCACHEASSEMBLE_* environment variables (see bcacheassemble(8)).
 */
struct context;

/* Optional interception of sysfs writes (tests inject errors and effects). */
typedef int (*sysfs_write_hook)(struct context *ctx, const char *relpath,
				const char *buf, size_t len);

struct context {
	const char *config;     /* bcachetab path */
	const char *sysfs;      /* sysfs mount point, "/sys" */
	const char *devroot;    /* prefix for device nodes, "" normally */
	const char *rundir;     /* run marks and the lock, /run/bcacheassemble */
	const char *imageflag;  /* "initramfs images outdated", persistent */
	const char *update_images; /* shell command rebuilding every image */
	const char *uevent_sock; /* AF_UNIX datagram path replacing netlink */
	const char *cmdline;    /* kernel command line, /proc/cmdline */
	const char *fsroot;     /* prefix for initramfs detection, "" */
	const char *mountinfo;  /* /proc/self/mountinfo */
	bool load_module;       /* may load bcache with libkmod */
	bool in_initrd;         /* initramfs: bcachetab is the image's copy */
	sysfs_write_hook write_hook;
	void *hook_data;
};

void context_init(struct context *ctx);
void context_from_env(struct context *ctx);
