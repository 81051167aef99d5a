// SPDX-License-Identifier: GPL-2.0-or-later
#include "rawline.h"

#include <inttypes.h>
#include <stdio.h>

#include "uuidtext.h"

static const char *const state_names[] = { "none", "clean", "dirty",
					   "stale" };

int rawline_format(const struct bt_entry *e, unsigned major, unsigned minor,
		   enum bdev_state state, enum cache_mode mode, bool discard,
		   char *buf, size_t len)
{
	char uuid[UUID_STR_LEN], cset[48] = "";
	char label[48] = "", off[48] = "", block[24] = "";
	int n;

	if (!e->raw || !e->has_uuid || (unsigned)state > BDEV_STALE ||
	    (discard && state != BDEV_STALE))
		return -EINVAL;
	uuid_to_text(e->uuid, uuid);
	if (e->has_cset) {
		char u[UUID_STR_LEN];

		uuid_to_text(e->cset, u);
		snprintf(cset, sizeof(cset), " cset=%s", u);
	} else if (state != BDEV_NONE) {
		return -EINVAL; /* the kernel would refuse it too */
	}
	if (e->has_label)
		snprintf(label, sizeof(label), " label=%s", e->label);
	if (e->has_data_offset)
		snprintf(off, sizeof(off), " data_offset=%" PRIu64,
			 e->data_offset);
	if (e->block)
		snprintf(block, sizeof(block), " block=%u", e->block);
	n = snprintf(buf, len, "dev=%u:%u uuid=%s%s mode=%s state=%s%s%s%s%s\n",
		     major, minor, uuid, cset,
		     cache_mode_name(mode == MODE_UNSET ? MODE_WRITETHROUGH : mode),
		     state_names[state], label, off, block,
		     discard ? " dirty=discard" : "");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
