/* SPDX-License-Identifier: GPL-2.0-or-later */
/* internal.h - helpers shared by the files of libcardload (not installed) */
#ifndef CL_INTERNAL_H
#define CL_INTERNAL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "cardload.h"
#include "util.h"

struct cl_ctx {
	volatile sig_atomic_t intr; /* cl_interrupt() was called */
	volatile int *cancel;       /* cl_set_cancel(): non-zero stops too */
	int err;
	char msg[512];
	cl_log_fn log;
	void *log_arg;
	cl_progress_fn progress;
	void *progress_arg;
};

/* Report progress of a stage through the context's callback, if any. */
void cl_progress(struct cl_ctx *ctx, const char *stage, uint64_t done,
		 uint64_t total);

/* The width-byte word (1, 2, 4 or 8) at p in an ELF file's byte order
 * (its EI_DATA: ELFDATA2MSB big-endian, else little), for headers read
 * before or without libelf. */
static inline uint64_t elf_get(const void *p, unsigned width, int end)
{
	return end == ELFDATA2MSB ? be_get(p, width) : le_get(p, width);
}

/* The same in img's own byte order. */
static inline uint64_t img_get(const struct cl_image *img, const void *p,
			       unsigned width)
{
	return elf_get(p, width, img->endian);
}

static inline void img_put(const struct cl_image *img, void *p,
			   unsigned width, uint64_t v)
{
	if (img->endian == ELFDATA2MSB)
		be_put(p, width, v);
	else
		le_put(p, width, v);
}

/* CRC-32 as cardboot.h defines the image digest. */
uint32_t cl_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t cl_crc32_zeros(uint32_t crc, uint64_t len);
/* CRC of A then B, from the CRC of A, the CRC of B and B's length. */
uint32_t cl_crc32_join(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* image.c: an image as the library holds it (it always allocates the
 * whole of this; callers see pub). */
struct cl_decomp;
struct cl_image_in {
	struct cl_image pub;
	void *elf;                   /* Elf * */
	void *map;                   /* backing allocation */
	size_t map_size;
	int map_kind;
	const struct cl_decomp *fmt; /* streamed: its format, or NULL */
	void *meta;                  /* streamed: sparse reservation = data */
	size_t meta_size;
	uint64_t mem_limit;          /* streamed: decoder memory allowed */
	uint32_t stream_crc;         /* streamed: CRC-32 of the whole image */
};

static inline struct cl_image_in *img_in(const struct cl_image *img)
{
	return (struct cl_image_in *)((char *)img -
				      offsetof(struct cl_image_in, pub));
}

/* elf.c: validate img->data as ELF and fill the image's ELF facts. */
int cl_elf_parse(struct cl_ctx *ctx, struct cl_image *img);
void cl_elf_release(struct cl_image *img);
/* elf.c's MAX_ALIGN: larger p_align (and PLACEMENT align) values are
 * refused. */
#define CL_MAX_ALIGN (1ull << 30)
/* xennote.c: record a note named "Xen" of type with desc[0, size).
 * Return: 0, or CL_E_ELF for a malformed, repeated or 64-bit
 * PHYS32_ENTRY (the note is not recorded then). */
int cl_xen_note(struct cl_ctx *ctx, struct cl_image *img, uint32_t type,
		const uint8_t *desc, uint32_t size);

/* notes.c: walk PT_NOTE header idx (ph) with libelf's bounded iterator,
 * every header checked to fit, and take cardboot.h's notes into img. */
struct Elf;
int cl_elf_notes(struct cl_ctx *ctx, struct cl_image *img, struct Elf *e,
		 unsigned idx, const Elf64_Phdr *ph);
/* The parameter block the PARAMS note names is written by the loader after
 * the image: it must lie in writable data, not in code, read-only data or
 * the dynamic section (has_dyn: header dyn_ph at [dyn_va, +dyn_memsz)),
 * or the block would overwrite them. (Whether it lies inside one segment
 * at all is the plan's check.) */
int cl_elf_params_note(struct cl_ctx *ctx, const struct cl_image *img,
		       bool has_dyn, unsigned dyn_ph, uint64_t dyn_va,
		       uint64_t dyn_memsz);
/* Card address range [lo, hi) of a segment in the image's own terms. */
uint64_t cl_seg_link_addr(const struct cl_image *img, const struct cl_seg *s,
			  int use_vaddr);

/* caps.c: the cap on an image's size (compressed: also the ratio cap),
 * and the error naming whichever cap was hit. */
uint64_t cl_image_cap(const struct cl_image_opts *opts, uint64_t in_size,
		      bool compressed);
int cl_image_cap_error(struct cl_ctx *ctx, const char *name,
		       const struct cl_image_opts *opts, uint64_t in_size,
		       bool compressed);
/* image_stream.c: open img (its map holds the file, d its format or
 * NULL) for a low-memory load: img->data keeps only the metadata. */
int cl_image_stream(struct cl_ctx *ctx, struct cl_image *img,
		    const char *name, const struct cl_decomp *d,
		    const struct cl_image_opts *opts);

/* shed.c: while a whole-buffer decoder fills out from in (a clean file
 * mapping), drop in's pages well behind it; NULL if it cannot help. */
struct cl_shed;
struct cl_shed *cl_shed_start(uint8_t *in, size_t in_len, uint8_t *out,
			      size_t out_cap, uint64_t out_hint);
void cl_shed_stop(struct cl_shed *s);

/* elf_need.c: the file ranges the loader itself reads from an ELF image
 * (headers, notes, dynamic, relocation and symbol tables), as far as they
 * follow from ranges have() says are complete. Fills w[0..max); returns
 * the count, or -1 if there were more than max. */
struct cl_range64 {
	uint64_t off, len;
};
typedef bool (*cl_have_fn)(void *arg, uint64_t off, uint64_t len);
int cl_elf_wants(const uint8_t *d, uint64_t size, cl_have_fn have, void *arg,
		 struct cl_range64 *w, unsigned max);

/* ranges.c: card ranges against a board's windows (cl_window_find is
 * public), reserved and busy ranges; an empty range meets nothing, an end
 * past 2^64 is clamped.
 *
 * [a, a+n) lies inside [r, r+rn). */
bool cl_range_within(uint64_t a, uint64_t n, uint64_t r, uint64_t rn);
/* Windows x and y show the same backing bytes (the same BAR, or both
 * none; an aperture window counts its aperture): [*lo, *hi) of them (lo,
 * hi may be NULL). */
bool cl_backing_shared(const struct cl_window *x, const struct cl_window *y,
		       uint64_t *lo, uint64_t *hi);
/* Two windows of b without apertures show the same backing bytes (board
 * files refuse that; a board built in memory may still do it). */
bool cl_board_aliased(const struct cl_board *b);
/* Card ranges [a, a+n) and [c, c+m) reach the same memory: their card
 * addresses overlap, or two windows of b map the same backing bytes
 * (the same BAR, or both none) behind them. k gets the card addresses
 * around a to step over and, for an alias, the two windows (else -1). */
struct cl_clash {
	uint64_t bs, be;
	int wa, wc;
};
bool cl_clash(const struct cl_board *b, uint64_t a, uint64_t n, uint64_t c,
	      uint64_t m, struct cl_clash *k);
/* cl_clash when alias (b may alias windows: cl_board_aliased), else in
 * card addresses only (cheap in loops over thousands of ranges). */
bool cl_meets(const struct cl_board *b, bool alias, uint64_t a, uint64_t n,
	      uint64_t c, uint64_t m, struct cl_clash *k);
/* " (the same memory: ram1 and ram0 map ...)" for an alias, else "". */
const char *cl_clash_via(const struct cl_board *b, const struct cl_clash *k,
			 char *buf, size_t len);
/* The first reserved range of b / of busy that [a, a+n) meets (cl_meets),
 * or NULL. */
const struct cl_reserved *cl_reserved_hit(const struct cl_board *b,
					  bool alias, uint64_t a, uint64_t n,
					  struct cl_clash *k);
const struct cl_range *cl_busy_hit(const struct cl_board *b, bool alias,
				   const struct cl_range *busy, unsigned nbusy,
				   uint64_t a, uint64_t n, struct cl_clash *k);
/* The reserved range of b that holds all of [a, a+n), or NULL. */
const struct cl_reserved *cl_reserved_holding(const struct cl_board *b,
					      uint64_t a, uint64_t n);
/* plan.c: e lies inside an executable segment of one of plans[0..n);
 * else CL_E_PLACE naming it. */
int cl_entry_check(struct cl_ctx *ctx, struct cl_plan *const *plans,
		   unsigned n, uint64_t e);
/* plan_place.c: where the segments of p's image land (sets link_base,
 * span, align, base, bias, placement); CL_E_PLACE, CL_E_USAGE. */
int cl_plan_place(struct cl_ctx *ctx, struct cl_plan *p,
		  const struct cl_plan_opts *o);
/* plan_place.c: place the command line of p in free RAM, clear of p's
 * span and of busy (a boot passes every image's span). 0 when cmdline is
 * NULL. */
/* board boot-abi = pvh: place the start_info block (pvh.h) in free RAM
 * below 4 GiB, clear of the span, busy and the command line; sets
 * has_pvh, pvh_addr, pvh_size. */
int cl_plan_pvh(struct cl_ctx *ctx, struct cl_plan *p,
		const struct cl_range *busy, unsigned nbusy);
int cl_plan_cmdline(struct cl_ctx *ctx, struct cl_plan *p, const char *cmdline,
		    const struct cl_range *busy, unsigned nbusy);

/* reloc.c: turn the image's dynamic relocations into patches for bias. */
int cl_reloc_collect(struct cl_ctx *ctx, const struct cl_image *img,
		     uint64_t bias, struct cl_patch **out, size_t *n,
		     char *kind, size_t kindlen);

/* machine.c: board machine names ("riscv64") and their ELF facts. */
int cl_machine_lookup(const char *name, int *em, int *elfclass); /* 0 or -1 */
int cl_machine_endian(int em, int elfclass); /* usual ELFDATA2*, or 0 */
void cl_machine_list(char *buf, size_t len); /* "riscv64, riscv32, ..." */

/* params.c: the parameter block for plan p, as bytes for the card
 * (out holds sizeof(struct cardboot_params)). */
void cl_params_build(const struct cl_plan *p, uint32_t digest,
		     uint64_t platform_dtb, uint8_t *out);

/* dtb.c: a patched copy of a device tree (malloc'd) */
struct cl_dtb_edit {
	const char *cmdline;          /* /chosen bootargs, or NULL */
	uint64_t initrd_addr, initrd_size; /* size 0: no initrd */
	const struct cl_board *memory; /* rewrite the memory node, or NULL */
};
int cl_dtb_patch(struct cl_ctx *ctx, const char *name, const void *in,
		 size_t inlen, const struct cl_dtb_edit *ed, void **out,
		 size_t *outlen);
/* dtb.c: a device tree's first CL_DTB_HEAD bytes (magic, totalsize):
 * true when the magic is right and the totalsize holds a header; *size
 * is the totalsize either way. */
#define CL_DTB_HEAD 8
bool cl_dtb_head(const uint8_t *head, uint32_t *size);

/* thunk.c: a few instructions that load the argument registers and jump
 * to entry, for a release that passes none (FEL EXEC); arguments whose
 * argmask bit is clear are left as the ROM set them. Into out (at least
 * CL_THUNK_MAX bytes), *len its size. Return: 0, or CL_E_USAGE for a
 * machine without one (riscv64, aarch64 and arm have one). */
#define CL_THUNK_MAX 80
#define CL_THUNK_ARGS 4
int cl_thunk_build(struct cl_ctx *ctx, int machine, int elfclass,
		   uint64_t entry, const uint64_t *arg, uint32_t argmask,
		   uint8_t *out, size_t *len);

#endif /* CL_INTERNAL_H */
