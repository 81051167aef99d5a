// SPDX-License-Identifier: GPL-2.0-or-later
#include "fakekernel.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "superblock.h"
#include "uuidtext.h"

static void mkdirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

static void path_of(struct fk *fk, const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%s/sys/%s", fk->root, rel);
}

void fk_write_file(struct fk *fk, const char *rel, const char *text)
{
	char p[512], dir[512];
	FILE *f;

	path_of(fk, rel, p, sizeof(p));
	snprintf(dir, sizeof(dir), "%s", p);
	*strrchr(dir, '/') = 0;
	mkdirs(dir);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

const char *fk_read_file(struct fk *fk, const char *rel)
{
	static char buf[512];
	char p[512];
	FILE *f;
	size_t n;

	path_of(fk, rel, p, sizeof(p));
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

bool fk_exists(struct fk *fk, const char *rel)
{
	char p[512];

	path_of(fk, rel, p, sizeof(p));
	return access(p, F_OK) == 0;
}

static void fk_symlink(struct fk *fk, const char *target, const char *rel)
{
	char p[512];

	path_of(fk, rel, p, sizeof(p));
	unlink(p);
	if (symlink(target, p) < 0)
		perror("symlink");
}

static void rm_rf(struct fk *fk, const char *rel)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/%s'", fk->root, rel);
	if (system(cmd) != 0)
		fprintf(stderr, "rm -rf failed\n");
}

/* Disk name from "MAJ:MIN". */
static bool disk_by_devt(struct fk *fk, const char *devt, char *name,
			 size_t len)
{
	char p[512];
	DIR *d;
	struct dirent *de;
	bool found = false;

	path_of(fk, "class/block", p, sizeof(p));
	d = opendir(p);
	while (d && (de = readdir(d))) {
		char rel[300];
		const char *v;

		snprintf(rel, sizeof(rel), "class/block/%s/dev", de->d_name);
		v = fk_read_file(fk, rel);
		if (v && !strcmp(v, devt)) {
			snprintf(name, len, "%.63s", de->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static const char *bdir(const char *dev, const char *attr)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "class/block/%s/bcache%s%s", dev,
		 attr ? "/" : "", attr ? attr : "");
	return buf;
}

static void run_backing(struct fk *fk, const char *dev)
{
	char name[32], rel[300], devt[32];

	if (!strcmp(fk_read_file(fk, bdir(dev, "running")) ?: "", "1"))
		return;
	fk_write_file(fk, bdir(dev, "running"), "1\n");
	snprintf(name, sizeof(name), "bcache%u", fk->next_bcache);
	snprintf(devt, sizeof(devt), "252:%u\n", fk->next_bcache * 128);
	fk->next_bcache++;
	snprintf(rel, sizeof(rel), "class/block/%s/dev", name);
	fk_write_file(fk, rel, devt);
	snprintf(rel, sizeof(rel), "../../../%s", name);
	fk_symlink(fk, rel, bdir(dev, "dev"));
}

static void attach_backing(struct fk *fk, const char *dev, const char *cset)
{
	char target[128];
	const char *st = fk_read_file(fk, bdir(dev, ".bstate"));

	snprintf(target, sizeof(target), "../../../../fs/bcache/%s", cset);
	fk_symlink(fk, target, bdir(dev, "cache"));
	fk_write_file(fk, bdir(dev, "state"),
		      st && !strcmp(st, "dirty") ? "dirty\n" : "clean\n");
	run_backing(fk, dev);
}

/* A cache set appeared: attach every backing device waiting for it. */
static void attach_waiting(struct fk *fk, const char *cset)
{
	char p[512];
	DIR *d;
	struct dirent *de;

	path_of(fk, "class/block", p, sizeof(p));
	d = opendir(p);
	while (d && (de = readdir(d))) {
		const char *want = fk_read_file(fk, bdir(de->d_name, ".cset"));

		if (want && !strcmp(want, cset) &&
		    !fk_exists(fk, bdir(de->d_name, "cache")))
			attach_backing(fk, de->d_name, cset);
	}
	if (d)
		closedir(d);
}

void fk_add_cache_set(struct fk *fk, const char *cset)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "fs/bcache/%s/.present", cset);
	fk_write_file(fk, rel, "1\n");
	attach_waiting(fk, cset);
}

static const char *const states[] = { "none", "clean", "dirty", "stale" };

static int write_mode(struct fk *fk, const char *dev, const char *mode);

static int register_backing(struct fk *fk, const char *dev, const char *uuid,
			    const char *cset, unsigned state, const char *mode)
{
	char crel[128];

	if (fk_exists(fk, bdir(dev, NULL)))
		return -EEXIST;
	fk_write_file(fk, bdir(dev, "running"), "0\n");
	fk_write_file(fk, bdir(dev, "backing_dev_uuid"), uuid);
	fk_write_file(fk, bdir(dev, ".bstate"), states[state & 3]);
	fk_write_file(fk, bdir(dev, ".cset"), cset ? cset : "");
	fk_write_file(fk, bdir(dev, "state"), "no cache\n");
	fk_write_file(fk, bdir(dev, "dirty_data"), "0\n");
	fk_write_file(fk, bdir(dev, "label"), "\n");
	write_mode(fk, dev, mode);
	if (state == BDEV_NONE || state == BDEV_STALE)
		run_backing(fk, dev);
	snprintf(crel, sizeof(crel), "fs/bcache/%s", cset ? cset : "-");
	if (cset && *cset && fk_exists(fk, crel))
		attach_backing(fk, dev, cset);
	return 0;
}

static int do_register(struct fk *fk, const char *text)
{
	const char *base = strrchr(text, '/');
	struct bcache_sb sb;
	char u[UUID_STR_LEN], c[UUID_STR_LEN], dev[64], rel[128];

	base = base ? base + 1 : text;
	snprintf(dev, sizeof(dev), "%s", base);
	dev[strcspn(dev, "\n")] = 0;
	if (sb_read(text, &sb) < 0)
		return -EINVAL;
	uuid_to_text(sb.uuid, u);
	uuid_to_text(sb.set_uuid, c);
	if (!sb_is_backing(&sb)) {
		if (fk_exists(fk, bdir(dev, NULL)))
			return -EINVAL;
		fk_write_file(fk, bdir(dev, "set"), c);
		snprintf(rel, sizeof(rel), "fs/bcache/%s/.present", c);
		fk_write_file(fk, rel, "1\n");
		attach_waiting(fk, c);
		return 0;
	}
	return register_backing(fk, dev, u,
				sb_bdev_state(&sb) ? c : NULL,
				sb_bdev_state(&sb),
				sb_cache_mode(&sb) == 1 ? "writeback" :
							  "writethrough");
}

static int do_register_raw(struct fk *fk, const char *text)
{
	char buf[512], dev[64] = "", uuid[64] = "", cset[64] = "";
	char state[16] = "", mode[32] = "writethrough";
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(t, "dev=", 4) &&
		    !disk_by_devt(fk, t + 4, dev, sizeof(dev)))
			return -ENOENT;
		if (!strncmp(t, "uuid=", 5))
			snprintf(uuid, sizeof(uuid), "%s", t + 5);
		if (!strncmp(t, "cset=", 5))
			snprintf(cset, sizeof(cset), "%s", t + 5);
		if (!strncmp(t, "state=", 6))
			snprintf(state, sizeof(state), "%s", t + 6);
		if (!strncmp(t, "mode=", 5))
			snprintf(mode, sizeof(mode), "%s", t + 5);
	}
	if (!dev[0] || !uuid[0])
		return -EINVAL;
	for (unsigned s = 0; s < 4; s++)
		if (!strcmp(state, states[s]))
			return register_backing(fk, dev, uuid,
						cset[0] ? cset : NULL, s, mode);
	return -EINVAL;
}

/* "class/block/DEV/bcache/ATTR" -> DEV and ATTR */
static bool split_attr(const char *rel, char *dev, size_t len,
		       const char **attr)
{
	const char *p, *q;

	if (strncmp(rel, "class/block/", 12))
		return false;
	p = rel + 12;
	q = strstr(p, "/bcache/");
	if (!q || (size_t)(q - p) >= len)
		return false;
	memcpy(dev, p, (size_t)(q - p));
	dev[q - p] = 0;
	*attr = q + 8;
	return true;
}

/* cache_mode reads as the kernel shows it: the selected mode bracketed. */
static int write_mode(struct fk *fk, const char *dev, const char *mode)
{
	static const char *const names[] = { "writethrough", "writeback",
					      "writearound", "none" };
	char buf[128] = "";
	bool found = false;

	for (size_t i = 0; i < 4; i++) {
		bool sel = !strncmp(mode, names[i], strlen(names[i])) &&
			   (mode[strlen(names[i])] == 0 ||
			    mode[strlen(names[i])] == '\n');

		found |= sel;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s%s%s",
			 i ? " " : "", sel ? "[" : "", names[i], sel ? "]" : "");
	}
	if (!found)
		return -EINVAL;
	strcat(buf, "\n");
	fk_write_file(fk, bdir(dev, "cache_mode"), buf);
	return 0;
}

static int do_attr(struct fk *fk, const char *dev, const char *attr,
		   const char *text)
{
	char rel[300], cset[64], link[64];

	if (!fk_exists(fk, bdir(dev, NULL)))
		return -ENOENT;
	if (!strcmp(attr, "running")) {
		run_backing(fk, dev);
	} else if (!strcmp(attr, "stop")) {
		ssize_t n;
		char p[512];

		path_of(fk, bdir(dev, "dev"), p, sizeof(p));
		n = readlink(p, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			snprintf(rel, sizeof(rel), "class/block/%s",
				 strrchr(link, '/') + 1);
			rm_rf(fk, rel);
		}
		rm_rf(fk, bdir(dev, NULL));
	} else if (!strcmp(attr, "attach")) {
		snprintf(cset, sizeof(cset), "%s", text);
		cset[strcspn(cset, "\n")] = 0;
		snprintf(rel, sizeof(rel), "fs/bcache/%s", cset);
		if (!fk_exists(fk, rel))
			return -ENOENT;
		fk_write_file(fk, bdir(dev, ".cset"), cset);
		attach_backing(fk, dev, cset);
	} else if (!strcmp(attr, "detach")) {
		if (fk->detach_leaves_dirty)
			return 0;
		path_of(fk, bdir(dev, "cache"), rel, sizeof(rel));
		unlink(rel);
		fk_write_file(fk, bdir(dev, "state"), "no cache\n");
	} else if (!strcmp(attr, "cache_mode")) {
		return write_mode(fk, dev, text);
	} else {
		fk_write_file(fk, bdir(dev, attr), text);
	}
	return 0;
}

static int hook(struct context *ctx, const char *rel, const char *text,
		size_t len)
{
	struct fk *fk = ctx->hook_data;
	char dev[64];
	const char *attr;

	(void)len;
	if (fk->n_writes < FK_MAX_WRITES) {
		struct fk_write *w = &fk->writes[fk->n_writes++];

		snprintf(w->path, sizeof(w->path), "%s", rel);
		snprintf(w->text, sizeof(w->text), "%s", text);
	}
	if (fk->fail_err && strstr(rel, fk->fail_path)) {
		int e = fk->fail_err;

		if (fk->fail_once)
			fk->fail_err = 0;
		return e;
	}
	if (!strcmp(rel, "fs/bcache/register"))
		return do_register(fk, text);
	if (!strcmp(rel, "fs/bcache/register_raw"))
		return do_register_raw(fk, text);
	if (split_attr(rel, dev, sizeof(dev), &attr))
		return do_attr(fk, dev, attr, text);
	return -EINVAL;
}

void fk_init(struct fk *fk)
{
	char p[600];

	memset(fk, 0, sizeof(*fk));
	snprintf(fk->root, sizeof(fk->root), "/tmp/bcacheassemble-fk.XXXXXX");
	if (!mkdtemp(fk->root))
		abort();
	context_init(&fk->ctx);
	snprintf(p, sizeof(p), "%s/sys", fk->root);
	fk->ctx.sysfs = strdup(p);
	fk->ctx.devroot = strdup(fk->root);
	snprintf(p, sizeof(p), "%s/etc/bcacheassemble/initramfs-outdated",
		 fk->root);
	fk->ctx.imageflag = strdup(p);
	fk->ctx.update_images = "true";
	snprintf(p, sizeof(p), "%s/run/bcacheassemble", fk->root);
	fk->ctx.rundir = strdup(p);
	snprintf(p, sizeof(p), "%s/etc/bcachetab", fk->root);
	fk->ctx.config = strdup(p);
	snprintf(p, sizeof(p), "%s/uevent.sock", fk->root);
	fk->ctx.uevent_sock = strdup(p);
	fk->ctx.load_module = false;
	fk->ctx.write_hook = hook;
	fk->ctx.hook_data = fk;
	fk_write_file(fk, "fs/bcache/register", "");
	fk_write_file(fk, "fs/bcache/register_raw", "");
	snprintf(p, sizeof(p), "%s/sys/class/block", fk->root);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/dev", fk->root);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/etc", fk->root);
	mkdirs(p);
}

void fk_cleanup(struct fk *fk)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fk->root);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
	free((char *)fk->ctx.sysfs);
	free((char *)fk->ctx.devroot);
	free((char *)fk->ctx.imageflag);
	free((char *)fk->ctx.rundir);
	free((char *)fk->ctx.config);
	free((char *)fk->ctx.uevent_sock);
}

void fk_add_disk(struct fk *fk, const char *name, unsigned major,
		 unsigned minor, uint64_t sectors, const char *image)
{
	char rel[256], val[64], node[600], cmd[1400];

	snprintf(node, sizeof(node), "%s/dev/%s", fk->root, name);
	if (image && access(image, R_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "cp --sparse=always '%s' '%s'",
			 image, node);
		if (system(cmd) != 0)
			fprintf(stderr, "cp failed\n");
	} else {
		int fd = open(node, O_CREAT | O_WRONLY | O_TRUNC, 0644);

		if (fd >= 0) {
			if (ftruncate(fd, (off_t)(sectors * 512)) < 0)
				perror("ftruncate");
			close(fd);
		}
	}
	snprintf(rel, sizeof(rel), "class/block/%s/dev", name);
	snprintf(val, sizeof(val), "%u:%u\n", major, minor);
	fk_write_file(fk, rel, val);
	snprintf(rel, sizeof(rel), "class/block/%s/size", name);
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)sectors);
	fk_write_file(fk, rel, val);
}

int fk_find_write(struct fk *fk, const char *path)
{
	for (unsigned i = 0; i < fk->n_writes; i++)
		if (strstr(fk->writes[i].path, path))
			return (int)i;
	return -1;
}

int fk_count_writes(struct fk *fk, const char *path)
{
	int n = 0;

	for (unsigned i = 0; i < fk->n_writes; i++)
		n += strstr(fk->writes[i].path, path) != NULL;
	return n;
}
