/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "macro.h"

/*
 * User-facing messages. Only main.c and the mode drivers print; helpers return
 * -errno. Messages go to stderr, and also to /dev/kmsg when running in an
 * initramfs (log_open_kmsg), where stderr may not be visible, unless stderr is
 * the journal already.
 */
enum log_level { LOG_ERR, LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

extern int log_verbosity; /* LOG_NOTICE by default; -v/-q move it */

void log_open_kmsg(void);
void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
/* "FILE:LINE: message" for bcachetab diagnostics, always at LOG_ERR. */
void log_at(const char *file, unsigned line, const char *fmt, ...)
	_printf_(3, 4);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
