/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_board.c - libFuzzer target: board file text -> cl_board_parse, and
 * the lookups a parsed board then answers */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "cardload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_ctx *ctx;
	struct cl_board b;
	uint64_t off, a;
	unsigned i;

	if (!ctx && !(ctx = cl_ctx_new()))
		__builtin_trap();
	/* exactly size bytes, no NUL after them: the parser must not look */
	if (cl_board_parse(ctx, "fuzz.board", (const char *)data, size, &b)) {
		volatile size_t n = strlen(cl_errmsg(ctx));
		(void)n;
		return 0;
	}
	(void)cl_board_ram_total(&b);
	for (i = 0; i < b.nwin; i++) {
		a = b.win[i].addr;
		(void)cl_window_find(&b, a, b.win[i].size, &off);
		(void)cl_window_find(&b, a + b.win[i].size - 1, 2, &off);
	}
	for (i = 0; i < b.nres; i++)
		(void)cl_window_find(&b, b.res[i].addr, b.res[i].size, &off);
	return 0;
}
