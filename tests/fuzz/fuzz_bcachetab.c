// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcachetab parser: no crash, no leak, and every accepted entry survives
 * format -> parse -> format unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcachetab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcachetab tab;

	if (bcachetab_parse((const char *)data, size, &tab) < 0)
		return 0;
	if (bcachetab_check_duplicates(&tab) < 0)
		abort();
	for (size_t i = 0; i < tab.n_entries; i++) {
		char a[1024], b[1024], msg[200];
		struct bt_entry e;

		if (bt_format_entry(&tab.entries[i], a, sizeof(a)) < 0)
			continue;
		if (bt_parse_line(a, 1, &e, msg, sizeof(msg)) != 0)
			abort();
		if (bt_format_entry(&e, b, sizeof(b)) < 0 || strcmp(a, b))
			abort();
	}
	bcachetab_free(&tab);
	return 0;
}
