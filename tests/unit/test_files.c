// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic bcachetab edits, owner checks, stale marks, register_raw lines. */
#include <fcntl.h>
#include <sys/stat.h>

#include "bcachetab.h"
#include "cmdline.h"
#include "context.h"
#include "policy.h"
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

static struct bt_entry ent(const char *line)
{
	struct bt_entry e;
	char msg[200];

	if (bt_parse_line(line, 1, &e, msg, sizeof(msg)) != 0)
		abort();
	return e;
}

static void edits(void)
{
	char p[128], q[160];
	struct stat st;
	struct bt_entry a = ent("a /dev/x -"), a2 = ent("a /dev/x2 -"),
			b = ent("b /dev/y -"), c = ent("c /dev/z -");

	mkdir_tmp();
	snprintf(p, sizeof(p), "%s/bcachetab", dir);
	CHECK_INT(tabedit_apply(p, NULL, &a), 0); /* creates */
	CHECK_STR(slurp(p), "a\t/dev/x\t-\n");
	put(p, "# c1\na   /dev/x  -   \nb /dev/y -\n", 0640);
	/* found by name, compared before the swap, other bytes kept */
	CHECK_INT(tabedit_apply(p, &a, &a2), 0);
	CHECK_STR(slurp(p), "# c1\na\t/dev/x2\t-\nb /dev/y -\n");
	CHECK_INT(tabedit_apply(p, &a, &a2), -ESTALE); /* a is not x any more */
	CHECK_STR(slurp(p), "# c1\na\t/dev/x2\t-\nb /dev/y -\n");
	CHECK_INT(tabedit_apply(p, &b, NULL), 0);
	CHECK_STR(slurp(p), "# c1\na\t/dev/x2\t-\n");
	CHECK_INT(tabedit_apply(p, NULL, &c), 0);
	CHECK_INT(tabedit_apply(p, NULL, &c), -EEXIST);
	CHECK_STR(slurp(p), "# c1\na\t/dev/x2\t-\nc\t/dev/z\t-\n");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640);
	/* a line that is not there: error, file unchanged */
	CHECK_INT(tabedit_apply(p, &b, &b), -ENOENT);
	CHECK_STR(slurp(p), "# c1\na\t/dev/x2\t-\nc\t/dev/z\t-\n");
	/* no trailing newline in the original is mended, not lost */
	put(p, "a /dev/x -", 0644);
	CHECK_INT(tabedit_apply(p, NULL, &b), 0);
	CHECK_STR(slurp(p), "a /dev/x -\nb\t/dev/y\t-\n");
	/* a line edited by hand meanwhile is never overwritten */
	put(p, "a /dev/x - nofail\n", 0644);
	CHECK_INT(tabedit_apply(p, &a, &a2), -ESTALE);
	/* a symlink is edited at its target, which keeps owner and mode */
	snprintf(q, sizeof(q), "%s/real", dir);
	put(q, "a /dev/x -\n", 0600);
	if (geteuid() == 0)
		CHECK(chown(q, 0, 4321) == 0);
	unlink(p);
	CHECK(symlink("real", p) == 0);
	CHECK_INT(tabedit_apply(p, &a, &a2), 0);
	CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_STR(slurp(q), "a\t/dev/x2\t-\n");
	CHECK(stat(q, &st) == 0 && (st.st_mode & 0777) == 0600);
	if (geteuid() == 0)
		CHECK(st.st_gid == 4321);
	CHECK_INT(tabedit_apply("/nonexistent/dir/tab", NULL, &a), -ENOENT);
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

static void run_marks(void)
{
	struct context ctx;
	char rd[128], p[300];
	uint8_t u[16], v[16], (*all)[16];

	mkdir_tmp();
	context_init(&ctx);
	snprintf(rd, sizeof(rd), "%s/run/ba", dir);
	ctx.rundir = rd;
	uuid_from_text("6b1561e6-55b1-44ab-84ad-9c2164d17ac0", u);
	uuid_from_text("6b1561e6-55b1-44ab-84ad-9c2164d17ac1", v);
	CHECK_INT(state_run_marked(&ctx, u), 0);
	CHECK_INT(state_run_marks(&ctx, &all), 0);
	CHECK_INT(state_run_mark(&ctx, u), 0);
	CHECK_INT(state_run_marked(&ctx, u), 1);
	CHECK_INT(state_run_marked(&ctx, v), 0);
	CHECK_INT(state_run_marks(&ctx, &all), 1);
	CHECK(!memcmp(all[0], u, 16));
	free(all);
	CHECK_INT(state_run_unmark(&ctx, u), 0);
	CHECK_INT(state_run_unmark(&ctx, u), 0); /* twice is fine */
	CHECK_INT(state_run_marked(&ctx, u), 0);
	/* a mark that cannot be read is an error, never "not marked" */
	snprintf(p, sizeof(p), "%s/stale", rd);
	CHECK(chmod(p, 0) == 0);
	if (geteuid() != 0)
		CHECK(state_run_marked(&ctx, u) < 0);
	CHECK(chmod(p, 0700) == 0);
	ctx.rundir = "/dev/null/x";
	CHECK(state_run_marked(&ctx, u) < 0);
	CHECK(state_run_mark(&ctx, u) < 0);
	/* the images flag: persistent, cleared only by a good rebuild */
	snprintf(p, sizeof(p), "%s/etc/ba/outdated", dir);
	ctx.imageflag = p;
	CHECK(!images_outdated(&ctx));
	CHECK_INT(images_flag_outdated(&ctx, "test"), 0);
	CHECK(images_outdated(&ctx));
	ctx.update_images = "exit 3";
	CHECK_INT(images_update(&ctx), -ECHILD);
	CHECK(images_outdated(&ctx));
	ctx.update_images = "true";
	CHECK_INT(images_update(&ctx), 0);
	CHECK(!images_outdated(&ctx));
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
	CHECK_INT(rawline_format(&e, 8, 16, 0, e.mode, false, line, sizeof(line)), 0);
	CHECK_STR(line, "dev=8:16 uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac0 "
			"mode=writethrough state=none\n");
	/* without a set only state=none can be said */
	CHECK_INT(rawline_format(&e, 8, 16, 1, e.mode, false, line, sizeof(line)), -EINVAL);
	CHECK_INT(rawline_format(&e, 8, 16, 0, e.mode, false, line, 20), -ENOSPC);
	/* dirty=discard only beside state=stale */
	CHECK_INT(rawline_format(&e, 8, 16, 0, e.mode, true, line, sizeof(line)), -EINVAL);
	CHECK_INT(bt_parse_line("b /dev/y ee0c5ce4-c401-45ae-bbd2-11d9bce912c9 "
				"raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac0,"
				"mode=writeback,stale",
				2, &e, msg, sizeof(msg)), 0);
	CHECK_INT(rawline_format(&e, 8, 16, BDEV_STALE, MODE_WRITETHROUGH,
				 policy_reg_discard(&e, false), line,
				 sizeof(line)), 0);
	CHECK_STR(line, "dev=8:16 uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac0 "
			"cset=ee0c5ce4-c401-45ae-bbd2-11d9bce912c9 "
			"mode=writethrough state=stale dirty=discard\n");
	e.raw = false;
	CHECK_INT(rawline_format(&e, 8, 16, 0, e.mode, false, line, sizeof(line)), -EINVAL);
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
	CHECK_INT(kcmdline_parse("rd.bcache.run=root rd.bcache.run=b", &k), 0);
	CHECK(kcmdline_runs(&k, "root") && kcmdline_runs(&k, "b") &&
	      !kcmdline_runs(&k, "c") && !kcmdline_wants(&k, "root"));
	CHECK_INT(kcmdline_parse("rd.bcache.run=", &k), -EINVAL);
	CHECK_INT(kcmdline_read("/nonexistent", &k), -ENOENT);
	CHECK(!k.disabled);
}

TEST_MAIN(T(edits), T(owner), T(run_marks), T(raw_lines),
	  T(kernel_cmdline))
