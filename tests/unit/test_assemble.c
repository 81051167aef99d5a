// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Assembly policy, driven against the fake kernel: what is written to
 * register, register_raw, running, attach and stop, in which order, and what
 * each volume ends as.
 */
#include <sys/stat.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "assemble.h"
#include "fakekernel.h"
#include "lifecycle.h"
#include "state.h"
#include "superblock.h"
#include "uevent.h"
#include "testlib.h"
#include "uuidtext.h"

#define U1 "6b1561e6-55b1-44ab-84ad-9c2164d17ac0"
#define U2 "6b1561e6-55b1-44ab-84ad-9c2164d17ac2"

static char cset_text[UUID_STR_LEN]; /* cset of the cache.img fixture */

static void load_cset(void)
{
	struct bcache_sb sb;

	if (sb_read(fixture("cache.img"), &sb) == 0)
		uuid_to_text(sb.set_uuid, cset_text);
}

/* Copy a backing image with its BDEV_STATE changed (checksum redone). */
static void image_with_state(const char *src, const char *dst, unsigned st)
{
	uint8_t buf[4096];
	int in = open(src, O_RDONLY), out;
	uint64_t flags, csum;

	CHECK(pread(in, buf, sizeof(buf), 4096) == 4096);
	close(in);
	memcpy(&flags, buf + 104, 8);
	flags = (flags & ~(3ULL << 61)) | ((uint64_t)st << 61);
	memcpy(buf + 104, &flags, 8);
	csum = bch_crc64(buf + 8, 208 - 8 + buf[206] * 8);
	memcpy(buf, &csum, 8);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(pwrite(out, buf, sizeof(buf), 4096) == 4096);
	CHECK(ftruncate(out, 16 << 20) == 0);
	close(out);
}

struct run {
	struct bcachetab tab;
	struct assembly a;
	int exit;
};

static void write_tab(struct fk *fk, const char *text)
{
	FILE *f = fopen(fk->ctx.config, "w");

	fputs(text, f);
	fclose(f);
}

static const char *tab_now(struct fk *fk)
{
	static char buf[4096];
	FILE *f = fopen(fk->ctx.config, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

static void assemble_text(struct fk *fk, const char *text, struct run *r,
			  unsigned timeout)
{
	CHECK_INT(bcachetab_parse(text, strlen(text), &r->tab), 0);
	CHECK_INT(r->tab.n_errors, 0);
	CHECK_INT(assembly_init(&r->a, &fk->ctx), 0);
	r->a.default_timeout = timeout;
	r->a.default_wait = timeout;
	r->a.may_edit = access(fk->ctx.config, F_OK) == 0;
	for (size_t i = 0; i < r->tab.n_entries; i++)
		CHECK_INT(assembly_add(&r->a, &r->tab.entries[i], false), 0);
	CHECK_INT(assembly_run(&r->a), 0);
	r->exit = assembly_exit_code(&r->a);
}

static void run_free(struct run *r)
{
	assembly_free(&r->a);
	bcachetab_free(&r->tab);
}

static const char *raw_line_written(struct fk *fk)
{
	int i = fk_find_write(fk, "register_raw");

	return i < 0 ? "" : fk->writes[i].text;
}

static void formatted_with_cache(void)
{
	struct fk fk;
	struct run r;
	int ic, ib;

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("backing.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	assemble_text(&fk, "root /dev/vdb -\n", &r, 0);
	/* state NONE: the superblock names no set; it runs detached */
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK_INT(r.exit, EXIT_OK);
	CHECK_INT(fk_count_writes(&fk, "fs/bcache/register"), 1);
	run_free(&r);
	fk_cleanup(&fk);

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("backing.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	{
		char text[200];

		snprintf(text, sizeof(text), "root /dev/vdb %s\n", cset_text);
		assemble_text(&fk, text, &r, 0);
	}
	ic = fk_find_write(&fk, "fs/bcache/register");
	CHECK(ic >= 0 && strstr(fk.writes[ic].text, "/dev/vdc"));
	ib = fk_find_write(&fk, "fs/bcache/register") + 1;
	CHECK(strstr(fk.writes[ib].text, "/dev/vdb") != NULL);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	/* listed with a set but detached on disk: attached by the tool */
	CHECK(fk_find_write(&fk, "vdb/bcache/attach") >= 0);
	run_free(&r);
	fk_cleanup(&fk);
}

static void formatted_dirty_cache_late(void)
{
	struct fk fk;
	struct run r;
	char img[300];

	fk_init(&fk);
	snprintf(img, sizeof(img), "%s/dirty.img", fk.root);
	image_with_state(fixture("backing.img"), img, BDEV_DIRTY);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, img);
	assemble_text(&fk, "root UUID=placeholder -\n", &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_FAILED); /* no such UUID */
	run_free(&r);

	assemble_text(&fk, "root /dev/vdb -\n", &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_HELD);
	CHECK_INT(r.exit, EXIT_HELD);
	CHECK(strstr(r.a.vols[0].why, "held back until cache set") != NULL);
	CHECK(!fk_exists(&fk, "class/block/bcache0"));
	/* the cache device shows up: the volume starts */
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	CHECK_INT(devtab_update(&fk.ctx, &r.a.devs, "vdc"), 0);
	assembly_step_all(&r.a);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK_INT(assembly_exit_code(&r.a), EXIT_OK);
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/state"), "dirty");
	run_free(&r);
	fk_cleanup(&fk);
}

static void raw_case(const char *opts, bool cache_present, const char *state,
		     enum vol_status want, int want_exit)
{
	struct fk fk;
	struct run r;
	char text[400], want_line[300];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	if (cache_present)
		fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	snprintf(text, sizeof(text), "data /dev/vdb %s raw,uuid=" U1 "%s\n",
		 strstr(opts, "nocset") ? "-" : cset_text,
		 strstr(opts, "nocset") ? "" : opts);
	assemble_text(&fk, text, &r, 0);
	snprintf(want_line, sizeof(want_line), "state=%s", state);
	CHECK(strstr(raw_line_written(&fk), "dev=254:16 uuid=" U1) != NULL);
	CHECK(strstr(raw_line_written(&fk), want_line) != NULL);
	CHECK_INT(r.a.vols[0].status, want);
	CHECK_INT(r.exit, want_exit);
	if (cache_present && !strstr(opts, "nocset"))
		CHECK(fk_find_write(&fk, "fs/bcache/register") <
		      fk_find_write(&fk, "register_raw"));
	run_free(&r);
	fk_cleanup(&fk);
}

static void raw_states(void)
{
	/* writethrough with a set: clean, held until the set attaches */
	raw_case("", true, "clean", VOL_RUNNING, EXIT_OK);
	raw_case("", false, "clean", VOL_HELD, EXIT_HELD);
	/* writeback: dirty, held */
	raw_case(",mode=writeback", true, "dirty", VOL_RUNNING, EXIT_OK);
	raw_case(",mode=writeback", false, "dirty", VOL_HELD, EXIT_HELD);
	raw_case(",mode=writeback,nofail", false, "dirty", VOL_HELD, EXIT_OK);
	/* no set: none, runs */
	raw_case("nocset", false, "none", VOL_RUNNING, EXIT_OK);
}

static void raw_line_fields(void)
{
	struct fk fk;
	struct run r;
	char text[400];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writearound,label=L1,"
		 "data_offset=8,block=4096,sequential_cutoff=1M\n",
		 cset_text);
	assemble_text(&fk, text, &r, 0);
	{
		char want[400];

		snprintf(want, sizeof(want),
			 "dev=254:16 uuid=" U1 " cset=%s mode=writearound "
			 "state=clean label=L1 data_offset=8 block=4096\n",
			 cset_text);
		CHECK_STR(raw_line_written(&fk), want);
	}
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/sequential_cutoff"),
		  "1048576");
	run_free(&r);
	fk_cleanup(&fk);
}

static void stale_line_cycle(void)
{
	struct fk fk;
	struct run r;
	char text[300];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writeback,stale\n",
		 cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	/* stale: runs at once, cold, writethrough; 'stale' stays */
	CHECK(strstr(raw_line_written(&fk), "mode=writethrough state=stale"));
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK(strstr(tab_now(&fk), ",stale") != NULL);
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	CHECK_INT(devtab_update(&fk.ctx, &r.a.devs, "vdc"), 0);
	r.a.vols[0].status = VOL_HELD; /* make the step look again */
	assembly_step_all(&r.a);
	CHECK(fk_exists(&fk, "class/block/vdb/bcache/cache"));
	/* attached cold: the line drops 'stale', then writeback */
	CHECK(strstr(tab_now(&fk), "stale") == NULL);
	CHECK(strstr(tab_now(&fk), "mode=writeback") != NULL);
	CHECK(fk_find_write(&fk, "vdb/bcache/cache_mode") >= 0);
	CHECK_STR(fk.writes[fk_find_write(&fk, "vdb/bcache/cache_mode")].text,
		  "writeback");
	run_free(&r);
	fk_cleanup(&fk);
}

/* An initrd volume: images first, then writeback; the flag says so. */
static void initrd_stale_waits_for_images(void)
{
	struct fk fk;
	struct run r;
	char text[300];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	snprintf(text, sizeof(text),
		 "root /dev/vdb %s raw,uuid=" U1 ",mode=writeback,initrd,stale\n",
		 cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK(strstr(tab_now(&fk), "stale") == NULL);
	CHECK(images_outdated(&fk.ctx));
	CHECK_INT(fk_find_write(&fk, "vdb/bcache/cache_mode"), -1);
	run_free(&r);
	fk_cleanup(&fk);
}

/* Rule 4: boots without incidents never ask for a new uuid slot. */
static void repeated_boots_bounded(void)
{
	struct fk fk;
	char text[300];
	unsigned stale = 0, clean = 0;

	snprintf(text, sizeof(text), "d /dev/vdb %s raw,uuid=" U1 "\n",
		 cset_text);
	for (int boot = 0; boot < 50; boot++) {
		struct run r;
		char state[300];
		uint8_t u[16];

		fk_init(&fk);
		fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
		fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
		write_tab(&fk, text);
		uuid_from_text(U1, u);
		if (boot == 20) /* the initramfs ran it uncached */
			CHECK_INT(state_run_mark(&fk.ctx, u), 0);
		assemble_text(&fk, text, &r, 0);
		snprintf(state, sizeof(state), "%s", raw_line_written(&fk));
		stale += strstr(state, "state=stale") != NULL;
		clean += strstr(state, "state=clean") != NULL;
		CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
		/* the same bcachetab every boot */
		snprintf(text, sizeof(text), "%s", tab_now(&fk));
		run_free(&r);
		fk_cleanup(&fk);
	}
	CHECK_INT(stale, 1); /* one cold attach for one forced run */
	CHECK_INT(clean, 49);
}

static void forced_run(void)
{
	struct fk fk;
	struct run r;
	struct lifecycle_args a = { .name = "data", .timeout = 0 };
	char text[300];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writeback\n", cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_HELD);
	/* refused: it may hold dirty data */
	CHECK_INT(do_run(&fk.ctx, &a), EXIT_FAILED);
	CHECK_INT(fk_find_write(&fk, "bcache/running"), -1);
	CHECK(strstr(tab_now(&fk), "stale") == NULL);
	/* cannot record 'stale' (read-only /etc): refused, never /run */
	a.force = true;
	CHECK(chmod(fk.ctx.config, 0444) == 0);
	{
		char d[600];

		snprintf(d, sizeof(d), "%s/etc", fk.root);
		CHECK(chmod(d, 0555) == 0);
		if (geteuid() != 0) {
			CHECK_INT(do_run(&fk.ctx, &a), EXIT_FAILED);
			CHECK_INT(fk_find_write(&fk, "bcache/running"), -1);
		}
		CHECK(chmod(d, 0755) == 0);
	}
	CHECK(chmod(fk.ctx.config, 0644) == 0);
	/* forced: 'stale' recorded first, kernel to writethrough, running */
	CHECK_INT(do_run(&fk.ctx, &a), EXIT_OK);
	CHECK(fk_find_write(&fk, "vdb/bcache/running") >= 0);
	CHECK(fk_find_write(&fk, "vdb/bcache/cache_mode") <
	      fk_find_write(&fk, "vdb/bcache/running"));
	CHECK(strstr(tab_now(&fk), ",stale") != NULL);
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/running"), "1");
	run_free(&r);
	fk_cleanup(&fk);
}

/* In the initramfs: a run mark, folded into bcachetab by the real root. */
static void forced_run_in_initrd(void)
{
	struct fk fk;
	struct lifecycle_args a = { .name = "data", .force = true };
	struct run r;
	char text[300];
	uint8_t u[16];

	uuid_from_text(U1, u);
	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text), "data /dev/vdb %s raw,uuid=" U1 "\n",
		 cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	fk.ctx.in_initrd = true;
	CHECK_INT(do_run(&fk.ctx, &a), EXIT_OK);
	CHECK_INT(state_run_marked(&fk.ctx, u), 1);
	CHECK(strstr(tab_now(&fk), "stale") == NULL); /* the image's copy */
	run_free(&r);
	fk_cleanup(&fk);
}

/* "data": a raw writeback volume on vdb, its set on vdc, assembled. */
static void writeback_data(struct fk *fk, struct run *r, const char *more)
{
	char text[300];

	fk_init(fk);
	fk_add_disk(fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writeback\n%s",
		 cset_text, more);
	write_tab(fk, text);
	assemble_text(fk, text, r, 0);
}

static void stop_with_dirty_data(void)
{
	struct fk fk;
	struct run r;
	struct lifecycle_args a = { .name = "data", .timeout = 0 };

	writeback_data(&fk, &r, "");
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/state"), "dirty");
	CHECK_INT(do_stop(&fk.ctx, &a), EXIT_FAILED);
	CHECK_INT(fk_find_write(&fk, "bcache/stop"), -1);
	a.force = true;
	CHECK_INT(do_stop(&fk.ctx, &a), EXIT_OK);
	CHECK(fk_find_write(&fk, "vdb/bcache/stop") >= 0);
	CHECK(!fk_exists(&fk, "class/block/vdb/bcache"));
	/* clean: stops without --force */
	run_free(&r);
	fk_write_file(&fk, "class/block/vdb/bcache/.x", "");
	fk_cleanup(&fk);
}

/*
 * A stock module (an old initramfs image loaded it): raw volumes are held
 * without a write, formatted ones still assemble, the run exits "held".
 */
static void module_without_register_raw(void)
{
	struct fk fk;
	struct run r;
	char p[512];

	fk_init(&fk);
	snprintf(p, sizeof(p), "%s/sys/fs/bcache/register_raw", fk.root);
	CHECK_INT(unlink(p), 0);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdd", 254, 48, 32768, fixture("backing.img"));
	assemble_text(&fk, "raw /dev/vdb - raw,uuid=" U1 "\n"
			   "good /dev/vdd -\n", &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_HELD);
	CHECK(r.a.vols[0].no_raw);
	CHECK_INT(fk_count_writes(&fk, "register_raw"), 0);
	CHECK_INT(r.a.vols[1].status, VOL_RUNNING);
	CHECK_INT(r.exit, EXIT_HELD);
	run_free(&r);
	fk_cleanup(&fk);
}

static void injected_errors(void)
{
	static const struct {
		int err;
		const char *needle;
	} cases[] = {
		{ -EBUSY, "busy: mounted, or claimed" },
		{ -EEXIST, "already has this device or its uuid" },
		{ -ENOENT, "no /sys/fs/bcache/register_raw" },
		{ -EINVAL, "see dmesg" },
		{ -EROFS, "read-only" },
		/* the kernel's refusals of a slot (register_raw v2) */
		{ -EUCLEAN, "nothing was dropped" },
		{ -EMEDIUMTYPE, "belongs to another device" },
		{ -ENODATA, "has no slot for this uuid=" },
		{ -ENOSPC, "uuid table is full" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fk fk;
		struct run r;
		char text[400];

		fk_init(&fk);
		fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
		fk_add_disk(&fk, "vdd", 254, 48, 32768, fixture("backing.img"));
		snprintf(fk.fail_path, sizeof(fk.fail_path), "register_raw");
		fk.fail_err = cases[i].err;
		snprintf(text, sizeof(text),
			 "bad /dev/vdb - raw,uuid=" U1 "\n"
			 "good /dev/vdd -\n");
		assemble_text(&fk, text, &r, 0);
		CHECK_INT(r.a.vols[0].status, VOL_FAILED);
		CHECK(strstr(r.a.vols[0].why, cases[i].needle) != NULL);
		/* the other volume still assembles */
		CHECK_INT(r.a.vols[1].status, VOL_RUNNING);
		CHECK_INT(r.exit, EXIT_FAILED);
		run_free(&r);
		fk_cleanup(&fk);
	}
}

static void identity_checks(void)
{
	struct fk fk;
	struct run r;

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdd", 254, 48, 32768, fixture("backing.img"));
	fk_add_disk(&fk, "vde", 254, 64, 32768, fixture("ext4.img"));
	assemble_text(&fk,
		      "a /dev/vdb - raw,uuid=" U1 ",size=999\n"
		      "b /dev/vdd - raw,uuid=" U2 "\n"
		      "c /dev/vde -\n",
		      &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_FAILED);
	CHECK(strstr(r.a.vols[0].why, "has 32768 sectors but bcachetab says "
					"size=999") != NULL);
	CHECK_INT(r.a.vols[1].status, VOL_FAILED);
	CHECK(strstr(r.a.vols[1].why, "has a bcache superblock") != NULL);
	CHECK_INT(r.a.vols[2].status, VOL_FAILED);
	CHECK(strstr(r.a.vols[2].why, "is not a bcache backing device "
					"(blkid: TYPE=ext4)") != NULL);
	CHECK_INT(fk_count_writes(&fk, "register"), 0);
	run_free(&r);
	fk_cleanup(&fk);
}

static void rerun_is_idempotent(void)
{
	struct fk fk;
	struct run r;
	char text[300];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	snprintf(text, sizeof(text), "data /dev/vdb %s raw,uuid=" U1 "\n",
		 cset_text);
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK(r.a.vols[0].registered);
	run_free(&r);
	fk.n_writes = 0;
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK(!r.a.vols[0].registered);
	CHECK_INT(fk.n_writes, 0);
	CHECK_INT(r.exit, EXIT_OK);
	run_free(&r);
	/* registered under another uuid: refused, not re-registered */
	snprintf(text, sizeof(text), "data /dev/vdb %s raw,uuid=" U2 "\n",
		 cset_text);
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_FAILED);
	CHECK(strstr(r.a.vols[0].why, "is registered with uuid") != NULL);
	run_free(&r);
	fk_cleanup(&fk);
}

static void missing_device_times_out(void)
{
	struct fk fk;
	struct run r;

	fk_init(&fk);
	assemble_text(&fk, "a /dev/vdz - \nb /dev/vdy - nofail\n", &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_FAILED);
	CHECK_STR(r.a.vols[0].why, "device /dev/vdz did not appear within 0 s");
	CHECK_INT(r.exit, EXIT_FAILED);
	run_free(&r);
	assemble_text(&fk, "b /dev/vdy - nofail\n", &r, 0);
	CHECK_INT(r.exit, EXIT_OK);
	run_free(&r);
	fk_cleanup(&fk);
}

struct late {
	struct fk *fk;
	int delay_ms;
	int times;
};

static void *send_late(void *p)
{
	struct late *l = p;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, l->delay_ms * 1000000L };
	static const char msg[] = "add@/block/vdb\0ACTION=add\0SUBSYSTEM=block"
				  "\0DEVNAME=vdb";
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	nanosleep(&ts, NULL);
	fk_add_disk(l->fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->fk->ctx.uevent_sock);
	for (int i = 0; i < l->times; i++)
		if (sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&sa,
			   sizeof(sa)) < 0)
			perror("sendto");
	close(fd);
	return NULL;
}

/* The device appears after the scan: the uevent wakes assembly. */
static void late_device_via_uevent(void)
{
	struct fk fk;
	struct run r;
	struct late l = { .fk = &fk, .delay_ms = 200, .times = 2 };
	pthread_t th;
	int64_t t0;

	fk_init(&fk);
	pthread_create(&th, NULL, send_late, &l);
	t0 = now_ms();
	assemble_text(&fk, "a /dev/vdb - raw,uuid=" U1 "\n", &r, 10);
	pthread_join(th, NULL);
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	CHECK(now_ms() - t0 < 5000); /* woken by the event, not the deadline */
	CHECK_INT(fk_count_writes(&fk, "register_raw"), 1); /* twice: once */
	run_free(&r);
	fk_cleanup(&fk);
}

static void lifecycle_edits(void)
{
	struct fk fk;
	struct run r;
	struct lifecycle_args a = { .name = "data", .timeout = 0 };
	char text[300];
	const char *tab;
	FILE *f;
	static char buf[2048];

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	snprintf(text, sizeof(text),
		 "# keep me\ndata   /dev/vdb  %s  raw,uuid=" U1 "\n"
		 "other   /dev/vdq -   nofail\n",
		 cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	a.value = "writeback";
	CHECK_INT(do_set_mode(&fk.ctx, &a), EXIT_OK);
	a.value = "L2";
	CHECK_INT(do_set_label(&fk.ctx, &a), EXIT_OK);
	f = fopen(fk.ctx.config, "r");
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	tab = buf;
	CHECK(strstr(tab, "# keep me\n") == tab);
	CHECK(strstr(tab, "raw,uuid=" U1 ",mode=writeback,label=L2\n") != NULL);
	CHECK(strstr(tab, "other   /dev/vdq -   nofail\n") != NULL);
	/* writeback ordering: bcachetab first, then the kernel */
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/cache_mode"),
		  "writethrough [writeback] writearound none");
	/* detach that cannot finish: bcachetab keeps the set */
	fk.detach_leaves_dirty = true;
	fk_write_file(&fk, "class/block/vdb/bcache/state", "dirty\n");
	CHECK_INT(do_detach(&fk.ctx, &a), EXIT_HELD);
	f = fopen(fk.ctx.config, "r");
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	CHECK(strstr(buf, cset_text) != NULL);
	CHECK(strstr(buf, "stale") == NULL);
	/* writeback finished: stale first, then the detach, then no set */
	fk.detach_leaves_dirty = false;
	fk_write_file(&fk, "class/block/vdb/bcache/state", "clean\n");
	CHECK_INT(do_detach(&fk.ctx, &a), EXIT_OK);
	CHECK_STR(fk_read_file(&fk, "class/block/vdb/bcache/cache_mode"),
		  "[writethrough] writeback writearound none");
	f = fopen(fk.ctx.config, "r");
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	CHECK(strstr(buf, cset_text) == NULL);
	CHECK(strstr(buf, "data\t/dev/vdb\t-\traw,uuid=" U1
			  ",mode=writethrough,label=L2\n") != NULL);
	run_free(&r);
	fk_cleanup(&fk);
}

/*
 * The way back: a registered writeback volume drains, detaches, its line
 * goes, its bcache device stops; a held one that may hold dirty data is
 * refused.
 */
static void remove_volume(void)
{
	struct fk fk;
	struct run r;
	struct lifecycle_args a = { .name = "data", .timeout = 0 };
	char text[300];

	writeback_data(&fk, &r, "other /dev/vdq - nofail\n");
	CHECK_INT(r.a.vols[0].status, VOL_RUNNING);
	/* writeback that cannot finish: nothing changes */
	fk.detach_leaves_dirty = true;
	fk_write_file(&fk, "class/block/vdb/bcache/state", "dirty\n");
	CHECK_INT(do_remove(&fk.ctx, &a), EXIT_HELD);
	CHECK(strstr(tab_now(&fk), "data /dev/vdb") != NULL);
	fk.detach_leaves_dirty = false;
	fk_write_file(&fk, "class/block/vdb/bcache/state", "clean\n");
	CHECK_INT(do_remove(&fk.ctx, &a), EXIT_OK);
	CHECK(fk_find_write(&fk, "vdb/bcache/detach") >= 0);
	CHECK(fk_find_write(&fk, "vdb/bcache/detach") <
	      fk_find_write(&fk, "vdb/bcache/stop"));
	CHECK(strstr(tab_now(&fk), "data") == NULL);
	CHECK(strstr(tab_now(&fk), "other /dev/vdq - nofail") != NULL);
	run_free(&r);
	fk_cleanup(&fk);
	/* not registered, its set may hold dirty data: refused */
	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writeback\n", cset_text);
	write_tab(&fk, text);
	CHECK_INT(do_remove(&fk.ctx, &a), EXIT_FAILED);
	CHECK(strstr(tab_now(&fk), "data") != NULL);
	/* stale: the set's copy is given up anyway; removed */
	snprintf(text, sizeof(text),
		 "data /dev/vdb %s raw,uuid=" U1 ",mode=writeback,stale\n",
		 cset_text);
	write_tab(&fk, text);
	CHECK_INT(do_remove(&fk.ctx, &a), EXIT_OK);
	CHECK(strstr(tab_now(&fk), "data") == NULL);
	fk_cleanup(&fk);
}

/*
 * A mounted disk: refused without --next-boot; with it, the line is written
 * 'stale' (its first registration attaches cold), 'initrd' for the root,
 * the images rebuilt, nothing registered now. Images that cannot be
 * rebuilt take the line away again.
 */
static void create_next_boot(void)
{
	struct fk fk;
	struct lifecycle_args a = { .name = "root", .device = "/dev/vdb",
				    .options = "mode=writeback" };
	char p[512];
	FILE *f;

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_cache_set(&fk, cset_text);
	a.cset = cset_text;
	snprintf(p, sizeof(p), "%s/mountinfo", fk.root);
	f = fopen(p, "w");
	fputs("21 1 254:16 / / rw - ext4 /dev/vdb rw\n", f);
	fclose(f);
	fk.ctx.mountinfo = strdup(p);
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_FAILED);
	CHECK(access(fk.ctx.config, F_OK) != 0);
	fk.ctx.update_images = "false";
	a.next_boot = true;
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_FAILED);
	CHECK(strstr(tab_now(&fk), "root") == NULL);
	fk.ctx.update_images = "true";
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_OK);
	CHECK_INT(fk_count_writes(&fk, "register_raw"), 0);
	CHECK(strstr(tab_now(&fk), ",mode=writeback,") != NULL);
	CHECK(strstr(tab_now(&fk), ",stale") != NULL);
	CHECK(strstr(tab_now(&fk), ",initrd") != NULL);
	CHECK(!images_outdated(&fk.ctx));
	free((char *)fk.ctx.mountinfo);
	fk_cleanup(&fk);
}

static void create_volume(void)
{
	struct fk fk;
	struct lifecycle_args a = { .name = "new", .device = "/dev/vdb",
				    .options = "mode=writeback,label=n1,initrd" };
	static char buf[2048];
	FILE *f;

	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdc", 254, 32, 65536, fixture("cache.img"));
	a.cset = cset_text;
	/* set not registered yet: refused, nothing written */
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_FAILED);
	CHECK_INT(fk_count_writes(&fk, "register_raw"), 0);
	CHECK(access(fk.ctx.config, F_OK) != 0);
	fk_add_cache_set(&fk, cset_text);
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_OK);
	CHECK(strstr(raw_line_written(&fk), "state=none") != NULL);
	f = fopen(fk.ctx.config, "r");
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	CHECK(strstr(buf, "new\t/dev/vdb\t") == buf);
	CHECK(strstr(buf, ",mode=writeback,label=n1,size=32768,initrd\n") != NULL);
	/* an initrd volume: the initramfs copy of bcachetab is now old */
	CHECK(images_outdated(&fk.ctx));
	/* ... so it stays writethrough until the images have its line */
	CHECK_INT(fk_find_write(&fk, "vdb/bcache/cache_mode"), -1);
	/* twice: refused */
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_CONFIG);
	/* a formatted device: refused */
	fk_add_disk(&fk, "vdd", 254, 48, 32768, fixture("backing.img"));
	a.name = "f";
	a.device = "/dev/vdd";
	CHECK_INT(do_create(&fk.ctx, &a), EXIT_FAILED);
	fk_cleanup(&fk);
}

/* A last-resort run starts held writethrough volumes, never writeback. */
static void last_resort(void)
{
	struct fk fk;
	struct run r;
	struct lifecycle_args a = { .last_resort = true, .timeout = 0 };
	char text[400];
	fk_init(&fk);
	fk_add_disk(&fk, "vdb", 254, 16, 32768, fixture("ext4.img"));
	fk_add_disk(&fk, "vdd", 254, 48, 32768, fixture("ext4.img"));
	snprintf(text, sizeof(text),
		 "wt /dev/vdb %s raw,uuid=" U1 ",nofail\n"
		 "wb /dev/vdd %s raw,uuid=" U2 ",mode=writeback\n",
		 cset_text, cset_text);
	write_tab(&fk, text);
	assemble_text(&fk, text, &r, 0);
	CHECK_INT(r.a.vols[0].status, VOL_HELD);
	CHECK_INT(r.a.vols[1].status, VOL_HELD);
	CHECK(volume_held(&fk.ctx, "wt") && volume_held(&fk.ctx, "wb"));
	a.name = "wb";
	CHECK_INT(do_run(&fk.ctx, &a), EXIT_HELD);
	CHECK_INT(fk_find_write(&fk, "vdd/bcache/running"), -1);
	CHECK(strstr(tab_now(&fk), "stale") == NULL);
	a.name = "wt";
	CHECK_INT(do_run(&fk.ctx, &a), EXIT_OK);
	CHECK(fk_find_write(&fk, "vdb/bcache/running") >= 0);
	CHECK(strstr(tab_now(&fk), "nofail,stale") != NULL);
	CHECK(!volume_held(&fk.ctx, "wt"));
	run_free(&r);
	fk_cleanup(&fk);
}

TEST_MAIN(T(formatted_with_cache), T(last_resort), T(formatted_dirty_cache_late),
	  T(raw_states), T(raw_line_fields), T(stale_line_cycle),
	  T(initrd_stale_waits_for_images),
	  T(repeated_boots_bounded), T(forced_run), T(forced_run_in_initrd),
	  T(stop_with_dirty_data), T(injected_errors), T(module_without_register_raw),
	  T(identity_checks),
	  T(rerun_is_idempotent), T(missing_device_times_out),
	  T(late_device_via_uevent), T(lifecycle_edits), T(create_volume),
	  T(remove_volume), T(create_next_boot))

__attribute__((constructor)) static void init(void)
{
	load_cset();
}
