/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"
#include "macro.h"

/*
 * Make sure /sys/fs/bcache exists, loading the bcache module in-process with
 * libkmod if needed. -ENOENT: no module and loading not allowed or failed.
 */
int bcache_module_ensure(struct context *ctx) _must_check_;
