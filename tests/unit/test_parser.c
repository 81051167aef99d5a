// SPDX-License-Identifier: GPL-2.0-or-later
/* bcachetab grammar: every rule and every error message. */
#include <stdlib.h>

#include "bcachetab.h"
#include "testlib.h"
#include "uuidtext.h"

#define U1 "6b1561e6-55b1-44ab-84ad-9c2164d17ac0"
#define C1 "ee0c5ce4-c401-45ae-bbd2-11d9bce912c9"

static const char *err_of(const char *line)
{
	static char msg[200];
	struct bt_entry e;
	int r = bt_parse_line(line, 1, &e, msg, sizeof(msg));

	return r < 0 ? msg : r == 1 ? "(skipped)" : "(ok)";
}

static void good_lines(void)
{
	struct bt_entry e;
	char msg[200], u[UUID_STR_LEN];

	CHECK_INT(bt_parse_line("data1 /dev/disk/by-id/ata-X " C1
				" raw,uuid=" U1 ",mode=writeback,label=d1,"
				"data_offset=2048,block=4096,size=1000,"
				"timeout=5,wait=7,nofail,noauto,initrd",
				3, &e, msg, sizeof(msg)), 0);
	CHECK_STR(e.name, "data1");
	CHECK_STR(e.device, "/dev/disk/by-id/ata-X");
	CHECK(e.has_cset && e.raw && e.has_uuid && e.nofail && e.noauto &&
	      e.initrd);
	uuid_to_text(e.uuid, u);
	CHECK_STR(u, U1);
	uuid_to_text(e.cset, u);
	CHECK_STR(u, C1);
	CHECK_INT(e.mode, MODE_WRITEBACK);
	CHECK_STR(e.label, "d1");
	CHECK_INT(e.data_offset, 2048);
	CHECK_INT(e.block, 4096);
	CHECK_INT(e.size, 1000);
	CHECK_INT(e.timeout, 5);
	CHECK_INT(e.wait, 7);
	CHECK_INT(e.line, 3);
	CHECK_STR(err_of("root UUID=" U1 " -"), "(ok)");
	CHECK_STR(err_of("r PARTUUID=abc - defaults"), "(ok)");
	CHECK_STR(err_of("r LABEL=x - -"), "(ok)");
	CHECK_STR(err_of("r PARTLABEL=x -\t-"), "(ok)");
	CHECK_STR(err_of("  # comment"), "(skipped)");
	CHECK_STR(err_of("   "), "(skipped)");
	CHECK_STR(err_of(""), "(skipped)");
	CHECK_STR(err_of("a.b_c-d /dev/x - sequential_cutoff=4M,"
			 "writeback_percent=10,writeback_delay=30,"
			 "readahead_cache_policy=meta-only,"
			 "stop_when_cache_set_failed=always,"
			 "writeback_rate_minimum=8"),
		  "(ok)");
}

static void tunables_normalised(void)
{
	struct bt_entry e;
	char msg[200];

	CHECK_INT(bt_parse_line("a /dev/x - sequential_cutoff=4M", 1, &e, msg,
				sizeof(msg)), 0);
	CHECK_STR(e.tunables[0].attr, "sequential_cutoff");
	CHECK_STR(e.tunables[0].value, "4194304");
	CHECK_INT(bt_parse_line("a /dev/x - sequential_cutoff=0", 1, &e, msg,
				sizeof(msg)), 0);
	CHECK_STR(e.tunables[0].value, "0");
	CHECK_INT(bt_parse_line("a /dev/x - sequential_cutoff=3k", 1, &e, msg,
				sizeof(msg)), 0);
	CHECK_STR(e.tunables[0].value, "3072");
}

static void field_errors(void)
{
	CHECK_STR(err_of("onlyname"),
		  "expected NAME DEVICE CSET [OPTIONS], found 1 field (use '-' "
		  "for no cache set)");
	CHECK_STR(err_of("a /dev/x"),
		  "expected NAME DEVICE CSET [OPTIONS], found 2 fields (use '-' "
		  "for no cache set)");
	CHECK_STR(err_of("a /dev/x - raw uuid=" U1),
		  "too many fields (expected NAME DEVICE CSET [OPTIONS]; options "
		  "are separated by commas)");
	CHECK_STR(err_of("-a /dev/x -"),
		  "bad name '-a': 1 to 32 characters of A-Z a-z 0-9 . _ -, not "
		  "starting with . or -");
	CHECK_STR(err_of("a/b /dev/x -"),
		  "bad name 'a/b': 1 to 32 characters of A-Z a-z 0-9 . _ -, not "
		  "starting with . or -");
	CHECK_STR(err_of("a123456789012345678901234567890123 /dev/x -"),
		  "bad name 'a123456789012345678901234567890123': 1 to 32 "
		  "characters of A-Z a-z 0-9 . _ -, not starting with . or -");
	CHECK_STR(err_of("a dev/x -"),
		  "bad device 'dev/x': expected an absolute path or UUID=, "
		  "PARTUUID=, LABEL=, PARTLABEL=");
	CHECK_STR(err_of("a UUID= -"),
		  "bad device 'UUID=': expected an absolute path or UUID=, "
		  "PARTUUID=, LABEL=, PARTLABEL=");
	CHECK_STR(err_of("a /dev/x nope"),
		  "bad cache set 'nope': expected a UUID or '-'");
	CHECK_STR(err_of("a /dev/x 00000000-0000-0000-0000-000000000000"),
		  "bad cache set '00000000-0000-0000-0000-000000000000': "
		  "expected a UUID or '-'");
	CHECK_STR(err_of("a /dev/x\x01 -"), "control character in line");
}

static void option_errors(void)
{
	CHECK_STR(err_of("a /dev/x - foo"), "unknown option 'foo'");
	CHECK_STR(err_of("a /dev/x - Raw"), "unknown option 'Raw'");
	CHECK_STR(err_of("a /dev/x - nofail,nofail"),
		  "option 'nofail' given twice");
	CHECK_STR(err_of("a /dev/x - timeout="), "option 'timeout' needs a value");
	CHECK_STR(err_of("a /dev/x - timeout"), "option 'timeout' needs a value");
	CHECK_STR(err_of("a /dev/x - nofail=1"),
		  "option 'nofail' does not take a value");
	CHECK_STR(err_of("a /dev/x - nofail,,noauto"),
		  "empty option in 'nofail,,noauto'");
	CHECK_STR(err_of("a /dev/x - ,nofail"), "empty option in ',nofail'");
	CHECK_STR(err_of("a /dev/x - raw,uuid=xyz"),
		  "uuid=xyz is not a UUID (36 characters, "
		  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
	CHECK_STR(err_of("a /dev/x - raw,uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac"),
		  "uuid=6b1561e6-55b1-44ab-84ad-9c2164d17ac is not a UUID (36 "
		  "characters, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
	CHECK_STR(err_of("a /dev/x - raw,uuid=6b1561e6x55b1-44ab-84ad-9c2164d17ac0"),
		  "uuid=6b1561e6x55b1-44ab-84ad-9c2164d17ac0 is not a UUID (36 "
		  "characters, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
	CHECK_STR(err_of("a /dev/x - raw,uuid=00000000-0000-0000-0000-000000000000"),
		  "uuid= must not be the null UUID");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",mode=fast"),
		  "mode=fast: expected writethrough, writeback, writearound or "
		  "none");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",label=a/b"),
		  "label=a/b: 1 to 32 characters of A-Z a-z 0-9 and . _ + : @ -");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1
			 ",label=123456789012345678901234567890123"),
		  "label=123456789012345678901234567890123: 1 to 32 characters "
		  "of A-Z a-z 0-9 and . _ + : @ -");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",block=8192"),
		  "block=8192: expected 512, 1024, 2048 or 4096 (bytes)");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",data_offset=-1"),
		  "data_offset=-1: expected a whole number from 0 to "
		  "36028797018963967");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1
			 ",data_offset=99999999999999999999999"),
		  "data_offset=99999999999999999999999: expected a whole number "
		  "from 0 to 36028797018963967");
	CHECK_STR(err_of("a /dev/x - size=0"),
		  "size=0: expected a whole number from 1 to 36028797018963967");
	CHECK_STR(err_of("a /dev/x - timeout=86401"),
		  "timeout=86401: expected a whole number from 0 to 86400");
	CHECK_STR(err_of("a /dev/x - wait=1x"),
		  "wait=1x: expected a whole number from 0 to 86400");
	CHECK_STR(err_of("a /dev/x - writeback_percent=101"),
		  "writeback_percent=101: expected a whole number from 0 to 100");
	CHECK_STR(err_of("a /dev/x - sequential_cutoff=4T"),
		  "sequential_cutoff=4T: expected bytes below 4G, optionally "
		  "with k, M or G");
	CHECK_STR(err_of("a /dev/x - readahead_cache_policy=some"),
		  "readahead_cache_policy=some: expected all or meta-only");
}

static void entry_rules(void)
{
	CHECK_STR(err_of("a /dev/x - raw"),
		  "raw volume needs uuid= (its permanent bcache identity; "
		  "bcacheassemble --create makes one)");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",mode=writeback"),
		  "mode=writeback needs a cache set UUID in field 3");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",block=4096,data_offset=9"),
		  "data_offset=9 is not a multiple of block=4096");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",stale"),
		  "'stale' means the cache set's copy is out of date: it needs "
		  "a cache set in field 3");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",serial=a,b"),
		  "unknown option 'b'");
	CHECK_STR(err_of("a /dev/x - raw,uuid=" U1 ",serial=\x01"),
		  "control character in line");
	/* a CR ends a CRLF line, and is an error anywhere else */
	CHECK_STR(err_of("a /dev/x -\r"), "(ok)");
	CHECK_STR(err_of("a /dev/x - nofail\rraw"),
		  "control character in line");
	CHECK_STR(err_of("a /dev/x - mode=writeback"),
		  "uuid=, mode=, label=, data_offset=, block=, serial= and stale "
		  "are for raw volumes; a formatted device keeps them in its superblock (add "
		  "'raw' if this disk has none)");
}

static void whole_file(void)
{
	const char *text = "# bcachetab\n"
			   "a /dev/x - raw,uuid=" U1 "\n"
			   "b /dev/y - bogus\n"
			   "\n"
			   "a /dev/z -\n"
			   "c /dev/x -\n"
			   "d /dev/w - raw,uuid=" U1 "\n"
			   "e /dev/v -";
	struct bcachetab tab;

	CHECK_INT(bcachetab_parse(text, strlen(text), &tab), 0);
	CHECK_INT(bcachetab_check_duplicates(&tab), 0);
	CHECK_INT(tab.n_entries, 2);
	CHECK_STR(tab.entries[0].name, "a");
	CHECK_STR(tab.entries[1].name, "e"); /* no trailing newline is fine */
	CHECK_INT(tab.n_errors, 4);
	CHECK_INT(tab.errors[0].line, 3);
	CHECK_STR(tab.errors[0].msg, "unknown option 'bogus'");
	CHECK_INT(tab.errors[1].line, 5);
	CHECK_STR(tab.errors[1].msg, "name already used by 'a' on line 2");
	CHECK_INT(tab.errors[2].line, 6);
	CHECK_STR(tab.errors[2].msg, "device already used by 'a' on line 2");
	CHECK_INT(tab.errors[3].line, 7);
	CHECK_STR(tab.errors[3].msg, "uuid already used by 'a' on line 2");
	CHECK(bcachetab_find(&tab, "e") != NULL);
	CHECK(bcachetab_find(&tab, "b") == NULL);
	bcachetab_free(&tab);

	CHECK_INT(bcachetab_parse("a /dev/x -\0b\n", 12, &tab), 0);
	CHECK_INT(tab.n_errors, 1);
	CHECK_STR(tab.errors[0].msg, "NUL byte in line");
	bcachetab_free(&tab);
}

static void long_line(void)
{
	size_t n = 5000;
	char *text = malloc(n + 1);
	struct bcachetab tab;

	memset(text, 'a', n);
	text[n] = 0;
	CHECK_INT(bcachetab_parse(text, n, &tab), 0);
	CHECK_INT(tab.n_errors, 1);
	CHECK_STR(tab.errors[0].msg, "line longer than 4095 bytes");
	bcachetab_free(&tab);
	free(text);
}

static void format_round_trip(void)
{
	const char *line = "data1\t/dev/disk/by-id/x\t" C1 "\traw,uuid=" U1
			   ",mode=writeback,label=d1,data_offset=8,block=4096,"
			   "size=99,timeout=3,wait=4,sequential_cutoff=0,"
			   "nofail,noauto,initrd";
	struct bt_entry e, e2;
	char msg[200], out[1024], out2[1024];

	CHECK_INT(bt_parse_line(line, 1, &e, msg, sizeof(msg)), 0);
	CHECK_INT(bt_format_entry(&e, out, sizeof(out)), 0);
	CHECK_STR(out, line);
	CHECK_INT(bt_parse_line(out, 1, &e2, msg, sizeof(msg)), 0);
	CHECK_INT(bt_format_entry(&e2, out2, sizeof(out2)), 0);
	CHECK_STR(out2, out);
	CHECK_INT(bt_format_entry(&e, out, 20), -ENOSPC);
}

TEST_MAIN(T(good_lines), T(tunables_normalised), T(field_errors),
	  T(option_errors), T(entry_rules), T(whole_file), T(long_line),
	  T(format_round_trip))
