// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The systemd generator's output: one bcacheassemble@NAME.service per
 * bcachetab line (an instance of the shipped template), placed in the boot
 * the way the line says (nofail, _netdev, noauto), after the device it
 * names, with that device's timeout.
 */
#include "generator.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assemble.h"
#include "fsutil.h"

static bool plain(char c, bool first)
{
	return isalnum((unsigned char)c) || c == ':' || c == '_' ||
	       (c == '.' && !first);
}

static int unit_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		char one[8];

		if (*p == '/')
			snprintf(one, sizeof(one), "-");
		else if (plain(*p, p == s))
			snprintf(one, sizeof(one), "%c", *p);
		else
			snprintf(one, sizeof(one), "\\x%02x", (unsigned char)*p);
		if (n + strlen(one) >= len)
			return -ENAMETOOLONG;
		memcpy(out + n, one, strlen(one));
		n += strlen(one);
	}
	if (len == 0)
		return -ENAMETOOLONG;
	out[n] = 0;
	return 0;
}

int volume_unit(const char *name, char *out, size_t len)
{
	if (!bt_name_valid(name))
		return -EINVAL;
	if ((size_t)snprintf(out, len, "bcacheassemble@%s.service", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int unit_escape_path(const char *path, char *out, size_t len)
{
	char simple[PATH_MAX];
	size_t n = 0;

	for (const char *p = path; *p; p++) {
		if (*p == '/' && (n == 0 || simple[n - 1] == '/'))
			continue;
		if (n + 1 >= sizeof(simple))
			return -ENAMETOOLONG;
		simple[n++] = *p;
	}
	if (n && simple[n - 1] == '/')
		n--;
	simple[n] = 0;
	if (n == 0)
		return snprintf(out, len, "-") >= (int)len ? -ENAMETOOLONG : 0;
	return unit_escape(simple, out, len);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int generator_device_unit(const struct bt_entry *e, char *out, size_t len)
{
	int r;

	if (len)
		out[0] = 0;
	/*
	 * A raw disk is hidden from systemd (SYSTEMD_READY=0): its device
	 * units never become active. bcacheassemble.service waits for it
	 * (kernel and udev events, by-id names matched by serial), and the
	 * volume's unit runs after that pass.
	 */
	if (e->raw || !starts(e->device, "/dev/") ||
	    starts(e->device, "/dev/disk/by-uuid/") ||
	    starts(e->device, "/dev/disk/by-label/") ||
	    (e->has_timeout && e->timeout == 0))
		return 0;
	r = unit_escape_path(e->device, out, len);
	if (r < 0)
		return r;
	if (strlen(out) + strlen(".device") >= len)
		return -ENAMETOOLONG;
	strcat(out, ".device");
	return 0;
}

/* path = dir/sub/name, the directory dir/sub made first */
static int place(char *path, size_t len, const char *dir, const char *sub,
		 const char *name)
{
	int r;

	if (snprintf(path, len, "%s/%s", dir, sub) >= (int)len)
		return -ENAMETOOLONG;
	r = fs_mkdir_p(path, 0755);
	if (r < 0)
		return r;
	return snprintf(path, len, "%s/%s/%s", dir, sub, name) >= (int)len ?
		       -ENAMETOOLONG : 0;
}

/* Create dir/sub/name for writing; NULL with *err set when it cannot. */
static FILE *create_in(const char *dir, const char *sub, const char *name,
		       int *err)
{
	char path[PATH_MAX];
	FILE *f;

	*err = place(path, sizeof(path), dir, sub, name);
	if (*err < 0)
		return NULL;
	f = fopen(path, "we");
	*err = f ? 0 : -errno;
	return f;
}

/* Close f; 0, or -EIO when anything written to it was lost. */
static int finish(FILE *f)
{
	bool bad = ferror(f);

	return fclose(f) < 0 || bad ? -EIO : 0;
}

/* Where the line puts the volume in the boot: the target that wants it. */
static const char *wanted_by(const struct bt_entry *e)
{
	if (e->noauto)
		return NULL;
	if (e->netdev)
		return "remote-fs.target";
	/* nofail: pulled in, but nothing in the boot waits for it */
	return e->nofail ? "local-fs.target" : "local-fs-pre.target";
}

static int volume_dropin(const struct bt_entry *e, const char *config,
			 const char *dir, const char *unit, const char *dev)
{
	char sub[NAME_MAX + 1];
	FILE *f;
	int r;

	if (snprintf(sub, sizeof(sub), "%s.d", unit) >= (int)sizeof(sub))
		return -ENAMETOOLONG;
	f = create_in(dir, sub, "50-bcachetab.conf", &r);
	if (!f)
		return r;
	fprintf(f, "# Written by bcacheassemble-generator from %s:%u\n"
		   "[Unit]\nSourcePath=%s\n", config, e->line, config);
	if (*dev)
		fprintf(f, "Wants=%s\nAfter=%s\n", dev, dev);
	if (e->netdev)
		fputs("Wants=network-online.target\n"
		      "After=network-online.target\n"
		      "Before=remote-fs-pre.target\n", f);
	else if (!e->nofail && !e->noauto)
		fputs("Before=local-fs-pre.target\n", f);
	return finish(f);
}

static int device_timeout(const struct bt_entry *e, const char *dir,
			  const char *dev)
{
	char sub[NAME_MAX + 1];
	FILE *f;
	int r;

	if (!*dev)
		return 0;
	if (snprintf(sub, sizeof(sub), "%s.d", dev) >= (int)sizeof(sub))
		return -ENAMETOOLONG;
	f = create_in(dir, sub, "50-bcacheassemble.conf", &r);
	if (!f)
		return r;
	fprintf(f, "[Unit]\nJobRunningTimeoutSec=%u\n",
		e->has_timeout ? e->timeout : DEFAULT_TIMEOUT);
	return finish(f);
}

static int wants_link(const struct bt_entry *e, const char *dir,
		      const char *unit, const char *unitdir)
{
	char path[PATH_MAX], sub[NAME_MAX + 1], target[PATH_MAX];
	const char *by = wanted_by(e);
	int r;

	if (!by)
		return 0;
	snprintf(sub, sizeof(sub), "%s.wants", by);
	r = place(path, sizeof(path), dir, sub, unit);
	if (r < 0)
		return r;
	if (snprintf(target, sizeof(target), "%s/bcacheassemble@.service",
		     unitdir) >= (int)sizeof(target))
		return -ENAMETOOLONG;
	if (symlink(target, path) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int generator_volume(const struct bt_entry *e, const char *config,
		     const char *dir, const char *unitdir)
{
	char unit[NAME_MAX + 1], dev[NAME_MAX + 1];
	int r;

	r = volume_unit(e->name, unit, sizeof(unit));
	if (r < 0)
		return r;
	r = generator_device_unit(e, dev, sizeof(dev));
	if (r == 0)
		r = volume_dropin(e, config, dir, unit, dev);
	if (r == 0)
		r = device_timeout(e, dir, dev);
	if (r == 0)
		r = wants_link(e, dir, unit, unitdir);
	return r;
}
