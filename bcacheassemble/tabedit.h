/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "macro.h"

/*
 * Change one line of bcachetab atomically: the file is rewritten to a
 * temporary file in the same directory, synced, renamed over the original and
 * the directory synced. Every other byte (comments, alignment) is kept.
 *   lineno > 0, text != NULL: replace that line
 *   lineno > 0, text == NULL: delete it
 *   lineno == 0: append text (the file is created if missing, mode 0644)
 * On any error the original file is unchanged.
 */
int tabedit_apply(const char *path, unsigned lineno, const char *text)
	_must_check_;
