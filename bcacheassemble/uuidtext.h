/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <uuid/uuid.h> /* uuid_is_null() */

#define UUID_STR_LEN 37 /* 36 characters and the NUL */

/* Strict: exactly 36 characters, hyphens at 8/13/18/23, hex elsewhere. */
int uuid_from_text(const char *s, uint8_t out[16]);
void uuid_to_text(const uint8_t u[16], char out[UUID_STR_LEN]);
