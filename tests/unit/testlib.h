/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>
#include <string.h>

/* Minimal test registry; the runner prints "N passed, N failed". */
struct test {
	const char *name;
	void (*fn)(void);
};

extern int test_failed_checks;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",     \
				__FILE__, __LINE__, #cond);                \
			test_failed_checks++;                              \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (!a_ || !b_ || strcmp(a_, b_)) {                        \
			fprintf(stderr,                                    \
				"  %s:%d: expected \"%s\"\n  %*s got \"%s\"\n", \
				__FILE__, __LINE__, b_ ? b_ : "(null)",    \
				(int)strlen(__FILE__) + 6, "",             \
				a_ ? a_ : "(null)");                       \
			test_failed_checks++;                              \
		}                                                          \
	} while (0)

#define CHECK_INT(a, b)                                                    \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_) {                                            \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, a_, b_);           \
			test_failed_checks++;                              \
		}                                                          \
	} while (0)

int test_main(const struct test *tests, size_t n, int argc, char **argv);

#define TEST_MAIN(...)                                                     \
	int main(int argc, char **argv)                                    \
	{                                                                  \
		static const struct test t_[] = { __VA_ARGS__ };           \
		return test_main(t_, sizeof(t_) / sizeof(t_[0]), argc, argv); \
	}
#define T(fn) { #fn, fn }

/* Path of a fixture made by tests/run-unit.sh, or NULL. */
const char *fixture(const char *name);
