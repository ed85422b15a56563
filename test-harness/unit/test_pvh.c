/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pvh.c - struct hvm_start_info as Xen's public start_info.h lays it
 * out: every field's offset and width read back byte by byte (not through
 * the library's byte-order helpers), the module list and the memory map,
 * and the memory map made from board windows and reserved ranges:
 * splitting, merging, sorting, overlaps, clamping at 2^64, the largest
 * board; short buffers and addresses near 2^64 refused with buf untouched.
 */
#include <string.h>
#include "internal.h"
#include "pvh.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct cl_ctx *ctx;

/* width bytes at p, little-endian, one byte at a time */
static uint64_t rd(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	while (width--)
		v = v << 8 | p[width];
	return v;
}

static void add_win(struct cl_board *b, uint64_t addr, uint64_t size)
{
	struct cl_window *w = &b->win[b->nwin++];

	snprintf(w->name, sizeof(w->name), "ram%u", b->nwin - 1);
	w->addr = addr;
	w->size = size;
	w->bar = -1;
}

static void add_res(struct cl_board *b, const char *name, uint64_t addr,
		    uint64_t size)
{
	struct cl_reserved *r = &b->res[b->nres++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->addr = addr;
	r->size = size;
}

/* the map equals want[0, n) */
static void map_is(const char *what, const struct cl_board *b,
		   const struct cl_memmap_entry *want, unsigned n)
{
	struct cl_memmap_entry got[CL_PVH_MAP_MAX];
	unsigned i, k = cl_pvh_memmap(b, got);
	bool same = k == n;

	for (i = 0; same && i < n; i++)
		same = got[i].addr == want[i].addr &&
		       got[i].size == want[i].size &&
		       got[i].type == want[i].type;
	if (!ok(same, "memmap: %s (%u entries)", what, n))
		for (i = 0; i < k; i++)
			diag("got [0x%" PRIx64 ", +0x%" PRIx64 ") type %u",
			     got[i].addr, got[i].size, got[i].type);
}

/* An x86 card: 2 GiB of RAM from 0 with the legacy holes reserved, and
 * the local APIC reserved outside the window. */
static void x86_board(struct cl_board *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "x86");
	add_win(b, 0, 0x80000000);
	add_res(b, "rom", 0xf0000, 0x10000);
	add_res(b, "mailbox", 0x9f000, 0x1000);
	add_res(b, "lapic", 0xfee00000, 0x1000);
}

static const struct cl_memmap_entry x86_map[] = {
	{ 0, 0x9f000, CL_E820_RAM },
	{ 0x9f000, 0x1000, CL_E820_RESERVED },
	{ 0xa0000, 0x50000, CL_E820_RAM },
	{ 0xf0000, 0x10000, CL_E820_RESERVED },
	{ 0x100000, 0x7ff00000, CL_E820_RAM },
	{ 0xfee00000, 0x1000, CL_E820_RESERVED },
};

static void test_abi(void)
{
	static const struct {
		const char *field;
		unsigned off, width;
		uint64_t want;
	} info[] = {
		{ "magic", 0, 4, 0x336ec578 },
		{ "version", 4, 4, 1 },
		{ "flags", 8, 4, 0 },
		{ "nr_modules", 12, 4, 1 },
		{ "modlist_paddr", 16, 8, 0x7000 + 56 },
		{ "cmdline_paddr", 24, 8, 0x6000 },
		{ "rsdp_paddr", 32, 8, 0xe0000 },
		{ "memmap_paddr", 40, 8, 0x7000 + 56 + 32 },
		{ "memmap_entries", 48, 4, 6 },
		{ "reserved", 52, 4, 0 },
		{ "modlist[0].paddr", 56, 8, 0x4000000 },
		{ "modlist[0].size", 64, 8, 0x1234567 },
		{ "modlist[0].cmdline_paddr", 72, 8, 0 },
		{ "modlist[0].reserved", 80, 8, 0 },
	};
	struct cl_pvh_in in = { .cmdline_addr = 0x6000,
				.initrd_addr = 0x4000000,
				.initrd_size = 0x1234567,
				.rsdp_addr = 0xe0000 };
	struct cl_board b;
	uint8_t buf[1024];
	size_t size, i;

	is_int(CL_PVH_INFO_SIZE, 56, "sizeof(struct hvm_start_info) v1");
	is_int(CL_PVH_MOD_SIZE, 32, "sizeof(struct hvm_modlist_entry)");
	is_int(CL_PVH_MAP_ENTRY_SIZE, 24,
	       "sizeof(struct hvm_memmap_table_entry)");
	x86_board(&b);
	size = cl_pvh_size(&b, &in);
	is_int(size, 56 + 32 + 6 * 24, "size with a module and 6 entries");
	memset(buf, 0xa5, sizeof(buf));
	is_int(cl_pvh_build(ctx, &b, &in, 0x7000, buf, size), 0, "builds");
	for (i = 0; i < N_ELEMS(info); i++)
		is_u64(rd(buf + info[i].off, info[i].width), info[i].want,
		       "%s at %u (%u bytes)", info[i].field, info[i].off,
		       info[i].width);
	ok(!memcmp(buf, "\x78\xc5\x6e\x33", 4),
	   "magic bytes \"xEn3\" with the 0x80 bit of 'E' set");
	for (i = 0; i < N_ELEMS(x86_map); i++) {
		const uint8_t *e = buf + 88 + i * 24;

		ok(rd(e, 8) == x86_map[i].addr && rd(e + 8, 8) ==
		   x86_map[i].size && rd(e + 16, 4) == x86_map[i].type &&
		   rd(e + 20, 4) == 0, "memmap[%zu] at %zu: addr, size, "
		   "type, reserved", i, 88 + i * 24);
	}
	is_int(buf[size], 0xa5, "nothing written past the block");

	/* no initrd, no rsdp, no command line: the map follows start_info */
	in = (struct cl_pvh_in){ 0 };
	size = cl_pvh_size(&b, &in);
	is_int(size, 56 + 6 * 24, "size without a module");
	memset(buf, 0xff, sizeof(buf));
	is_int(cl_pvh_build(ctx, &b, &in, 0x7000, buf, size), 0,
	       "builds without a module");
	ok(rd(buf + 12, 4) == 0 && rd(buf + 16, 8) == 0 &&
	   rd(buf + 24, 8) == 0 && rd(buf + 32, 8) == 0,
	   "no module, command line or rsdp: zero");
	is_u64(rd(buf + 40, 8), 0x7000 + 56, "memmap_paddr right after");
	ok(rd(buf + 8, 4) == 0 && rd(buf + 52, 4) == 0 &&
	   rd(buf + 56 + 20, 4) == 0, "reserved fields zeroed over 0xff");

	/* a board without windows: no map at all */
	memset(&b, 0, sizeof(b));
	size = cl_pvh_size(&b, &in);
	is_int(size, 56, "no windows: start_info only");
	is_int(cl_pvh_build(ctx, &b, &in, 0x7000, buf, size), 0,
	       "builds with no map");
	ok(rd(buf + 40, 8) == 0 && rd(buf + 48, 4) == 0,
	   "no map: memmap_paddr and memmap_entries 0");
}

static void test_refused(void)
{
	struct cl_pvh_in in = { .initrd_addr = 1, .initrd_size = 1 };
	struct cl_board b;
	uint8_t buf[512];
	size_t size, i;
	bool untouched = true;

	x86_board(&b);
	size = cl_pvh_size(&b, &in);
	memset(buf, 0x5a, sizeof(buf));
	is_int(cl_pvh_build(ctx, &b, &in, 0x7000, buf, size - 1), CL_E_USAGE,
	       "a buffer one byte short: CL_E_USAGE");
	ok(strstr(cl_errmsg(ctx), "start_info") != NULL, "says start_info");
	is_int(cl_pvh_build(ctx, &b, &in, UINT64_MAX - size + 2, buf, size),
	       CL_E_USAGE, "a block passing 2^64: CL_E_USAGE");
	ok(strstr(cl_errmsg(ctx), "2^64") != NULL, "says 2^64");
	for (i = 0; i < sizeof(buf); i++)
		untouched = untouched && buf[i] == 0x5a;
	ok(untouched, "refused: buffer untouched");
	is_int(cl_pvh_build(ctx, &b, &in, UINT64_MAX - size + 1, buf, size),
	       CL_E_USAGE, "a block ending at 2^64 (no end address): "
	       "refused");
	is_int(cl_pvh_build(ctx, &b, &in, UINT64_MAX - size, buf, size),
	       0, "a block ending at 2^64 - 1");
}

static void test_memmap(void)
{
	struct cl_board b;
	unsigned i;

	x86_board(&b);
	map_is("x86 card: holes split RAM, lapic outside", &b, x86_map,
	       N_ELEMS(x86_map));

	memset(&b, 0, sizeof(b));
	add_win(&b, 0x1000, 0x1000);
	add_win(&b, 0, 0x1000);
	add_win(&b, 0x10000, 0x1000);
	{
		static const struct cl_memmap_entry w[] = {
			{ 0, 0x2000, CL_E820_RAM },
			{ 0x10000, 0x1000, CL_E820_RAM },
		};
		map_is("unsorted, adjacent windows merged", &b, w, 2);
	}

	memset(&b, 0, sizeof(b));
	add_win(&b, 0, 0x3000);
	add_win(&b, 0x2000, 0x3000);
	add_res(&b, "a", 0x1000, 0x800);
	add_res(&b, "b", 0x1400, 0x800);
	add_res(&b, "c", 0x1c00, 0x400);
	add_res(&b, "empty", 0x2800, 0);
	{
		static const struct cl_memmap_entry w[] = {
			{ 0, 0x1000, CL_E820_RAM },
			{ 0x1000, 0x1000, CL_E820_RESERVED },
			{ 0x2000, 0x3000, CL_E820_RAM },
		};
		map_is("overlapping windows and reserved ranges, empty range",
		       &b, w, 3);
	}

	memset(&b, 0, sizeof(b));
	add_win(&b, 0x100000, 0x1000);
	add_res(&b, "all", 0xff000, 0x3000);
	{
		static const struct cl_memmap_entry w[] = {
			{ 0xff000, 0x3000, CL_E820_RESERVED },
		};
		map_is("a reserved range over a whole window", &b, w, 1);
	}

	memset(&b, 0, sizeof(b));
	add_win(&b, UINT64_MAX - 0xfff, 0x2000);
	add_res(&b, "top", UINT64_MAX - 0xff, 0x1000);
	{
		static const struct cl_memmap_entry w[] = {
			{ UINT64_MAX - 0xfff, 0xf00, CL_E820_RAM },
			{ UINT64_MAX - 0xff, 0xff, CL_E820_RESERVED },
		};
		map_is("ranges passing 2^64 clamped", &b, w, 2);
	}

	memset(&b, 0, sizeof(b));
	for (i = 0; i < CL_MAX_WINDOWS; i++)
		add_win(&b, (uint64_t)i << 32, 0x100000);
	for (i = 0; i < CL_MAX_RESERVED; i++)
		add_res(&b, "r", ((uint64_t)i << 24) + 0x10000, 0x1000);
	{
		struct cl_memmap_entry got[CL_PVH_MAP_MAX];
		unsigned n = cl_pvh_memmap(&b, got);
		bool sorted = true;

		for (i = 1; i < n; i++)
			sorted = sorted &&
				 got[i - 1].addr + got[i - 1].size <= got[i].addr;
		ok(n <= CL_PVH_MAP_MAX && sorted, "the largest board: %u "
		   "entries, sorted, disjoint", n);
		/* window 0 holds reserved 0 only: RAM, res, RAM; windows
		 * 1-7 whole; reserved 1-31 outside every window */
		is_int(n, 3 + 7 + 31, "the largest board: entry count");
	}
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx)
		return 1;
	test_abi();
	test_refused();
	test_memmap();
	cl_ctx_free(ctx);
	return tap_done();
}
