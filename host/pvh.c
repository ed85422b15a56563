/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvh.c - struct hvm_start_info, its module list and memory map (pvh.h)
 *
 * A pure builder: the board's windows and reserved ranges become an E820
 * memory map; the block is written from zeroed bytes, one named field at
 * a time, little-endian whatever the host. The layout and its reasons are
 * in pvh.h.
 */
#include <inttypes.h>
#include "internal.h"
#include "pvh.h"

/* The end of [addr, addr + size), clamped at 2^64 - 1. */
static uint64_t end_of(uint64_t addr, uint64_t size)
{
	uint64_t e;

	return cl_add_ovf(addr, size, &e) ? UINT64_MAX : e;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What covers address a: reserved, RAM, or nothing (0). */
static uint32_t type_at(const struct cl_board *b, uint64_t a)
{
	unsigned i;

	for (i = 0; i < b->nres; i++)
		if (b->res[i].size && a >= b->res[i].addr &&
		    a < end_of(b->res[i].addr, b->res[i].size))
			return CL_E820_RESERVED;
	for (i = 0; i < b->nwin; i++)
		if (b->win[i].size && a >= b->win[i].addr &&
		    a < end_of(b->win[i].addr, b->win[i].size))
			return CL_E820_RAM;
	return 0;
}

unsigned cl_pvh_memmap(const struct cl_board *b, struct cl_memmap_entry *out)
{
	uint64_t cut[CL_PVH_MAP_MAX];
	unsigned i, n = 0, nout = 0;

	/* every start and end is a place where the type may change */
	for (i = 0; i < b->nwin && i < CL_MAX_WINDOWS; i++) {
		if (!b->win[i].size)
			continue;
		cut[n++] = b->win[i].addr;
		cut[n++] = end_of(b->win[i].addr, b->win[i].size);
	}
	for (i = 0; i < b->nres && i < CL_MAX_RESERVED; i++) {
		if (!b->res[i].size)
			continue;
		cut[n++] = b->res[i].addr;
		cut[n++] = end_of(b->res[i].addr, b->res[i].size);
	}
	qsort(cut, n, sizeof(cut[0]), cmp_u64);
	for (i = 0; i + 1 < n; i++) {
		uint64_t lo = cut[i], hi = cut[i + 1];
		uint32_t t;

		if (lo == hi)
			continue;
		t = type_at(b, lo);
		if (!t)
			continue;
		if (nout && out[nout - 1].type == t &&
		    out[nout - 1].addr + out[nout - 1].size == lo) {
			out[nout - 1].size += hi - lo;
			continue;
		}
		out[nout++] = (struct cl_memmap_entry){ lo, hi - lo, t };
	}
	return nout;
}

size_t cl_pvh_size(const struct cl_board *b, const struct cl_pvh_in *in)
{
	struct cl_memmap_entry map[CL_PVH_MAP_MAX];

	return CL_PVH_INFO_SIZE + (in->initrd_size ? CL_PVH_MOD_SIZE : 0) +
	       (size_t)cl_pvh_memmap(b, map) * CL_PVH_MAP_ENTRY_SIZE;
}

int cl_pvh_build(struct cl_ctx *ctx, const struct cl_board *b,
		 const struct cl_pvh_in *in, uint64_t addr, uint8_t *buf,
		 size_t len)
{
	struct cl_memmap_entry map[CL_PVH_MAP_MAX];
	unsigned i, nmap = cl_pvh_memmap(b, map);
	size_t mod = CL_PVH_INFO_SIZE;
	size_t at = mod + (in->initrd_size ? CL_PVH_MOD_SIZE : 0);
	size_t size = at + (size_t)nmap * CL_PVH_MAP_ENTRY_SIZE;
	uint64_t end;

	if (len < size)
		return cl_seterr(ctx, CL_E_USAGE, "PVH start_info needs %zu "
				 "bytes, %zu given", size, len);
	if (cl_add_ovf(addr, (uint64_t)size, &end))
		return cl_seterr(ctx, CL_E_USAGE, "PVH start_info at 0x%"
				 PRIx64 " (%zu bytes) passes 2^64", addr,
				 size);
	memset(buf, 0, size);

	/* struct hvm_start_info */
	le_put(buf + 0, 4, CL_PVH_MAGIC);          /* magic */
	le_put(buf + 4, 4, CL_PVH_VERSION);        /* version */
	le_put(buf + 8, 4, 0);                     /* flags */
	le_put(buf + 12, 4, in->initrd_size ? 1 : 0); /* nr_modules */
	le_put(buf + 16, 8, in->initrd_size ? addr + mod : 0); /* modlist */
	le_put(buf + 24, 8, in->cmdline_addr);     /* cmdline_paddr */
	le_put(buf + 32, 8, in->rsdp_addr);        /* rsdp_paddr */
	le_put(buf + 40, 8, nmap ? addr + at : 0); /* memmap_paddr */
	le_put(buf + 48, 4, nmap);                 /* memmap_entries */
	le_put(buf + 52, 4, 0);                    /* reserved */

	/* struct hvm_modlist_entry: the initrd, no command line of its own */
	if (in->initrd_size) {
		le_put(buf + mod + 0, 8, in->initrd_addr);  /* paddr */
		le_put(buf + mod + 8, 8, in->initrd_size);  /* size */
		le_put(buf + mod + 16, 8, 0);               /* cmdline_paddr */
		le_put(buf + mod + 24, 8, 0);               /* reserved */
	}

	/* struct hvm_memmap_table_entry[] */
	for (i = 0; i < nmap; i++, at += CL_PVH_MAP_ENTRY_SIZE) {
		le_put(buf + at + 0, 8, map[i].addr);       /* addr */
		le_put(buf + at + 8, 8, map[i].size);       /* size */
		le_put(buf + at + 16, 4, map[i].type);      /* type */
		le_put(buf + at + 20, 4, 0);                /* reserved */
	}
	return 0;
}
