/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ranges.c - unit tests of ranges.c, the one checker of card ranges
 * against windows, reserved and busy ranges (table-driven)
 *
 * Each table row is a case: ranges inside, touching at an edge,
 * overlapping by a byte, empty, reaching or passing 2^64 (clamped, never
 * wrapped to address 0), and boards with several windows, some of them
 * onto the same backing bytes.
 */
#include <stdlib.h>
#include <string.h>
#include "cardload.h"
#include "internal.h"
#include "tap.h"

#define TOP UINT64_MAX
#define M1 0x100000u

/* ---- plain ranges -------------------------------------------------------- */

static void test_overlap(void)
{
	static const struct {
		const char *what;
		uint64_t a, as, b, bs;
		bool want;
	} t[] = {
		{ "same range", 0x1000, 0x100, 0x1000, 0x100, true },
		{ "inside", 0x1000, 0x100, 0x1040, 0x10, true },
		{ "around", 0x1040, 0x10, 0x1000, 0x100, true },
		{ "touching: a ends where b starts", 0x1000, 0x100, 0x1100,
		  0x100, false },
		{ "touching: b ends where a starts", 0x1100, 0x100, 0x1000,
		  0x100, false },
		{ "one byte over b's start", 0x1000, 0x101, 0x1100, 0x100,
		  true },
		{ "one byte over a's start", 0x1100, 0x100, 0x1000, 0x101,
		  true },
		{ "apart", 0x1000, 0x10, 0x2000, 0x10, false },
		{ "a empty inside b", 0x1040, 0, 0x1000, 0x100, false },
		{ "b empty inside a", 0x1000, 0x100, 0x1040, 0, false },
		{ "both empty, same address", 0x1000, 0, 0x1000, 0, false },
		{ "the last byte", TOP, 1, TOP, 1, true },
		{ "up to 2^64 and the last byte", TOP - 0xf, 0x10, TOP, 1,
		  true },
		{ "past 2^64 does not reach address 0", TOP - 0xf, 0x20, 0,
		  0x10, false },
		{ "past 2^64 from b: not address 0", 0, 0x10, TOP - 0xf, 0x20,
		  false },
		{ "past 2^64, clamped, still meets the top", TOP - 0xf, 0x20,
		  TOP - 4, 1, true },
		{ "the whole space less one byte", 0, TOP, 0x1000, 1, true },
		{ "whole space less one: not the last byte", 0, TOP, TOP, 1,
		  false },
		{ "two ranges past 2^64", TOP - 0x100, TOP, TOP - 1, TOP,
		  true },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(!!cl_overlap(t[i].a, t[i].as, t[i].b, t[i].bs),
		       t[i].want, "overlap: %s", t[i].what);
}

static void test_end(void)
{
	is_u64(cl_range_end(0x1000, 0x100), 0x1100, "end: plain");
	is_u64(cl_range_end(0x1000, 0), 0x1000, "end: empty");
	is_u64(cl_range_end(TOP - 0xf, 0xf), TOP, "end: just below 2^64");
	is_u64(cl_range_end(TOP - 0xf, 0x10), TOP, "end: 2^64 is clamped");
	is_u64(cl_range_end(TOP - 0xf, 0x20), TOP,
	       "end: past 2^64 is clamped, not wrapped");
}

static void test_within(void)
{
	static const struct {
		const char *what;
		uint64_t a, n, r, rn;
		bool want;
	} t[] = {
		{ "the same range", 0x1000, 0x100, 0x1000, 0x100, true },
		{ "inside", 0x1010, 0x10, 0x1000, 0x100, true },
		{ "at the start", 0x1000, 0x10, 0x1000, 0x100, true },
		{ "up to the end", 0x10f0, 0x10, 0x1000, 0x100, true },
		{ "one byte past the end", 0x10f0, 0x11, 0x1000, 0x100,
		  false },
		{ "one byte before the start", 0xfff, 0x10, 0x1000, 0x100,
		  false },
		{ "starts at the end", 0x1100, 1, 0x1000, 0x100, false },
		{ "empty, at the end", 0x1100, 0, 0x1000, 0x100, true },
		{ "empty, past the end", 0x1101, 0, 0x1000, 0x100, false },
		{ "larger than the range", 0x1000, 0x200, 0x1000, 0x100,
		  false },
		{ "range reaching 2^64 holds the last byte", TOP, 1,
		  TOP - 0xff, 0x100, true },
		{ "range past 2^64 holds what reaches the top", TOP - 0xf,
		  0x10, TOP - 0xff, 0x200, true },
		{ "a range that would wrap is not inside a lower one",
		  TOP - 0xf, 0x20, 0x1000, 0x100, false },
		{ "address 0 is not inside a range past 2^64", 0, 0x10,
		  TOP - 0xff, 0x200, false },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(cl_range_within(t[i].a, t[i].n, t[i].r, t[i].rn),
		       t[i].want, "within: %s", t[i].what);
}

/* ---- boards ---------------------------------------------------------------- */

/* Three windows: ram0 and ram1 side by side on the transport's memory
 * (backing 0..2M), ram2 elsewhere on BAR 2; reserved ranges in ram0 and
 * ram2; ram3, when added, shows ram0's backing again (an alias). */
static void board(struct cl_board *b, bool alias)
{
	static const struct cl_window w[] = {
		{ "ram0", 0x80000000, M1, 0, -1, 0, { -1, 0 } },
		{ "ram1", 0x80100000, M1, M1, -1, 0, { -1, 0 } },
		{ "ram2", 0xc0000000, 4 * M1, 0, 2, 0, { -1, 0 } },
		{ "ram3", 0x90000000, M1, 0, -1, 0, { -1, 0 } },
	};
	static const struct cl_reserved r[] = {
		{ "mailbox", 0x80000000, 0x1000 },
		{ "rom", 0xc0000000, 0x10000 },
		{ "console", 0x80001000, 0x1000 },
	};

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "t");
	b->nwin = alias ? 4 : 3;
	memcpy(b->win, w, b->nwin * sizeof(w[0]));
	b->nres = 3;
	memcpy(b->res, r, sizeof(r));
}

static void test_window_find(void)
{
	static const struct {
		const char *what;
		uint64_t addr, len;
		int want;
		uint64_t off;
	} t[] = {
		{ "start of ram0", 0x80000000, 0x10, 0, 0 },
		{ "all of ram0", 0x80000000, M1, 0, 0 },
		{ "end of ram0", 0x800ffff0, 0x10, 0, 0xffff0 },
		{ "empty at ram0's end", 0x80100000 - 0, 0, 0, M1 },
		{ "start of ram1", 0x80100000, 1, 1, 0 },
		{ "across ram0 and ram1: not one window", 0x800ffff0, 0x20,
		  -1, 0 },
		{ "inside ram2", 0xc0123000, 0x1000, 2, 0x123000 },
		{ "one byte past ram2", 0xc03fffff, 2, -1, 0 },
		{ "below every window", 0x1000, 0x10, -1, 0 },
		{ "a range that wraps", TOP - 0xf, 0x20, -1, 0 },
		{ "the last byte of the space", TOP, 1, -1, 0 },
	};
	struct cl_board b;
	unsigned i;

	board(&b, false);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t off = 0xdead;
		int w = cl_window_find(&b, t[i].addr, t[i].len, &off);

		is_int(w, t[i].want, "window: %s", t[i].what);
		if (t[i].want >= 0)
			is_u64(off, t[i].off, "window: %s: offset", t[i].what);
	}
	is_int(cl_window_find(&b, 0x80000000, 0x10, NULL), 0,
	       "window: no offset wanted");
	b.nwin = 0;
	is_int(cl_window_find(&b, 0x80000000, 0x10, NULL), -1,
	       "window: a board without windows holds nothing");

	/* a window up to 2^64 (a board built in memory) holds its top */
	board(&b, false);
	b.win[2].addr = TOP - 0xffff;
	b.win[2].size = 0x10000;
	is_int(cl_window_find(&b, TOP, 1, NULL), -1,
	       "window: a range ending past 2^64 is refused");
	is_int(cl_window_find(&b, TOP - 0xf, 0xf, NULL), 2,
	       "window: the window reaching 2^64 holds its top bytes");
}

static void test_backing(void)
{
	struct cl_board b;
	uint64_t lo = 0, hi = 0;

	board(&b, false);
	ok(!cl_backing_shared(&b.win[0], &b.win[1], &lo, &hi),
	   "backing: side by side, not shared");
	ok(!cl_backing_shared(&b.win[0], &b.win[2], &lo, &hi),
	   "backing: same offsets on another BAR, not shared");
	ok(!cl_board_aliased(&b), "backing: the board has no alias");
	board(&b, true);
	ok(cl_backing_shared(&b.win[3], &b.win[0], &lo, &hi) && lo == 0 &&
	   hi == M1, "backing: ram3 shows ram0's bytes [0, 1M)");
	ok(cl_board_aliased(&b), "backing: the board has an alias");
	b.win[3].offset = M1 / 2;
	ok(cl_backing_shared(&b.win[3], &b.win[1], &lo, &hi) && lo == M1 &&
	   hi == M1 + M1 / 2, "backing: shared part of ram1 [1M, 1.5M)");
	ok(cl_backing_shared(&b.win[3], &b.win[1], NULL, NULL),
	   "backing: lo and hi may be NULL");

	/* an aperture counts its aperture only, and never aliases a board */
	board(&b, false);
	b.win[1].aperture = 0x1000;
	b.win[1].offset = 0;
	b.win[1].bar = 2;
	b.win[2].offset = 0x1000;
	ok(!cl_backing_shared(&b.win[1], &b.win[2], NULL, NULL),
	   "backing: an aperture ends at its aperture");
	b.win[2].offset = 0xfff;
	ok(cl_backing_shared(&b.win[1], &b.win[2], &lo, &hi) &&
	   lo == 0xfff && hi == 0x1000,
	   "backing: an aperture's last byte is shared");
	ok(!cl_board_aliased(&b),
	   "backing: aperture windows do not make an alias");
}

static void test_clash(void)
{
	static const struct {
		const char *what;
		bool alias;              /* the board has ram3 */
		uint64_t a, n, c, m;
		bool want;
		int wa, wc;              /* windows named, or -1 */
		uint64_t bs, be;         /* what to step over */
	} t[] = {
		{ "card addresses overlap", false, 0x80000800, 0x1000,
		  0x80001000, 0x1000, true, -1, -1, 0x80001000, 0x80002000 },
		{ "touching", false, 0x80000000, 0x1000, 0x80001000, 0x1000,
		  false, 0, 0, 0, 0 },
		{ "empty range", false, 0x80001000, 0, 0x80001000, 0x1000,
		  false, 0, 0, 0, 0 },
		{ "apart, no alias", false, 0x90000000, 0x1000, 0x80000000,
		  0x1000, false, 0, 0, 0, 0 },
		{ "through aliased windows", true, 0x90000000, 0x1000,
		  0x80000000, 0x1000, true, 3, 0, 0x90000000, 0x90001000 },
		{ "through aliased windows, touching", true, 0x90001000,
		  0x1000, 0x80000000, 0x1000, false, 0, 0, 0, 0 },
		{ "through aliased windows, part", true, 0x90000800, 0x1000,
		  0x80000000, 0x1000, true, 3, 0, 0x90000000, 0x90001000 },
		{ "other backing bytes", true, 0x80100000, 0x1000,
		  0x90000000, 0x1000, false, 0, 0, 0, 0 },
		{ "the other range wraps: end clamped", false, 0x80000000,
		  0x10, 0x80000008, TOP, true, -1, -1, 0x80000008, TOP },
	};
	struct cl_board b;
	struct cl_clash k;
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool hit;

		board(&b, t[i].alias);
		memset(&k, 0, sizeof(k));
		hit = cl_clash(&b, t[i].a, t[i].n, t[i].c, t[i].m, &k);
		is_int(hit, t[i].want, "clash: %s", t[i].what);
		if (!hit || !t[i].want)
			continue;
		ok(k.wa == t[i].wa && k.wc == t[i].wc && k.bs == t[i].bs &&
		   k.be == t[i].be, "clash: %s: windows and range", t[i].what);
		is_int(cl_meets(&b, t[i].alias, t[i].a, t[i].n, t[i].c,
				t[i].m, &k), 1, "meets: %s", t[i].what);
		if (t[i].wa >= 0)
			ok(!cl_meets(&b, false, t[i].a, t[i].n, t[i].c, t[i].m,
				     &k), "meets without alias: %s: card "
			   "addresses only", t[i].what);
	}
}

static void test_via(void)
{
	struct cl_board b;
	struct cl_clash k;
	char buf[160];

	board(&b, true);
	ok(cl_clash(&b, 0x90000000, 0x10, 0x80000000, 0x10, &k) &&
	   !strcmp(cl_clash_via(&b, &k, buf, sizeof(buf)),
		   " (the same memory: ram3 and ram0 map the same backing "
		   "bytes)"), "via: names both windows");
	ok(cl_clash(&b, 0x80000000, 0x10, 0x80000000, 0x10, &k) &&
	   !strcmp(cl_clash_via(&b, &k, buf, sizeof(buf)), ""),
	   "via: nothing for card addresses");
}

static void test_hits(void)
{
	static const struct cl_range busy[] = {
		{ 0x80010000, 0x1000, "image 0" },
		{ 0x80020000, 0x1000, "the command line" },
		{ 0x80010800, 0x1000, "image 1" },
	};
	static const struct {
		const char *what;
		bool alias;
		uint64_t a, n;
		const char *res, *busy; /* names hit, or NULL */
	} t[] = {
		{ "free", false, 0x80030000, 0x1000, NULL, NULL },
		{ "empty range hits nothing", false, 0x80000000, 0, NULL,
		  NULL },
		{ "mailbox, first of two reserved", false, 0x80000fff, 2,
		  "mailbox", NULL },
		{ "console", false, 0x80001800, 0x10, "console", NULL },
		{ "touching the console's end", false, 0x80002000, 0x10,
		  NULL, NULL },
		{ "rom in ram2", false, 0xc000fff0, 0x100, "rom", NULL },
		{ "first busy range of two", false, 0x80010900, 0x10, NULL,
		  "image 0" },
		{ "the second busy range only", false, 0x80011000, 0x10, NULL,
		  "image 1" },
		{ "touching a busy range", false, 0x8001f000, 0x1000, NULL,
		  NULL },
		{ "mailbox through ram3", true, 0x90000000, 0x10, "mailbox",
		  NULL },
		{ "image 0 through ram3", true, 0x90010000, 0x10, NULL,
		  "image 0" },
		{ "ram3 without the alias check", false, 0x90000000, 0x20000,
		  NULL, NULL },
	};
	struct cl_board b;
	struct cl_clash k;
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct cl_reserved *r;
		const struct cl_range *x;

		board(&b, true);
		r = cl_reserved_hit(&b, t[i].alias, t[i].a, t[i].n, &k);
		x = cl_busy_hit(&b, t[i].alias, busy, 3, t[i].a, t[i].n, &k);
		ok(t[i].res ? r && !strcmp(r->name, t[i].res) : !r,
		   "reserved hit: %s", t[i].what);
		ok(t[i].busy ? x && !strcmp(x->name, t[i].busy) : !x,
		   "busy hit: %s", t[i].what);
	}
	ok(!cl_busy_hit(&b, true, NULL, 0, 0x80000000, 0x1000, &k),
	   "busy hit: no busy ranges");
}

static void test_holding(void)
{
	static const struct {
		const char *what;
		uint64_t a, n;
		const char *want;
	} t[] = {
		{ "the mailbox itself", 0x80000000, 0x1000, "mailbox" },
		{ "inside the console", 0x80001800, 0x100, "console" },
		{ "across mailbox and console: neither holds it", 0x80000800,
		  0x1000, NULL },
		{ "one byte past the rom", 0xc000fff0, 0x11, NULL },
		{ "the rom's last byte", 0xc000ffff, 1, "rom" },
		{ "outside everything", 0x80100000, 0x10, NULL },
	};
	struct cl_board b;
	unsigned i;

	board(&b, false);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct cl_reserved *r =
			cl_reserved_holding(&b, t[i].a, t[i].n);

		ok(t[i].want ? r && !strcmp(r->name, t[i].want) : !r,
		   "holding: %s", t[i].what);
	}
}

int main(void)
{
	test_overlap();
	test_end();
	test_within();
	test_window_find();
	test_backing();
	test_clash();
	test_via();
	test_hits();
	test_holding();
	return tap_done();
}
