/* SPDX-License-Identifier: GPL-2.0-or-later */
/* window.c - which board RAM window holds a card address range */
#include "internal.h"

int cl_window_find(const struct cl_board *b, uint64_t addr, uint64_t len,
		   uint64_t *win_off)
{
	uint64_t end;
	unsigned i;

	if (cl_add_ovf(addr, len, &end))
		return -1;
	for (i = 0; i < b->nwin; i++) {
		const struct cl_window *w = &b->win[i];

		if (addr >= w->addr && end <= w->addr + w->size) {
			if (win_off)
				*win_off = addr - w->addr;
			return (int)i;
		}
	}
	return -1;
}
