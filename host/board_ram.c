/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board_ram.c - board files' ram and reserved lines: RAM windows, the
 * backing bytes behind them, reserved ranges, and where the mailbox and
 * console ring may lie
 *
 * Windows may not overlap in card addresses nor show the same backing
 * bytes (aliased windows), reserved ranges need distinct names, and the
 * mailbox and console must sit inside a window and a reserved range, or
 * an image could be placed over them. The range rules are ranges.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "board_parse.h"

/* One "key=value" attribute of a ram line. */
static int ram_attr(struct parser *p, const char *a, struct cl_window *w,
		    unsigned *seen)
{
	static const char *const names[] = { "offset=", "bar=", "aperture=",
					     "window-reg=" };
	uint64_t v;
	unsigned k;

	for (k = 0; k < 4; k++)
		if (!strncmp(a, names[k], strlen(names[k])))
			break;
	if (k == 4)
		return perr(p, strchr(a, '=') ? "unknown ram attribute '%s'" :
			    "unexpected '%s' in ram (want ADDR SIZE "
			    "[offset=OFF] [bar=N] [aperture=SIZE "
			    "window-reg=BAR:OFF])", a);
	if (*seen & 1u << k)
		return perr(p, "ram %.*s given twice",
			    (int)strlen(names[k]) - 1, names[k]);
	*seen |= 1u << k;
	a += strlen(names[k]);
	if (k == 3) {
		struct cl_regstep st;
		char text[64], err[128];

		snprintf(text, sizeof(text), "write32 %s 0", a);
		if (cl_regstep_parse(text, &st, err, sizeof(err)))
			return perr(p, "bad window-reg '%s' (want BAR:OFFSET)",
				    a);
		w->winreg = st.reg;
		return 0;
	}
	if (cl_board_num(p, names[k], a, &v))
		return CL_E_BOARD;
	if (k == 0)
		w->offset = v;
	else if (k == 1 && v > 5)
		return perr(p, "bar=%s: a BAR is 0..5", a);
	else if (k == 1)
		w->bar = (int)v;
	else
		w->aperture = v;
	return 0;
}

/* Two windows onto the same backing bytes would let an image placed
 * through one overwrite what is reserved through the other. */
static int check_alias(struct parser *p, const struct cl_window *nw)
{
	const struct cl_board *b = p->b;
	uint64_t lo, hi;
	char where[32];
	unsigned i;

	for (i = 0; i < b->nwin; i++) {
		const struct cl_window *w = &b->win[i];

		if (!cl_backing_shared(nw, w, &lo, &hi))
			continue;
		if (nw->bar >= 0)
			snprintf(where, sizeof(where), "BAR %d offsets",
				 nw->bar);
		else
			snprintf(where, sizeof(where), "backing offsets");
		return perr(p, "ram%u [0x%" PRIx64 ", 0x%" PRIx64 ") and %s "
			    "[0x%" PRIx64 ", 0x%" PRIx64 ") from line %zu map "
			    "the same memory (%s [0x%" PRIx64 ", 0x%" PRIx64
			    ")): aliased windows", b->nwin, nw->addr,
			    nw->addr + nw->size, w->name, w->addr,
			    w->addr + w->size, p->win_line[i], where, lo, hi);
	}
	return 0;
}

/* ram = ADDR SIZE [offset=OFF] [bar=N] [aperture=SIZE window-reg=BAR:OFF] */
int cl_board_key_ram(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	struct cl_window *w, nw = { .bar = -1, .winreg = { -1, 0 } };
	char *word[8];
	uint64_t addr, size, off, end, oend;
	unsigned n, i, seen = 0;
	int rc;

	if (b->nwin == CL_MAX_WINDOWS)
		return perr(p, "more than %d ram windows", CL_MAX_WINDOWS);
	n = cl_board_split(val, word, 8);
	if (n < 2 || n > 6)
		return perr(p, "bad ram '%s' (want ADDR SIZE [offset=OFF])",
			    p->raw);
	rc = cl_board_num(p, "ram address", word[0], &addr);
	if (!rc)
		rc = cl_board_num(p, "ram size", word[1], &size);
	for (i = 2; i < n && !rc; i++)
		rc = ram_attr(p, word[i], &nw, &seen);
	if (rc)
		return rc;
	off = nw.offset;
	if (!!nw.aperture != (nw.winreg.bar >= 0))
		return perr(p, "aperture= and window-reg= go together");
	if (nw.aperture && (!cl_is_pow2(nw.aperture) || nw.aperture > size ||
			    size % nw.aperture || addr % nw.aperture))
		return perr(p, "aperture 0x%" PRIx64 " must be a power of two "
			    "that divides the window and its address",
			    nw.aperture);
	if (!size)
		return perr(p, "ram size 0");
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "ram window 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past the end of the address space",
			    addr, size);
	if (cl_add_ovf(off, size, &oend))
		return perr(p, "ram offset 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past 2^64", off, size);
	for (i = 0; i < b->nwin; i++) {
		w = &b->win[i];
		if (cl_overlap(addr, size, w->addr, w->size))
			return perr(p, "ram window [0x%" PRIx64 ", 0x%" PRIx64
				    ") overlaps %s [0x%" PRIx64 ", 0x%"
				    PRIx64 ") from line %zu", addr, end,
				    w->name, w->addr, w->addr + w->size,
				    p->win_line[i]);
	}
	nw.addr = addr;
	nw.size = size;
	rc = check_alias(p, &nw);
	if (rc)
		return rc;
	w = &b->win[b->nwin];
	*w = nw;
	snprintf(w->name, sizeof(w->name), "ram%u", b->nwin);
	p->win_line[b->nwin++] = p->line;
	return 0;
}

/* reserved = NAME ADDR SIZE */
int cl_board_key_reserved(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	struct cl_reserved *r;
	char *word[3];
	uint64_t addr, size, end;
	unsigned i;
	int rc;

	if (b->nres == CL_MAX_RESERVED)
		return perr(p, "more than %d reserved ranges", CL_MAX_RESERVED);
	if (cl_board_split(val, word, 3) != 3)
		return perr(p, "bad reserved '%s' (want NAME ADDR SIZE)",
			    p->raw);
	if (!cl_board_name_ok(word[0], sizeof(r->name)))
		return perr(p, "bad reserved name '%s' (want " BOARD_NAME_CHARS
			    "+, at most %zu characters)", word[0],
			    sizeof(r->name) - 1);
	for (i = 0; i < b->nres; i++)
		if (!strcmp(b->res[i].name, word[0]))
			return perr(p, "reserved name '%s' already used on "
				    "line %zu", word[0], p->res_line[i]);
	rc = cl_board_num(p, "reserved address", word[1], &addr);
	if (!rc)
		rc = cl_board_num(p, "reserved size", word[2], &size);
	if (rc)
		return rc;
	if (!size)
		return perr(p, "reserved '%s' size 0", word[0]);
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "reserved '%s' 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past the end of the address space",
			    word[0], addr, size);
	r = &b->res[b->nres];
	strcpy(r->name, word[0]);
	r->addr = addr;
	r->size = size;
	p->res_line[b->nres++] = p->line;
	return 0;
}

/* Host/card structures must sit in RAM and inside a reserved range, or an
 * image could be placed over them. */
int cl_board_ram_and_reserved(struct parser *p, const char *what, uint64_t a,
			      uint64_t size)
{
	const struct cl_board *b = p->b;

	if (cl_window_find(b, a, size, NULL) < 0)
		return perr(p, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside "
			    "a ram window", what, a, a + size);
	if (cl_reserved_holding(b, a, size))
		return 0;
	return perr(p, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside a "
		    "reserved range (an image could overwrite it)", what, a,
		    a + size);
}

uint64_t cl_board_ram_total(const struct cl_board *b)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < b->nwin && i < CL_MAX_WINDOWS; i++)
		if (cl_add_ovf(total, b->win[i].size, &total))
			return UINT64_MAX;
	return total;
}
