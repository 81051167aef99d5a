// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic bcachetab edits, owner checks, stale marks, register_raw lines. */
#include <fcntl.h>
#include <sys/stat.h>

#include "bcachetab.h"
#include "cmdline.h"
#include "context.h"
#include "rawline.h"
#include "state.h"
#include "tabedit.h"
#include "testlib.h"
#include "uuidtext.h"

static char dir[64];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ba-files.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static const char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static void edits(void)
{
	char p[128];
	struct stat st;

	mkdir_tmp();
	snprintf(p, sizeof(p), "%s/bcachetab", dir);
	CHECK_INT(tabedit_apply(p, 0, "a /dev/x -"), 0); /* creates */
	CHECK_STR(slurp(p), "a /dev/x -\n");
	put(p, "# c1\na   /dev/x  -   # note\nb /dev/y -\n", 0640);
	CHECK_INT(tabedit_apply(p, 2, "a /dev/x2 -"), 0);
	CHECK_STR(slurp(p), "# c1\na /dev/x2 -\nb /dev/y -\n");
	CHECK_INT(tabedit_apply(p, 3, NULL), 0);
	CHECK_STR(slurp(p), "# c1\na /dev/x2 -\n");
	CHECK_INT(tabedit_apply(p, 0, "c /dev/z -"), 0);
	CHECK_STR(slurp(p), "# c1\na /dev/x2 -\nc /dev/z -\n");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640);
	/* a line that is not there: error, file unchanged */
	CHECK_INT(tabedit_apply(p, 9, "x"), -ENOENT);
	CHECK_STR(slurp(p), "# c1\na /dev/x2 -\nc /dev/z -\n");
	/* no trailing newline in the original is mended, not lost */
	put(p, "a /dev/x -", 0644);
	CHECK_INT(tabedit_apply(p, 0, "b /dev/y -"), 0);
	CHECK_STR(slurp(p), "a /dev/x -\nb /dev/y -\n");
	CHECK_INT(tabedit_apply("/nonexistent/dir/tab", 0, "x"), -ENOENT);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0);
}

static void owner(void)
{
	char p[128];
	const char *why = NULL;

	mkdir_tmp();
	snprintf(p, sizeof(p), "%s/bcachetab", dir);
	put(p, "", 0644);
	CHECK_INT(bcachetab_check_owner(p, &why), 0);
	chmod(p, 0666);
	CHECK_INT(bcachetab_check_owner(p, &why), -EPERM);
	CHECK_STR(why, "is writable by group or others");
	chmod(p, 0664);
	CHECK_INT(bcachetab_check_owner(p, &why), -EPERM);
	if (geteuid() == 0) { /* someone else's file */
		chmod(p, 0644);
		CHECK(chown(p, 1234, 1234) == 0);
		CHECK_INT(bcachetab_check_owner(p, &why), -EPERM);
		CHECK_STR(why, "is not owned by root");
	}
	CHECK_INT(bcachetab_check_owner("/nonexistent", &why), -ENOENT);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0);
}

static void stale_marks(void)
{
	struct context ctx;
	char sd[128], rd[128], p[300];
	uint8_t u[16], v[16];

	mkdir_tmp();
	context_init(&ctx);
	snprintf(sd, sizeof(sd), "%s/var/lib/ba", dir);
	snprintf(rd, sizeof(rd), "%s/run/ba", dir);
	ctx.statedir = sd;
	ctx.rundir = rd;
	uuid_from_text("6b1561e6-55b1-44ab-84ad-9c2164d17ac0", u);
	uuid_from_text("6b1561e6-55b1-44ab-84ad-9c2164d17ac1", v);
	CHECK(!state_is_stale(&ctx, u));
	CHECK_INT(state_mark_stale(&ctx, u, "why"), 0);
	CHECK(state_is_stale(&ctx, u));
	CHECK(!state_is_stale(&ctx, v));
	snprintf(p, sizeof(p), "%s/stale/6b1561e6-55b1-44ab-84ad-9c2164d17ac0",
		 sd);
	CHECK(strstr(slurp(p), " why\n") != NULL);
	CHECK_INT(state_clear_stale(&ctx, u), 1); /* removed from statedir */
	CHECK(!state_is_stale(&ctx, u));
	CHECK_INT(state_clear_stale(&ctx, u), 0); /* twice is fine */
	/* the initramfs copy must be rebuilt: flagged in rundir */
	CHECK_INT(state_flag_rebuild(&ctx, "test"), 0);
	snprintf(p, sizeof(p), "%s/rebuild-initramfs", rd);
	CHECK(strstr(slurp(p), "test\n") != NULL);
	ctx.statedir = "/dev/null/nope";
	CHECK_INT(state_mark_stale(&ctx, v, "initramfs"), 0); /* to /run */
	ctx.statedir = sd;
	CHECK(state_is_stale(&ctx, v));
	CHECK_INT(state_handoff(&ctx), 1);
	CHECK_INT(state_handoff(&ctx), 0); /* nothing left to move */
	CHECK(state_is_stale(&ctx, v));
	snprintf(p, sizeof(p), "%s/stale/6b1561e6-55b1-44ab-84ad-9c2164d17ac1",
		 rd);
	CHECK(access(p, F_OK) != 0);
	/* initramfs: the image's statedir is read, marks go to /run only */
	ctx.statedir_ro = true;
	CHECK_INT(state_mark_stale(&ctx, u, "initramfs run"), 0);
	snprintf(p, sizeof(p), "%s/stale/6b1561e6-55b1-44ab-84ad-9c2164d17ac0",
		 rd);
	CHECK(access(p, F_OK) == 0);
	snprintf(p, sizeof(p), "%s/stale/6b1561e6-55b1-44ab-84ad-9c2164d17ac0",
		 sd);
	CHECK(access(p, F_OK) != 0);
	CHECK_INT(state_handoff(&ctx), 0); /* not from inside the initramfs */
	ctx.statedir_ro = false;
	ctx.statedir = "/dev/null/nope";
	ctx.rundir = "/dev/null/nope2";
	CHECK(state_mark_stale(&ctx, u, "x") < 0);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0);
}

static void raw_lines(void)
{
	struct bt_entry e;
	char msg[200], line[512];

	CHECK_INT(bt_parse_line("a /dev/x - raw,uuid=6b1561e6-55b1-44ab-84ad-"
				"9c2164d17ac0",
				1, &e, msg, sizeof(msg)), 0);
	CHECK_INT(rawline_format(&e, 8, 16, 0, line, sizeof(line)), 0);
	CHECK_STR(line, "dev=8:16 uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac0 "
			"mode=writethrough state=none\n");
	/* without a set only state=none can be said */
	CHECK_INT(rawline_format(&e, 8, 16, 1, line, sizeof(line)), -EINVAL);
	CHECK_INT(rawline_format(&e, 8, 16, 0, line, 20), -ENOSPC);
	e.raw = false;
	CHECK_INT(rawline_format(&e, 8, 16, 0, line, sizeof(line)), -EINVAL);
}

static void kernel_cmdline(void)
{
	struct kcmdline k;

	CHECK_INT(kcmdline_parse("BOOT_IMAGE=/vmlinuz root=UUID=x quiet\n", &k), 0);
	CHECK(!k.disabled && !k.no_conf);
	CHECK_INT(k.timeout, -1);
	CHECK_INT(k.n_names, 0);
	CHECK_INT(kcmdline_parse("rd.bcache=0", &k), 0);
	CHECK(k.disabled);
	CHECK_INT(kcmdline_parse("rd.bcache=1 rd.bcache.conf=0", &k), 0);
	CHECK(!k.disabled && k.no_conf);
	CHECK_INT(kcmdline_parse("rd.bcache.name=a  rd.bcache.name=b\t"
				 "rd.bcache.timeout=7", &k), 0);
	CHECK_INT(k.n_names, 2);
	CHECK(kcmdline_wants(&k, "a") && kcmdline_wants(&k, "b") &&
	      !kcmdline_wants(&k, "c"));
	CHECK_INT(k.timeout, 7);
	CHECK_INT(kcmdline_parse("rd.bcache.timeout=x rd.bcache.name=ok", &k),
		  -EINVAL);
	CHECK_INT(k.timeout, -1);
	CHECK(kcmdline_wants(&k, "ok")); /* the rest still counts */
	CHECK_INT(kcmdline_parse("rd.bcache.name=", &k), -EINVAL);
	CHECK_INT(kcmdline_read("/nonexistent", &k), -ENOENT);
	CHECK(!k.disabled);
}

TEST_MAIN(T(edits), T(owner), T(stale_marks), T(raw_lines),
	  T(kernel_cmdline))
