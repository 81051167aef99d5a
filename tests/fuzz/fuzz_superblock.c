// SPDX-License-Identifier: GPL-2.0-or-later
/* Superblock decoder: any 0..8 KiB input, no out-of-bounds read. */
#include <stdint.h>
#include <stdlib.h>

#include "superblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcache_sb sb;
	int r = sb_decode(data, size, &sb);

	if (r == 0 && (!sb.csum_ok || sb.keys > 256))
		abort();
	if (r == 0 && sb_is_backing(&sb) && sb.data_offset < 16)
		abort();
	return 0;
}
