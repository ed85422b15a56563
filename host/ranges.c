/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ranges.c - card address ranges against a board: which window holds a
 * range, which reserved or busy range it meets
 *
 * One rule for every check: [a, a+n) is empty when n is 0, and a range
 * whose end would pass 2^64 ends there (clamped, never wrapped around to
 * address 0). Ranges meet in card addresses, and also in the backing bytes
 * behind them when two windows of the board show the same memory (the
 * same BAR, or both without one): board files refuse such windows, a
 * board built in memory may still have them, and a segment must not reach
 * the mailbox through the other window.
 */
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

		if (cl_range_within(addr, len, w->addr, w->size)) {
			if (win_off)
				*win_off = addr - w->addr;
			return (int)i;
		}
	}
	return -1;
}

bool cl_range_within(uint64_t a, uint64_t n, uint64_t r, uint64_t rn)
{
	uint64_t end;

	if (a < r)
		return false;
	if (cl_add_ovf(r, rn, &end))
		return true; /* r reaches the top of the address space */
	return a - r <= rn && n <= rn - (a - r);
}

bool cl_backing_shared(const struct cl_window *x, const struct cl_window *y,
		       uint64_t *lo, uint64_t *hi)
{
	uint64_t xn = x->aperture ? x->aperture : x->size;
	uint64_t yn = y->aperture ? y->aperture : y->size;

	if (x->bar != y->bar || !cl_overlap(x->offset, xn, y->offset, yn))
		return false;
	if (lo)
		*lo = x->offset > y->offset ? x->offset : y->offset;
	if (hi) {
		uint64_t xe = cl_range_end(x->offset, xn);
		uint64_t ye = cl_range_end(y->offset, yn);

		*hi = xe < ye ? xe : ye;
	}
	return true;
}

bool cl_board_aliased(const struct cl_board *b)
{
	unsigned i, j;

	for (i = 0; i < b->nwin; i++)
		for (j = i + 1; j < b->nwin; j++) {
			const struct cl_window *x = &b->win[i], *y = &b->win[j];

			if (!x->aperture && !y->aperture &&
			    cl_backing_shared(x, y, NULL, NULL))
				return true;
		}
	return false;
}

/* Window w's backing bytes behind the part of [a, a+n) it holds, as
 * [*lo, *hi); false when it holds none of it, or shows card memory through
 * an aperture (moved by a register to the card address itself, so only
 * card addresses can meet there). */
static bool backing_of(const struct cl_window *w, uint64_t a, uint64_t n,
		       uint64_t *lo, uint64_t *hi)
{
	uint64_t wend, aend = cl_range_end(a, n), s, e;

	if (w->aperture || cl_add_ovf(w->addr, w->size, &wend))
		return false;
	s = a > w->addr ? a : w->addr;
	e = aend < wend ? aend : wend;
	return s < e && !cl_add_ovf(w->offset, s - w->addr, lo) &&
	       !cl_add_ovf(w->offset, e - w->addr, hi);
}

bool cl_clash(const struct cl_board *b, uint64_t a, uint64_t n, uint64_t c,
	      uint64_t m, struct cl_clash *k)
{
	unsigned i, j;

	if (cl_overlap(a, n, c, m)) {
		*k = (struct cl_clash){ c, cl_range_end(c, m), -1, -1 };
		return true;
	}
	if (b->nwin < 2 || !n || !m)
		return false;
	for (i = 0; i < b->nwin; i++) {
		const struct cl_window *wa = &b->win[i];
		uint64_t alo, ahi, clo, chi;

		if (!backing_of(wa, a, n, &alo, &ahi))
			continue;
		for (j = 0; j < b->nwin; j++) {
			const struct cl_window *wc = &b->win[j];

			if (j == i || wc->bar != wa->bar ||
			    !backing_of(wc, c, m, &clo, &chi) ||
			    !cl_overlap(alo, ahi - alo, clo, chi - clo))
				continue;
			/* c's bytes as seen through a's window */
			if (clo < wa->offset)
				clo = wa->offset;
			if (chi - wa->offset > wa->size)
				chi = wa->offset + wa->size;
			*k = (struct cl_clash){ wa->addr + (clo - wa->offset),
						wa->addr + (chi - wa->offset),
						(int)i, (int)j };
			return true;
		}
	}
	return false;
}

bool cl_meets(const struct cl_board *b, bool alias, uint64_t a, uint64_t n,
	      uint64_t c, uint64_t m, struct cl_clash *k)
{
	if (alias)
		return cl_clash(b, a, n, c, m, k);
	if (!cl_overlap(a, n, c, m))
		return false;
	*k = (struct cl_clash){ c, cl_range_end(c, m), -1, -1 };
	return true;
}

const char *cl_clash_via(const struct cl_board *b, const struct cl_clash *k,
			 char *buf, size_t len)
{
	if (k->wa < 0)
		return "";
	snprintf(buf, len, " (the same memory: %s and %s map the same backing "
		 "bytes)", b->win[k->wa].name, b->win[k->wc].name);
	return buf;
}

const struct cl_reserved *cl_reserved_hit(const struct cl_board *b,
					  bool alias, uint64_t a, uint64_t n,
					  struct cl_clash *k)
{
	unsigned i;

	for (i = 0; i < b->nres; i++)
		if (cl_meets(b, alias, a, n, b->res[i].addr, b->res[i].size,
			     k))
			return &b->res[i];
	return NULL;
}

const struct cl_range *cl_busy_hit(const struct cl_board *b, bool alias,
				   const struct cl_range *busy, unsigned nbusy,
				   uint64_t a, uint64_t n, struct cl_clash *k)
{
	unsigned i;

	for (i = 0; i < nbusy; i++)
		if (cl_meets(b, alias, a, n, busy[i].addr, busy[i].size, k))
			return &busy[i];
	return NULL;
}

const struct cl_reserved *cl_reserved_holding(const struct cl_board *b,
					      uint64_t a, uint64_t n)
{
	unsigned i;

	for (i = 0; i < b->nres; i++)
		if (cl_range_within(a, n, b->res[i].addr, b->res[i].size))
			return &b->res[i];
	return NULL;
}
