/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_plan.c - placement and relocation through cl_plan_make (table-driven)
 *
 * Images come from elfgen.h, boards are built in code. Placement cases are
 * one table: image, board, options, and either the expected base and entry
 * or the expected error and words of its message. Every successful plan is
 * checked segment by segment against addresses computed here. Relocation
 * tests build an ET_DYN image per architecture, place it, apply the plan's
 * patches to img->data and read back every word.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cardload.h"
#include "elfgen.h"
#include "load.h"
#include "tap.h"

static struct cl_ctx *ctx;

#define RX (PF_R | PF_X)
#define RW (PF_R | PF_W)
#define M128 0x8000000u

/* ---- helpers ------------------------------------------------------------ */

/* True when msg holds n as a whole decimal or 0x-hex number. */
static int msg_has_number(const char *msg, uint64_t n)
{
	const char *p = msg;

	while (*p) {
		char *end;
		uint64_t v;

		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			v = strtoull(p + 2, &end, 16);
		else
			v = strtoull(p, &end, 10);
		if (v == n && !isalnum((unsigned char)*end))
			return 1;
		p = end > p ? end : p + 1;
	}
	return 0;
}

struct bwin {
	uint64_t addr, size, offset;
	int bar;                 /* windows on one bar share backing bytes */
};

struct bres {
	const char *name;
	uint64_t addr, size;
};

struct bdesc {
	unsigned nwin;
	struct bwin win[3];
	unsigned nres;
	struct bres res[3];
	int machine, elfclass, endian; /* 0: any */
};

static void make_board(struct cl_board *b, const struct bdesc *d)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "testboard");
	snprintf(b->transport, sizeof(b->transport), "none");
	b->machine = d->machine;
	b->elfclass = d->elfclass;
	b->endian = d->endian;
	b->access_width = 4;
	b->nwin = d->nwin;
	for (i = 0; i < d->nwin; i++) {
		snprintf(b->win[i].name, sizeof(b->win[i].name), "ram%u", i);
		b->win[i].addr = d->win[i].addr;
		b->win[i].size = d->win[i].size;
		b->win[i].offset = d->win[i].offset;
		b->win[i].bar = d->win[i].bar;
	}
	b->nres = d->nres;
	for (i = 0; i < d->nres; i++) {
		snprintf(b->res[i].name, sizeof(b->res[i].name), "%s",
			 d->res[i].name);
		b->res[i].addr = d->res[i].addr;
		b->res[i].size = d->res[i].size;
	}
}

static int open_img(const uint8_t *buf, size_t len, struct cl_image **img)
{
	struct cl_image_opts opts = { 0 };

	*img = NULL;
	return cl_image_from_memory(ctx, "t.elf", buf, len, &opts, img);
}

/* ---- placement table ---------------------------------------------------- */

struct place_case {
	const char *name;
	int cls;                 /* 0 means ELFCLASS64 */
	int type;
	uint64_t entry;
	unsigned nseg;
	struct egen_seg seg[3];
	struct bdesc board;
	struct cl_plan_opts opts;
	int want, alt;           /* 0 for success; alt: also acceptable */
	uint64_t want_base, want_entry;
	const char *msg[2];      /* each must appear; "a|b" accepts either */
};

#define SEG(va, pa, fs, ms, al, fl) \
	{ .vaddr = (va), .paddr = (pa), .filesz = (fs), .memsz = (ms), \
	  .align = (al), .flags = (fl), .fill = 0x42, .ramp = true }
#define SEG1(a, fs, ms, al, fl) SEG((a), (a), (fs), (ms), (al), (fl))
#define WIN128 { 0x80000000u, M128, 0 }
#define ONE_WIN { .nwin = 1, .win = { WIN128 } }
#define RES1(n, a, s) { .nwin = 1, .win = { WIN128 }, .nres = 1, \
			.res = { { (n), (a), (s) } } }
/* the usual ET_DYN: text at 0, data + bss at 0x1000; span 0x2000 */
#define DYN_SEGS(al0, al1) 2, { SEG1(0, 0x1000, 0x1000, (al0), RX), \
				SEG1(0x1000, 0x100, 0x1000, (al1), RW) }
#define EXEC_SEGS 2, { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX), \
		       SEG1(0x80010000u, 0x100, 0x2000, 0x1000, RW) }
#define HI UINT64_C(0xffffffff00000000)

/* ram1 shows the first MiB of ram0's memory again; the mailbox is in it */
#define ALIAS_BOARD { .nwin = 2, \
	.win = { WIN128, { 0x90000000u, 0x100000, 0 } }, .nres = 1, \
	.res = { { "mailbox", 0x80001000u, 0x1000 } } }
/* another image, addressed through the alias */
static const struct cl_range alias_busy = { 0x90001000u, 0x2000, "other" };

static const struct place_case place_cases[] = {
	/* ---- ET_EXEC: fixed placement ---- */
	{ "exec at p_paddr", 0, ET_EXEC, 0x80000040u, EXEC_SEGS, ONE_WIN,
	  { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	{ "exec linked high: placed at p_paddr, entry translated", 0, ET_EXEC,
	  HI | 0x80000040u, 2,
	  { SEG(HI | 0x80000000u, 0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG(HI | 0x80010000u, 0x80010000u, 0x100, 0x2000, 0x1000, RW) },
	  ONE_WIN, { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	{ "exec linked high: physical entry kept", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG(HI | 0x80000000u, 0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG(HI | 0x80010000u, 0x80010000u, 0x100, 0x2000, 0x1000, RW) },
	  ONE_WIN, { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	{ "exec entry translated in the second segment", 0, ET_EXEC,
	  0x40010010u, 2,
	  { SEG(0x40000000u, 0x80000000u, 0x1000, 0x1000, 0x1000, RW),
	    SEG(0x40010000u, 0x80010000u, 0x100, 0x2000, 0x1000, RX) },
	  ONE_WIN, { 0 }, 0, 0, 0x80000000u, 0x80010010u, { NULL } },
	{ "exec use_vaddr: placed at p_vaddr in window 1", 0, ET_EXEC,
	  0x40000040u, 2,
	  { SEG(0x40000000u, 0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG(0x40010000u, 0x80010000u, 0x100, 0x2000, 0x1000, RW) },
	  { .nwin = 2, .win = { WIN128, { 0x40000000u, 0x1000000, M128 } } },
	  { .use_vaddr = true }, 0, 0, 0x40000000u, 0x40000040u, { NULL } },
	{ "exec in a window with a backing offset", 0, ET_EXEC, 0x40000040u,
	  2, { SEG1(0x40000000u, 0x1000, 0x1000, 0x1000, RX),
	       SEG1(0x40010000u, 0x100, 0x2000, 0x1000, RW) },
	  { .nwin = 2, .win = { WIN128, { 0x40000000u, 0x1000000, M128 } } },
	  { 0 }, 0, 0, 0x40000000u, 0x40000040u, { NULL } },
	{ "exec ELF32", ELFCLASS32, ET_EXEC, 0x80000040u, EXEC_SEGS, ONE_WIN,
	  { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	{ "exec board machine matches", 0, ET_EXEC, 0x80000040u, EXEC_SEGS,
	  { .nwin = 1, .win = { WIN128 }, .machine = EM_RISCV,
	    .elfclass = ELFCLASS64, .endian = ELFDATA2LSB },
	  { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	{ "exec reserved ranges touching both ends", 0, ET_EXEC, 0x80000040u,
	  EXEC_SEGS, { .nwin = 1, .win = { WIN128 }, .nres = 2,
		       .res = { { "rom", 0x80001000u, 0xf000 },
				{ "dtb", 0x80012000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x80000000u, 0x80000040u, { NULL } },
	/* 20: entry */
	{ "exec entry outside every segment", 0, ET_EXEC, 0x90000000u,
	  EXEC_SEGS, ONE_WIN, { 0 }, CL_E_PLACE, 0, 0, 0, { "entry" } },
	{ "exec entry in a segment without PF_X", 0, ET_EXEC, 0x80010010u,
	  EXEC_SEGS, ONE_WIN, { 0 }, CL_E_PLACE, 0, 0, 0, { "entry" } },
	{ "exec entry just past the text", 0, ET_EXEC, 0x80001000u, EXEC_SEGS,
	  ONE_WIN, { 0 }, CL_E_PLACE, 0, 0, 0, { "entry" } },
	/* 16: outside every window */
	{ "exec segment outside every window", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80200000u, 0x100, 0x800000, 0x1000, RW) },
	  { .nwin = 1, .win = { { 0x80000000u, 0x200000, 0 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 1", "[0x80200000, 0x80a00000)" } },
	{ "exec zero-fill runs past the window", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80100000u, 0x100, 0x200000, 0x1000, RW) },
	  { .nwin = 1, .win = { { 0x80000000u, 0x200000, 0 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 1", "[0x80100000, 0x80300000)" } },
	{ "exec segment starts below the window", 0, ET_EXEC, 0x7ffff040u, 1,
	  { SEG1(0x7ffff000u, 0x2000, 0x2000, 0x1000, RX) }, ONE_WIN,
	  { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 0", "[0x7ffff000, 0x80001000)" } },
	{ "exec segment straddles two adjacent windows", 0, ET_EXEC,
	  0x800ff000u, 1, { SEG1(0x800ff000u, 0x2000, 0x2000, 0x1000, RX) },
	  { .nwin = 2, .win = { { 0x80000000u, 0x100000, 0 },
				{ 0x80100000u, 0x100000, 0x100000 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0, { "segment 0" } },
	{ "exec use_vaddr: vaddr outside every window", 0, ET_EXEC,
	  0x40000040u, 1,
	  { SEG(0x40000000u, 0x80000000u, 0x1000, 0x1000, 0x1000, RX) },
	  ONE_WIN, { .use_vaddr = true }, CL_E_PLACE, 0, 0, 0,
	  { "segment 0", "[0x40000000, 0x40001000)" } },
	/* 18: reserved ranges */
	{ "exec text over reserved 'mailbox'", 0, ET_EXEC, 0x80000040u, 1,
	  { SEG1(0x80000000u, 0x2000, 0x2000, 0x1000, RX) },
	  RES1("mailbox", 0x80001000u, 0x1000), { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 0", "'mailbox'" } },
	{ "exec bss over reserved 'dtb'", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80010000u, 0x100, 0x20000, 0x1000, RW) },
	  RES1("dtb", 0x80020000u, 0x10000), { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 1", "'dtb'" } },
	{ "exec one byte of a reserved range", 0, ET_EXEC, 0x80000040u,
	  EXEC_SEGS, RES1("regs", 0x80011fffu, 1), { 0 }, CL_E_PLACE, 0, 0,
	  0, { "segment 1", "'regs'" } },
	/* 17: overlapping segments */
	{ "exec overlapping PT_LOADs", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80000800u, 0x100, 0x1000, 0x100, RW) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { "overlap" } },
	{ "exec bss overlapping the next segment", 0, ET_EXEC, 0x80000040u, 2,
	  { SEG1(0x80000000u, 0x100, 0x20000, 0x1000, RX),
	    SEG1(0x80010000u, 0x100, 0x1000, 0x1000, RW) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { "overlap" } },
	{ "exec overlap listed out of order", 0, ET_EXEC, 0x80000040u, 3,
	  { SEG1(0x80010000u, 0x100, 0x1000, 0x1000, RW),
	    SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80010800u, 0x100, 0x100, 0x100, RW) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { "overlap" } },
	/* 15: wrapping */
	{ "exec p_paddr + p_memsz wraps", 0, ET_EXEC, 0xfffffffffffff040u, 1,
	  { SEG1(0xfffffffffffff000u, 0x100, 0x2000, 0x1000, RX) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { NULL } },
	{ "exec only p_paddr + p_memsz wraps", 0, ET_EXEC, 0x80000040u, 1,
	  { SEG(0x80000000u, 0xfffffffffffff000u, 0x100, 0x2000, 0x1000,
		RX) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { NULL } },
	{ "exec ELF32 p_paddr + p_memsz past 4 GiB", ELFCLASS32, ET_EXEC,
	  0xfffff040u, 1, { SEG1(0xfffff000u, 0x100, 0x2000, 0x1000, RX) },
	  ONE_WIN, { 0 }, CL_E_PLACE, CL_E_ELF, 0, 0, { NULL } },
	/* 6: the board's machine, class, byte order */
	{ "exec machine not the board's", 0, ET_EXEC, 0x80000040u, EXEC_SEGS,
	  { .nwin = 1, .win = { WIN128 }, .machine = EM_AARCH64 },
	  { 0 }, CL_E_ELF, 0, 0, 0, { "testboard" } },
	{ "exec class not the board's", 0, ET_EXEC, 0x80000040u, EXEC_SEGS,
	  { .nwin = 1, .win = { WIN128 }, .elfclass = ELFCLASS32 },
	  { 0 }, CL_E_ELF, 0, 0, 0, { "testboard" } },
	{ "exec byte order not the board's", 0, ET_EXEC, 0x80000040u,
	  EXEC_SEGS, { .nwin = 1, .win = { WIN128 }, .endian = ELFDATA2MSB },
	  { 0 }, CL_E_ELF, 0, 0, 0, { "testboard" } },

	/* ---- ET_DYN: automatic placement ---- */
	{ "dyn auto after a reserved page", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), RES1("mbox", 0x80000000u, 0x1000),
	  { 0 }, 0, 0, 0x80001000u, 0x80001010u, { NULL } },
	{ "dyn auto with 2 MiB alignment", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x200000, 0x1000), RES1("mbox", 0x80000000u, 0x1000),
	  { 0 }, 0, 0, 0x80200000u, 0x80200010u, { NULL } },
	{ "dyn auto, empty board window start", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), ONE_WIN,
	  { 0 }, 0, 0, 0x80000000u, 0x80000010u, { NULL } },
	{ "dyn auto, link base 0x10000", 0, ET_DYN, 0x10010, 2,
	  { SEG1(0x10000, 0x1000, 0x1000, 0x10000, RX),
	    SEG1(0x11000, 0x100, 0x1000, 0x1000, RW) },
	  RES1("mbox", 0x80000000u, 0x1000),
	  { 0 }, 0, 0, 0x80010000u, 0x80010010u, { NULL } },
	{ "dyn auto, link base not aligned to the largest p_align", 0, ET_DYN,
	  0x100, 2, { SEG1(0x100, 0xf00, 0xf00, 0x10, RX),
		      SEG1(0x1000, 0x100, 0x1000, 0x1000, RW) },
	  RES1("mbox", 0x80000000u, 0x1000),
	  { 0 }, 0, 0, 0x80001100u, 0x80001100u, { NULL } },
	{ "dyn auto, windows taken in address order", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x90000000u, 0x1000000, 0 },
				{ 0x80000000u, 0x1000000, 0x1000000 } } },
	  { 0 }, 0, 0, 0x80000000u, 0x80000010u, { NULL } },
	{ "dyn auto, first window too small", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000, 0 },
				{ 0x90000000u, 0x1000000, 0x1000 } } },
	  { 0 }, 0, 0, 0x90000000u, 0x90000010u, { NULL } },
	{ "dyn auto, exact fit after a reserved page", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x3000, 0 },
				{ 0x90000000u, 0x1000000, 0x3000 } },
	    .nres = 1, .res = { { "mbox", 0x80000000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x80001000u, 0x80001010u, { NULL } },
	{ "dyn auto, past two reserved ranges", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 1, .win = { WIN128 }, .nres = 2,
	    .res = { { "mbox", 0x80000000u, 0x1000 },
		     { "dtb", 0x80002000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x80003000u, 0x80003010u, { NULL } },
	{ "dyn auto, in the gap between reserved ranges", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 1, .win = { WIN128 }, .nres = 2,
	    .res = { { "dtb", 0x80003000u, 0x1000 },
		     { "mbox", 0x80000000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x80001000u, 0x80001010u, { NULL } },
	{ "dyn auto, ELF32", ELFCLASS32, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), RES1("mbox", 0x80000000u, 0x1000),
	  { 0 }, 0, 0, 0x80001000u, 0x80001010u, { NULL } },
	{ "dyn auto, no room anywhere", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000, 0 },
				{ 0x90000000u, 0x1800, 0x1000 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0, { NULL } },
	{ "dyn auto, window all reserved", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 1, .win = { { 0x80000000u, 0x10000, 0 } }, .nres = 1,
	    .res = { { "rom", 0x80000000u, 0x10000 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0, { NULL } },
	{ "dyn auto, no room at that alignment", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x200000, 0x1000),
	  { .nwin = 1, .win = { { 0x80001000u, 0x200000, 0 } } },
	  { 0 }, CL_E_PLACE, 0, 0, 0, { NULL } },
	{ "dyn entry in a segment without PF_X", 0, ET_DYN, 0x1010,
	  DYN_SEGS(0x1000, 0x1000), ONE_WIN,
	  { 0 }, CL_E_PLACE, 0, 0, 0, { "entry" } },

	/* ---- ET_DYN: --base ---- */
	{ "dyn --base", 0, ET_DYN, 0x10, DYN_SEGS(0x1000, 0x1000), ONE_WIN,
	  { .has_base = true, .base = 0x80400000u },
	  0, 0, 0x80400000u, 0x80400010u, { NULL } },
	{ "dyn --base, bias 0", 0, ET_DYN, 0x80000010u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80001000u, 0x100, 0x1000, 0x1000, RW) },
	  ONE_WIN, { .has_base = true, .base = 0x80000000u },
	  0, 0, 0x80000000u, 0x80000010u, { NULL } },
	{ "dyn --base below the link address", 0, ET_DYN, 0x80400010u, 2,
	  { SEG1(0x80400000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x80401000u, 0x100, 0x1000, 0x1000, RW) },
	  ONE_WIN, { .has_base = true, .base = 0x80000000u },
	  0, 0, 0x80000000u, 0x80000010u, { NULL } },
	{ "dyn --base misaligned", 0, ET_DYN, 0x10, DYN_SEGS(0x1000, 0x1000),
	  ONE_WIN, { .has_base = true, .base = 0x80400800u },
	  CL_E_PLACE, 0, 0, 0, { "align" } },
	{ "dyn --base misaligned for 2 MiB", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x200000, 0x1000), ONE_WIN,
	  { .has_base = true, .base = 0x80401000u },
	  CL_E_PLACE, 0, 0, 0, { "align" } },
	{ "dyn --base over reserved 'mbox'", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), RES1("mbox", 0x80401000u, 0x1000),
	  { .has_base = true, .base = 0x80400000u },
	  CL_E_PLACE, 0, 0, 0, { "'mbox'" } },
	{ "dyn --base outside every window", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), ONE_WIN,
	  { .has_base = true, .base = 0x10000000u },
	  CL_E_PLACE, 0, 0, 0, { "segment 0", "[0x10000000, 0x10001000)" } },
	{ "dyn --base runs off the window end", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000), ONE_WIN,
	  { .has_base = true, .base = 0x87fff000u },
	  CL_E_PLACE, 0, 0, 0, { "segment 1", "[0x88000000, 0x88001000)" } },
	{ "dyn --base wraps", 0, ET_DYN, 0x10, DYN_SEGS(0x1000, 0x1000),
	  ONE_WIN, { .has_base = true, .base = 0xfffffffffffff000u },
	  CL_E_PLACE, 0, 0, 0, { NULL } },

	/* ---- aliased windows: one memory, two card addresses (issue 11
	 * item 3). Board files refuse them; boards built in memory can still
	 * have them, and the plan checks backing bytes too. ---- */
	{ "exec through an alias onto reserved 'mailbox'", 0, ET_EXEC,
	  0x90000040u, 1, { SEG1(0x90000000u, 0x2000, 0x2000, 0x1000, RX) },
	  ALIAS_BOARD, { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segment 0", "'mailbox'" } },
	{ "exec through an alias onto reserved 'mailbox': windows named", 0,
	  ET_EXEC, 0x90000040u, 1,
	  { SEG1(0x90000000u, 0x2000, 0x2000, 0x1000, RX) },
	  ALIAS_BOARD, { 0 }, CL_E_PLACE, 0, 0, 0, { "ram1", "ram0" } },
	{ "exec: two segments on one memory through an alias", 0, ET_EXEC,
	  0x80000040u, 2,
	  { SEG1(0x80000000u, 0x1000, 0x1000, 0x1000, RX),
	    SEG1(0x90000800u, 0x100, 0x800, 0x100, RW) },
	  ALIAS_BOARD, { 0 }, CL_E_PLACE, 0, 0, 0,
	  { "segments 0", "overlap" } },
	{ "exec: the same offsets on another BAR are other memory", 0,
	  ET_EXEC, 0x90000040u, 1,
	  { SEG1(0x90000000u, 0x2000, 0x2000, 0x1000, RX) },
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000000, 0, 0 },
				{ 0x90000000u, 0x1000000, 0, 1 } },
	    .nres = 1, .res = { { "mailbox", 0x80001000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x90000000u, 0x90000040u, { NULL } },
	{ "dyn auto skips the mailbox's alias", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000000, 0 },
				{ 0x90000000u, 0x1000000, 0 } },
	    .nres = 1, .res = { { "mailbox", 0x90000000u, 0x1000 } } },
	  { 0 }, 0, 0, 0x80001000u, 0x80001010u, { NULL } },
	{ "dyn auto skips another image's alias", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000000, 0 },
				{ 0x90000000u, 0x1000000, 0 } } },
	  { .busy = &alias_busy, .nbusy = 1 }, 0, 0, 0x80003000u, 0x80003010u,
	  { NULL } },
	{ "dyn --base onto another image through an alias", 0, ET_DYN, 0x10,
	  DYN_SEGS(0x1000, 0x1000),
	  { .nwin = 2, .win = { { 0x80000000u, 0x1000000, 0 },
				{ 0x90000000u, 0x1000000, 0 } } },
	  { .has_base = true, .base = 0x80002000u, .busy = &alias_busy,
	    .nbusy = 1 }, CL_E_PLACE, 0, 0, 0, { "other", "ram0" } },
};

/* Window holding [addr, addr+len) and the offset of addr inside it. The
 * transport adds the window's own backing offset (win[].offset), as
 * cardload.h says of cl_plan_seg.win_off and cl_window_find(). */
static int find_win(const struct cl_board *b, uint64_t addr, uint64_t len,
		    uint64_t *off)
{
	unsigned i;

	for (i = 0; i < b->nwin; i++)
		if (addr >= b->win[i].addr && len <= b->win[i].size &&
		    addr - b->win[i].addr <= b->win[i].size - len) {
			*off = addr - b->win[i].addr;
			return (int)i;
		}
	return -1;
}

/* A successful plan, checked against what the spec says it must be. */
static void check_plan(const struct place_case *c, const struct cl_plan *p,
		       const struct cl_board *b, const struct egen_spec *s)
{
	uint64_t link = UINT64_MAX, hi = 0, align = 1, bias, load = 0,
		 zero = 0;
	unsigned i;
	int segs_ok = p->nseg == c->nseg;

	for (i = 0; i < c->nseg; i++) {
		const struct egen_seg *g = &c->seg[i];
		uint64_t a = c->type == ET_DYN || c->opts.use_vaddr ?
			     g->vaddr : g->paddr;

		if (a < link)
			link = a;
		if (a + g->memsz > hi)
			hi = a + g->memsz;
		if (g->align > align)
			align = g->align;
	}
	bias = c->want_base - link;
	is_u64(p->base, c->want_base, "%s: base", c->name);
	is_u64(p->entry, c->want_entry, "%s: entry", c->name);
	is_u64(p->bias, c->type == ET_DYN ? bias : 0, "%s: bias", c->name);
	if (c->type == ET_DYN) {
		is_u64(p->link_base, link, "%s: link_base", c->name);
		is_u64(p->span, hi - link, "%s: span", c->name);
		is_u64(p->align, align, "%s: align", c->name);
	}
	for (i = 0; segs_ok && i < c->nseg; i++) {
		const struct egen_seg *g = &c->seg[i];
		const struct cl_plan_seg *ps = &p->seg[i];
		uint64_t a = (c->type == ET_DYN || c->opts.use_vaddr ?
			      g->vaddr : g->paddr) + bias, off = 0;
		int w = find_win(b, a, g->memsz, &off);

		segs_ok = ps->phidx == i && ps->flags == g->flags &&
			  ps->addr == a && ps->filesz == g->filesz &&
			  ps->memsz == g->memsz &&
			  ps->src == egen_seg_off(s, i) && w >= 0 &&
			  ps->win == (unsigned)w && ps->win_off == off;
		if (!segs_ok)
			diag("segment %u: addr 0x%" PRIx64 " (want 0x%" PRIx64
			     ") win %u (want %d) win_off 0x%" PRIx64
			     " (want 0x%" PRIx64 ") src 0x%" PRIx64
			     " (want 0x%" PRIx64 ")", i, ps->addr, a, ps->win,
			     w, ps->win_off, off, ps->src, egen_seg_off(s, i));
	}
	for (i = 0; i < c->nseg; i++) {
		load += c->seg[i].filesz;
		zero += c->seg[i].memsz - c->seg[i].filesz;
	}
	ok(segs_ok, "%s: segments: address, window, window offset, source",
	   c->name);
	ok(p->load_bytes == load && p->zero_bytes == zero,
	   "%s: load_bytes 0x%" PRIx64 ", zero_bytes 0x%" PRIx64, c->name,
	   load, zero);
}

static void run_place(const struct place_case *c)
{
	struct egen_spec s = {
		.elfclass = c->cls ? c->cls : ELFCLASS64,
		.endian = ELFDATA2LSB, .machine = EM_RISCV, .type = c->type,
		.entry = c->entry, .nseg = c->nseg, .seg = c->seg,
	};
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct cl_board b;
	unsigned i;
	uint8_t *buf;
	size_t len;
	int rc;

	make_board(&b, &c->board);
	buf = egen_build(&s, &len);
	rc = open_img(buf, len, &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &b, &c->opts, &plan);
	if (!c->want) {
		if (ok(rc == 0, "%s: plans", c->name))
			check_plan(c, plan, &b, &s);
		else
			diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		goto out;
	}
	if (!ok(rc == c->want || (c->alt && rc == c->alt), "%s: %s%s%s",
		c->name, cl_errname(c->want), c->alt ? " or " : "",
		c->alt ? cl_errname(c->alt) : "")) {
		diag("got %d %s: %s", rc, rc ? cl_errname(rc) : "",
		     rc ? cl_errmsg(ctx) : "");
		goto out;
	}
	ok(plan == NULL, "%s: no plan on failure", c->name);
	for (i = 0; i < 2 && c->msg[i]; i++)
		if (!ok(msg_has(cl_errmsg(ctx), c->msg[i]),
			"%s: message names '%s'", c->name, c->msg[i]))
			diag("message: %s", cl_errmsg(ctx));
out:
	if (plan)
		cl_plan_free(plan);
	if (img)
		cl_image_free(img);
	free(buf);
}

/* ---- relocation --------------------------------------------------------- */

struct arch {
	const char *name;
	int cls, endian, machine;
	enum egen_relfmt fmt;
	uint32_t relative, none, jump_slot, abs; /* R_* numbers */
};

static const struct arch arches[] = {
	{ "riscv64", ELFCLASS64, ELFDATA2LSB, EM_RISCV, EGEN_RELA, 3, 0, 5, 2 },
	{ "riscv32", ELFCLASS32, ELFDATA2LSB, EM_RISCV, EGEN_RELA, 3, 0, 5, 1 },
	{ "aarch64", ELFCLASS64, ELFDATA2LSB, EM_AARCH64, EGEN_RELA, 1027, 0,
	  1026, 257 },
	{ "aarch64 MSB", ELFCLASS64, ELFDATA2MSB, EM_AARCH64, EGEN_RELA, 1027,
	  0, 1026, 257 },
	{ "arm", ELFCLASS32, ELFDATA2LSB, EM_ARM, EGEN_REL, 23, 0, 22, 2 },
	{ "arm MSB", ELFCLASS32, ELFDATA2MSB, EM_ARM, EGEN_REL, 23, 0, 22, 2 },
	{ "x86_64", ELFCLASS64, ELFDATA2LSB, EM_X86_64, EGEN_RELA, 8, 0, 7, 1 },
	{ "i386", ELFCLASS32, ELFDATA2LSB, EM_386, EGEN_REL, 8, 0, 7, 1 },
};
#define NARCH (sizeof(arches) / sizeof(arches[0]))

#define MAXREL 160

/* An ET_DYN image for arch a linked at link: text RX [link, +0x1000),
 * data RW [link+0x1000, +0x800 file, +0x1000 memory), the tables after. */
struct rimg {
	struct egen_seg seg[2];
	struct egen_rel rel[MAXREL], relr[MAXREL];
	struct egen_spec spec;
};

static void rimg_init(struct rimg *r, const struct arch *a, uint64_t link)
{
	memset(r, 0, sizeof(*r));
	r->seg[0] = (struct egen_seg)SEG1(link, 0x1000, 0x1000, 0x1000, RX);
	r->seg[1] = (struct egen_seg)SEG1(link + 0x1000, 0x800, 0x1000, 0x1000,
					  RW);
	r->seg[1].fill = 0x80;
	r->spec = (struct egen_spec){
		.elfclass = a->cls, .endian = a->endian, .machine = a->machine,
		.type = ET_DYN, .entry = link + 0x10, .nseg = 2, .seg = r->seg,
		.dynamic = true, .relfmt = a->fmt, .rel = r->rel,
		.relr = r->relr, .jmpfmt = a->fmt,
	};
}

static void add_rel(struct rimg *r, uint64_t off, uint32_t type,
		    uint32_t sym, int64_t addend)
{
	r->rel[r->spec.nrel++] = (struct egen_rel){ off, type, sym, addend };
}

static void add_relr(struct rimg *r, uint64_t off, int64_t val)
{
	r->relr[r->spec.nrelr++] = (struct egen_rel){ off, 0, 0, val };
}

/* One word the test expects to change to want after relocation. */
struct expect {
	uint64_t va, want;
};

/* The load's patcher, fed the original bytes in chunks of step bytes (a
 * word may straddle two chunks), makes the same bytes as the whole-image
 * relocation: one patcher for whole and streamed loads. */
static bool chunked_same(const struct cl_plan *plan, const uint8_t *orig,
			 size_t len, const uint8_t *want, size_t step)
{
	struct cl_patcher *pt;
	uint8_t *copy = malloc(len);
	size_t pos, n;
	bool same;

	if (!copy || cl_patcher_new(ctx, plan, &pt))
		abort(); /* out of memory: a broken test */
	memcpy(copy, orig, len);
	for (pos = 0; pos < len; pos += n) {
		n = len - pos < step ? len - pos : step;
		cl_patch_chunk(pt, copy + pos, pos, n);
	}
	same = !memcmp(copy, want, len);
	cl_patcher_free(pt);
	free(copy);
	return same;
}

/* Place r at base (auto when !has_base), relocate, and check that exactly
 * the expected words changed, to the expected values. */
static void reloc_check(const char *name, const struct arch *a,
			const struct rimg *r, bool has_base, uint64_t base,
			uint64_t want_base, const struct expect *ex,
			unsigned nex)
{
	static const struct bdesc bd = ONE_WIN;
	struct cl_plan_opts po = { .has_base = has_base, .base = base };
	unsigned w = a->cls == ELFCLASS64 ? 8 : 4, i;
	uint64_t mask = w == 8 ? UINT64_MAX : 0xffffffffu;
	struct cl_image *img;
	struct cl_plan *plan = NULL;
	struct cl_board b;
	uint8_t *buf, *want;
	size_t len;
	int rc, good = 1;

	make_board(&b, &bd);
	buf = egen_build(&r->spec, &len);
	rc = open_img(buf, len, &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &b, &po, &plan);
	if (!ok(rc == 0, "%s %s: plans", a->name, name)) {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		if (img)
			cl_image_free(img);
		free(buf);
		return;
	}
	is_u64(plan->base, want_base, "%s %s: base", a->name, name);
	want = malloc(len);
	memcpy(want, buf, len);
	for (i = 0; i < nex; i++) {
		uint64_t at = egen_word_off(&r->spec, ex[i].va, w);

		if (!at)
			abort(); /* a broken test */
		egen_put(want + at, a->endian, w, ex[i].want & mask);
	}
	cl_plan_relocate(plan, img->data);
	for (i = 0; i < nex; i++) {
		uint64_t at = egen_word_off(&r->spec, ex[i].va, w);
		uint64_t got = egen_getn(img->data + at, a->endian, w);

		if (got != (ex[i].want & mask)) {
			diag("word at 0x%" PRIx64 ": got 0x%" PRIx64
			     ", want 0x%" PRIx64, ex[i].va, got,
			     ex[i].want & mask);
			good = 0;
		}
	}
	ok(good && img->size == len, "%s %s: %u words relocated", a->name,
	   name, nex);
	ok(img->size == len && !memcmp(img->data, want, len),
	   "%s %s: nothing else changed", a->name, name);
	cl_plan_relocate(plan, img->data);
	ok(!memcmp(img->data, want, len), "%s %s: relocating twice is the "
	   "same", a->name, name);
	for (i = 1; i <= 4097; i = i * 3 + 2)
		ok(chunked_same(plan, buf, len, want, i), "%s %s: patched in "
		   "%u-byte chunks, the same bytes", a->name, name, i);
	free(want);
	cl_plan_free(plan);
	cl_image_free(img);
	free(buf);
}

/* R_*_RELATIVE (and R_*_NONE) from DT_RELA or DT_REL. */
static void test_relative(const struct arch *a, uint64_t link, bool has_base,
			  uint64_t base, uint64_t want_base, const char *name)
{
	unsigned w = a->cls == ELFCLASS64 ? 8 : 4;
	uint64_t bias = want_base - link, d = link + 0x1000;
	struct expect ex[8];
	unsigned n = 0;
	struct rimg r;

	rimg_init(&r, a, link);
#define REL(va, add) do {						\
	add_rel(&r, (va), a->relative, 0, (add));			\
	ex[n++] = (struct expect){ (va), (uint64_t)(add) + bias };	\
} while (0)
	REL(d, 0x1100 + link);
	add_rel(&r, d + w, a->none, 0, 0); /* ignored, word stays */
	REL(d + 2 * w, 0x20 + link);
	REL(d + 3 * w, link - 0x10);
	REL(d + 0x800 - w, 0x7f0 + link);
	REL(link + 0x100, 0x1000 + link);
	add_rel(&r, d + 4 * w, a->none, 5, 0);
#undef REL
	reloc_check(name, a, &r, has_base, base, want_base, ex, n);
}

/* DT_RELR, encoded from addresses: long runs, holes, a far jump. */
static void test_relr(const struct arch *a, uint64_t link, const char *name)
{
	unsigned w = a->cls == ELFCLASS64 ? 8 : 4, k, n = 0;
	uint64_t base = 0x80400000u, bias = base - link;
	struct expect ex[MAXREL];
	struct rimg r;

	rimg_init(&r, a, link);
#define RELR(va, v) do {						\
	add_relr(&r, (va), (int64_t)(v));				\
	ex[n++] = (struct expect){ (va), (uint64_t)(v) + bias };	\
} while (0)
	RELR(link + 0x200, link + 0x300);
	for (k = 0; k < 100; k++)
		if (k % 3 != 2)
			RELR(link + 0x1000 + k * w, link + 0x40 * k);
	RELR(link + 0x1000 + 150 * w, link + 0x1234);
	RELR(link + 0x1800 - w, link + 0x7ff);
#undef RELR
	/* and one RELATIVE record in the ordinary table */
	add_rel(&r, link + 0x1000 + 2 * w, a->relative, 0,
		(int64_t)(link + 0x555));
	ex[n++] = (struct expect){ link + 0x1000 + 2 * w, link + 0x555 + bias };
	reloc_check(name, a, &r, true, base, base, ex, n);
}

/* DT_RELR words written by hand: address, bitmap 0b101(1), bitmap 0b1(1). */
static void test_relr_raw(const struct arch *a)
{
	unsigned w = a->cls == ELFCLASS64 ? 8 : 4, i;
	uint64_t link = 0, base = 0x80000000u, d = 0x1000;
	uint64_t words[3] = { d, 0xb, 0x3 };
	/* 0xb: bits 1 and 3 -> d + w, d + 3w; 0x3: bit 1 of the next bitmap,
	 * which starts (w*8 - 1) words after the first -> d + w*8*w */
	uint64_t va[4] = { d, d + w, d + 3 * w, d + (uint64_t)w * 8 * w };
	struct expect ex[4];
	struct rimg r;
	uint8_t *buf;
	size_t len;

	rimg_init(&r, a, link);
	r.spec.nrelr_words = 3;
	r.spec.relr_words = words;
	buf = egen_build(&r.spec, &len);
	for (i = 0; i < 4; i++)
		ex[i] = (struct expect){ va[i],
			egen_getn(buf + egen_word_off(&r.spec, va[i], w),
				  a->endian, w) + base - link };
	free(buf);
	reloc_check("RELR by hand", a, &r, false, 0, base, ex, 4);
}

/* ---- refusals ----------------------------------------------------------- */

enum fix { FIX_NONE, FIX_DYN_VAL, FIX_DYN_ADD };

struct refusal {
	const char *name;
	uint32_t type;            /* record: 0 uses a->relative */
	uint32_t sym;
	uint64_t at;              /* r_offset relative to link */
	bool abs_at;              /* at is absolute */
	bool in_jmprel;
	int which;                /* 1: a->abs, 2: a->jump_slot, 3: none */
	int64_t fix_tag;          /* corrupt this DT_* after building */
	enum fix fix;
	uint64_t fix_val;
	unsigned nrelr_words;
	uint64_t relr_words[2];
	bool want_type;           /* message names the type number */
	const char *msg;          /* and this ("a|b"), if set */
};

static const struct refusal refusals[] = {
	{ "symbolic absolute relocation", 0, 1, 0x1000, false, false, 1,
	  0, FIX_NONE, 0, 0, { 0 }, true, "unsupported|cannot" },
	{ "RELATIVE with a symbol", 0, 1, 0x1000, false, false, 0,
	  0, FIX_NONE, 0, 0, { 0 }, true, "unsupported|cannot" },
	{ "unknown type 250", 250, 0, 0x1000, false, false, 0,
	  0, FIX_NONE, 0, 0, { 0 }, true, "unsupported|cannot" },
	{ "JUMP_SLOT in DT_JMPREL", 0, 1, 0x1000, false, true, 2,
	  0, FIX_NONE, 0, 0, { 0 }, true, "unsupported|cannot" },
	{ "r_offset in the bss", 0, 0, 0x1f00, false, false, 0,
	  0, FIX_NONE, 0, 0, { 0 }, false, "1f00|1F00" },
	{ "r_offset outside every segment", 0, 0, 0x10000000, true, false, 0,
	  0, FIX_NONE, 0, 0, { 0 }, false, "10000000" },
	{ "r_offset word straddles the end of the file bytes", 0, 0, 0x17fe,
	  false, false, 0, 0, FIX_NONE, 0, 0, { 0 }, false, NULL },
	{ "table outside the image", 0, 0, 0x1000, false, false, 0,
	  -1, FIX_DYN_VAL, 0x60000000, 0, { 0 }, false, NULL },
	{ "table runs past the image", 0, 0, 0x1000, false, false, 0,
	  -2, FIX_DYN_VAL, 0x60000, 0, { 0 }, false, NULL },
	{ "wrong entry size", 0, 0, 0x1000, false, false, 0,
	  -3, FIX_DYN_ADD, 4, 0, { 0 }, false, NULL },
	{ "DT_JMPREL table outside the image", 0, 0, 0x1000, false, true, 0,
	  DT_JMPREL, FIX_DYN_VAL, 0x60000000, 0, { 0 }, false, NULL },
	{ "DT_PLTREL neither RELA nor REL", 0, 0, 0x1000, false, true, 0,
	  DT_PLTREL, FIX_DYN_VAL, 5, 0, { 0 }, false, NULL },
	{ "DT_RELRENT wrong", 0, 0, 0, false, false, 3, EGEN_DT_RELRENT,
	  FIX_DYN_VAL, 2, 1, { 0x1000 }, false, NULL },
	{ "DT_RELR starts with a bitmap", 0, 0, 0, false, false, 3, 0,
	  FIX_NONE, 0, 1, { 0x3 }, false, NULL },
	{ "DT_RELR address outside the image", 0, 0, 0, false, false, 3, 0,
	  FIX_NONE, 0, 1, { 0x70000000 }, false, NULL },
	{ "DT_RELR bitmap runs into the bss", 0, 0, 0, false, false, 3, 0,
	  FIX_NONE, 0, 2, { 0x17f0, 0x3f }, false, NULL },
	{ "DT_RELR table outside the image", 0, 0, 0, false, false, 3,
	  EGEN_DT_RELR, FIX_DYN_VAL, 0x60000000, 1, { 0x1000 }, false, NULL },
};

static void run_refusal(const struct refusal *f, const struct arch *a,
			uint64_t link, uint64_t base)
{
	static const struct bdesc bd = ONE_WIN;
	struct cl_plan_opts po = { .has_base = true, .base = base };
	struct cl_image *img;
	struct cl_plan *plan = NULL;
	struct cl_board b;
	struct rimg r;
	uint64_t words[2];
	uint32_t type;
	int64_t tag = f->fix_tag;
	uint8_t *buf;
	size_t len;
	unsigned i;
	int rc;

	rimg_init(&r, a, link);
	type = f->which == 1 ? a->abs : f->which == 2 ? a->jump_slot :
	       f->type ? f->type : a->relative;
	if (f->which != 3) {
		struct egen_rel rec = { f->abs_at ? f->at : link + f->at, type,
					f->sym, 0x40 };

		add_rel(&r, link + 0x1000, a->relative, 0,
			(int64_t)(link + 8));
		if (f->in_jmprel) {
			r.spec.njmprel = 1;
			r.spec.jmprel = &r.rel[1];
			r.rel[1] = rec;
		} else {
			r.rel[r.spec.nrel++] = rec;
		}
	} else {
		for (i = 0; i < f->nrelr_words; i++)
			words[i] = f->relr_words[i] & 1 ? f->relr_words[i] :
				   f->relr_words[i] + link;
		r.spec.nrelr_words = f->nrelr_words;
		r.spec.relr_words = words;
	}
	/* -1, -2, -3: the main table's address, size, entry size */
	if (tag == -1)
		tag = a->fmt == EGEN_RELA ? DT_RELA : DT_REL;
	else if (tag == -2)
		tag = a->fmt == EGEN_RELA ? DT_RELASZ : DT_RELSZ;
	else if (tag == -3)
		tag = a->fmt == EGEN_RELA ? DT_RELAENT : DT_RELENT;
	buf = egen_build(&r.spec, &len);
	if (f->fix != FIX_NONE) {
		struct egen_field fl = egen_dyn_val(buf, &r.spec, tag);

		if (!fl.off)
			abort(); /* a broken test */
		egen_set(buf, &r.spec, fl, f->fix == FIX_DYN_ADD ?
			 egen_get(buf, &r.spec, fl) + f->fix_val : f->fix_val);
	}
	rc = open_img(buf, len, &img);
	if (rc) {
		ok(0, "%s %s (bias 0x%" PRIx64 "): image opens", a->name,
		   f->name, base - link);
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		free(buf);
		return;
	}
	make_board(&b, &bd);
	rc = cl_plan_make(ctx, img, &b, &po, &plan);
	if (ok(rc == CL_E_RELOC, "%s %s (bias 0x%" PRIx64 "): CL_E_RELOC",
	       a->name, f->name, base - link)) {
		if (f->want_type &&
		    !ok(msg_has_number(cl_errmsg(ctx), type),
			"%s %s: message names type %u", a->name, f->name,
			type))
			diag("message: %s", cl_errmsg(ctx));
		if (f->msg && !ok(msg_has(cl_errmsg(ctx), f->msg),
				  "%s %s: message names '%s'", a->name, f->name,
				  f->msg))
			diag("message: %s", cl_errmsg(ctx));
		ok(plan == NULL && !memcmp(img->data, buf, len),
		   "%s %s: no plan, image untouched", a->name, f->name);
	} else {
		diag("got %d %s: %s", rc, rc ? cl_errname(rc) : "",
		     cl_errmsg(ctx));
	}
	if (plan)
		cl_plan_free(plan);
	cl_image_free(img);
	free(buf);
}

/* A machine the loader has no relocation table for. */
static void test_unknown_machine(void)
{
	static const struct arch mips = { "mips64", ELFCLASS64, ELFDATA2MSB,
					  EM_MIPS, EGEN_RELA, 3, 0, 0, 0 };
	static const struct bdesc bd = ONE_WIN;
	struct cl_plan_opts po = { 0 };
	struct cl_image *img;
	struct cl_plan *plan = NULL;
	struct cl_board b;
	struct rimg r;
	uint8_t *buf;
	size_t len;
	int rc;

	make_board(&b, &bd);
	rimg_init(&r, &mips, 0);
	add_rel(&r, 0x1000, 3, 0, 0x10);
	buf = egen_build(&r.spec, &len);
	rc = open_img(buf, len, &img);
	if (!rc) {
		rc = cl_plan_make(ctx, img, &b, &po, &plan);
		is_int(rc, CL_E_RELOC, "mips64 with relocations: CL_E_RELOC");
		ok(rc != CL_E_RELOC ||
		   msg_has(cl_errmsg(ctx), "unsupported|cannot"),
		   "mips64: message says why: %s", cl_errmsg(ctx));
		if (plan)
			cl_plan_free(plan);
		cl_image_free(img);
	} else {
		ok(0, "mips64 image opens: %s", cl_errmsg(ctx));
	}
	free(buf);
}

/* Issue 11 item 9: --set on bytes a relocation also patches would keep one
 * of the two values without a word: refused, naming both. */
static void test_set_vs_reloc(void)
{
	static const struct bdesc bd = ONE_WIN;
	static const struct egen_sym syms[] = {
		{ "reloc_word", 0x1000, 8, STT_OBJECT, false },
		{ "reloc_half", 0x100c, 4, STT_OBJECT, false },
		{ "reloc_wide", 0x1014, 8, STT_OBJECT, false },
		{ "beside", 0x1020, 8, STT_OBJECT, false },
		{ "before", 0xffc, 4, STT_OBJECT, false },
	};
	static const struct {
		const char *spec;
		int want;
		const char *msg[2];
	} cases[] = {
		{ "reloc_word=5", CL_E_PLACE, { "reloc_word", "0x80001000" } },
		{ "reloc_half=5", CL_E_PLACE, { "reloc_half", "0x80001008" } },
		{ "reloc_wide=5", CL_E_PLACE, { "reloc_wide", "0x80001010" } },
		{ "beside=5", 0, { NULL } },
		{ "before=5", 0, { NULL } },
	};
	struct cl_plan_opts po = { .has_base = true, .base = 0x80000000u };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct cl_board b;
	struct rimg r;
	uint8_t *buf;
	size_t len;
	unsigned i, k;
	int rc;

	make_board(&b, &bd);
	rimg_init(&r, &arches[0], 0); /* riscv64, RELA */
	add_rel(&r, 0x1000, arches[0].relative, 0, 0x10);
	add_rel(&r, 0x1008, arches[0].relative, 0, 0x20);
	add_rel(&r, 0x1010, arches[0].relative, 0, 0x30);
	add_rel(&r, 0x1018, arches[0].relative, 0, 0x40);
	r.spec.nsym = sizeof(syms) / sizeof(syms[0]);
	r.spec.sym = syms;
	buf = egen_build(&r.spec, &len);
	rc = open_img(buf, len, &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &b, &po, &plan);
	if (!ok(rc == 0 && plan->npatch == 4, "--set vs relocations: plans "
		"with 4 patches")) {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		goto out;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned nset = plan->nset;

		rc = cl_plan_set(ctx, plan, cases[i].spec);
		if (!cases[i].want) {
			ok(rc == 0 && plan->nset == nset + 1,
			   "--set %s: next to relocated words, accepted",
			   cases[i].spec);
			if (rc)
				diag("%s", cl_errmsg(ctx));
			continue;
		}
		ok(rc == cases[i].want && plan->nset == nset,
		   "--set %s on a relocated word: %s, not planned",
		   cases[i].spec, cl_errname(cases[i].want));
		for (k = 0; k < 2; k++)
			if (!ok(rc && msg_has(cl_errmsg(ctx), cases[i].msg[k]),
				"--set %s: message names '%s'", cases[i].spec,
				cases[i].msg[k]))
				diag("message: %s", cl_errmsg(ctx));
	}
out:
	cl_plan_free(plan);
	cl_image_free(img);
	free(buf);
}

int main(void)
{
	unsigned i, k;

	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(place_cases) / sizeof(place_cases[0]); i++)
		run_place(&place_cases[i]);
	for (k = 0; k < NARCH; k++) {
		const struct arch *a = &arches[k];

		test_relative(a, 0, false, 0, 0x80000000u, "auto base");
		test_relative(a, 0, true, 0x80400000u, 0x80400000u, "--base");
		test_relative(a, 0x80000000u, true, 0x80000000u, 0x80000000u,
			      "bias 0");
		test_relative(a, 0x80800000u, true, 0x80000000u, 0x80000000u,
			      "negative bias");
		test_relr(a, 0, "RELR + RELA/REL");
		test_relr(a, 0x80400000u, "RELR, bias 0");
		test_relr_raw(a);
		for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
			run_refusal(&refusals[i], a, 0x80000000u, 0x80000000u);
			run_refusal(&refusals[i], a, 0, 0x80000000u);
		}
	}
	test_unknown_machine();
	test_set_vs_reloc();
	cl_ctx_free(ctx);
	return tap_done();
}
