/* SPDX-License-Identifier: GPL-2.0-or-later */
/* warm.h - card pages a load will write, got ready while its image inflates */
#ifndef CL_WARM_H
#define CL_WARM_H

#include <stddef.h>
#include <stdint.h>

struct cl_boot_spec;
struct cl_tp;
struct cl_warm;

/* Where the file bytes of image segments go on the card. */
struct cl_warm_range {
	uint64_t addr, len;
};

/*
 * Start a thread that reads the headers of sp's image 0 from the start of
 * its (compressed) file and has tp prepare the card ranges its segments'
 * file bytes will take (cl_tp_prepare: allocation only, no byte the card
 * reads changes). Touches no ctx: it reports nothing and never fails.
 * Return: the running warm-up, or NULL when there is nothing to do (no
 * prepare op, an uncompressed image, one CPU, out of memory).
 */
struct cl_warm *cl_warm_start(const struct cl_boot_spec *sp,
			      struct cl_tp *tp);
/* Stop the warm-up between two pieces and wait for its thread; w may be
 * NULL. */
void cl_warm_stop(struct cl_warm *w);

/*
 * Pure: the card ranges of the PT_LOAD file bytes that the ELF headers in
 * h[0, n) (the start of a decompressed image) describe, placed as the plan
 * places them: ET_EXEC at p_paddr (p_vaddr with use_vaddr), ET_DYN at base
 * (has_base; else the plan picks the place and nothing is returned).
 * Return: how many ranges were stored in r[0, max); 0 for anything else
 * (not ELF, headers past n, fields that wrap).
 */
unsigned cl_warm_elf_ranges(const uint8_t *h, size_t n, int use_vaddr,
			    int has_base, uint64_t base,
			    struct cl_warm_range *r, unsigned max);

#endif /* CL_WARM_H */
