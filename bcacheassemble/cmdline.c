// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int add_name(char v[][33], size_t *n, const char *name)
{
	if (*n == KCMD_NAMES_MAX || strlen(name) > 32 || !name[0])
		return -EINVAL;
	strcpy(v[(*n)++], name);
	return 0;
}

static int take_word(const char *w, struct kcmdline *k)
{
	if (!strcmp(w, "rd.bcache=0"))
		k->disabled = true;
	else if (!strcmp(w, "rd.bcache.conf=0"))
		k->no_conf = true;
	else if (!strncmp(w, "rd.bcache.timeout=", 18)) {
		char *end;
		long v = strtol(w + 18, &end, 10);

		if (*end || v < 0 || v > 86400 || end == w + 18)
			return -EINVAL;
		k->timeout = (int)v;
	} else if (!strncmp(w, "rd.bcache.name=", 15)) {
		return add_name(k->names, &k->n_names, w + 15);
	} else if (!strncmp(w, "rd.bcache.run=", 14)) {
		return add_name(k->run, &k->n_run, w + 14);
	}
	return 0;
}

int kcmdline_parse(const char *text, struct kcmdline *k)
{
	char word[256];
	int ret = 0;

	memset(k, 0, sizeof(*k));
	k->timeout = -1;
	while (*text) {
		size_t n = strcspn(text, " \t\n");

		if (n && n < sizeof(word)) {
			memcpy(word, text, n);
			word[n] = 0;
			if (take_word(word, k) < 0)
				ret = -EINVAL; /* keep going: the rest still counts */
		}
		text += n;
		text += strspn(text, " \t\n");
	}
	return ret;
}

int kcmdline_read(const char *path, struct kcmdline *k)
{
	char buf[4096];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	memset(k, 0, sizeof(*k));
	k->timeout = -1;
	if (fd < 0)
		return negerrno();
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return negerrno();
	buf[n] = 0;
	return kcmdline_parse(buf, k);
}

static bool listed(const char v[][33], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

bool kcmdline_wants(const struct kcmdline *k, const char *name)
{
	return listed(k->names, k->n_names, name);
}

bool kcmdline_runs(const struct kcmdline *k, const char *name)
{
	return listed(k->run, k->n_run, name);
}

bool in_initramfs(const char *root)
{
	static const char *const marks[] = { "/etc/initrd-release",
					     "/scripts/functions" };
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		snprintf(path, sizeof(path), "%s%s", root, marks[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}
