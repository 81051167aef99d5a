// SPDX-License-Identifier: GPL-2.0-or-later
#include "testlib.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

int test_failed_checks;

const char *fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *dir = getenv("FIXTURES");

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0 ? path : NULL;
}

int test_main(const struct test *tests, size_t n, int argc, char **argv)
{
	unsigned passed = 0, failed = 0;

	log_verbosity = getenv("TEST_VERBOSE") ? LOG_DEBUG : -1;
	for (size_t i = 0; i < n; i++) {
		int before = test_failed_checks;

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn();
		if (test_failed_checks == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s\n", tests[i].name);
		}
	}
	printf("%s: %u passed, %u failed\n", argv[0], passed, failed);
	return failed ? 1 : 0;
}
