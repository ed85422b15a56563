/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvh.h - the PVH boot ABI's start-of-day block (pvh.c)
 *
 * An x86 kernel entered at its Xen PHYS32_ENTRY note finds in %ebx the
 * physical address of struct hvm_start_info, version 1, as Xen's public
 * include/public/arch-x86/hvm/start_info.h lays it out (all little-endian):
 *
 *   0 magic u32 (CL_PVH_MAGIC)   4 version u32 (1)   8 flags u32
 *  12 nr_modules u32  16 modlist_paddr u64  24 cmdline_paddr u64
 *  32 rsdp_paddr u64  40 memmap_paddr u64   48 memmap_entries u32
 *  52 reserved u32    56 (end)
 *
 * a module list entry (struct hvm_modlist_entry):
 *   0 paddr u64  8 size u64  16 cmdline_paddr u64  24 reserved u64  32
 * and a memory map entry (struct hvm_memmap_table_entry):
 *   0 addr u64  8 size u64  16 type u32 (E820: 1 RAM, 2 reserved)
 *  20 reserved u32  24
 *
 * The block cardload writes is those three one after the other: the
 * start_info, the module list (the initrd as module 0, if any), the memory
 * map; every part 8-byte aligned. A 0 address means "not given".
 */
#ifndef CL_PVH_H
#define CL_PVH_H

#include <stddef.h>
#include <stdint.h>
#include "cardload.h"

#define CL_PVH_MAGIC 0x336ec578u
#define CL_PVH_VERSION 1u
#define CL_PVH_INFO_SIZE 56u
#define CL_PVH_MOD_SIZE 32u
#define CL_PVH_MAP_ENTRY_SIZE 24u
#define CL_E820_RAM 1u
#define CL_E820_RESERVED 2u
/* every window and reserved range can add at most two boundaries */
#define CL_PVH_MAP_MAX (2 * (CL_MAX_WINDOWS + CL_MAX_RESERVED))

struct cl_memmap_entry {
	uint64_t addr, size;
	uint32_t type;           /* CL_E820_RAM or CL_E820_RESERVED */
};

/*
 * The board's memory map: its windows as RAM, its reserved ranges as
 * reserved (winning where both cover an address), sorted by address, no
 * two entries overlapping, neighbours of one type merged. Ranges that
 * would pass 2^64 are clamped. out holds CL_PVH_MAP_MAX entries.
 * Return: the number of entries (0 for a board without windows).
 */
unsigned cl_pvh_memmap(const struct cl_board *b, struct cl_memmap_entry *out);

struct cl_pvh_in {
	uint64_t cmdline_addr;   /* the NUL-terminated command line, or 0 */
	uint64_t initrd_addr;    /* module 0, when initrd_size is not 0 */
	uint64_t initrd_size;
	uint64_t rsdp_addr;      /* ACPI RSDP, or 0 */
};

/* Bytes of the block for this board and input (pure). */
size_t cl_pvh_size(const struct cl_board *b, const struct cl_pvh_in *in);

/*
 * Write the block that will sit at card address addr into buf[0, len),
 * zeroed first, field by field, little-endian (pure).
 * Return: 0; CL_E_USAGE when len is smaller than cl_pvh_size() or the
 * block would pass 2^64 (buf untouched then).
 */
int cl_pvh_build(struct cl_ctx *ctx, const struct cl_board *b,
		 const struct cl_pvh_in *in, uint64_t addr, uint8_t *buf,
		 size_t len);

#endif /* CL_PVH_H */
