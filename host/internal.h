/* SPDX-License-Identifier: GPL-2.0-or-later */
/* internal.h - helpers shared by the files of libcardload (not installed) */
#ifndef CL_INTERNAL_H
#define CL_INTERNAL_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "cardload.h"
#include "util.h"

struct cl_ctx {
	volatile sig_atomic_t intr; /* cl_interrupt() was called */
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

/* The width-byte word (1, 2, 4 or 8) at p in img's own byte order. */
static inline uint64_t img_get(const struct cl_image *img, const void *p,
			       unsigned width)
{
	return img->endian == ELFDATA2MSB ? be_get(p, width) :
					    le_get(p, width);
}

static inline void img_put(const struct cl_image *img, void *p,
			   unsigned width, uint64_t v)
{
	if (img->endian == ELFDATA2MSB)
		be_put(p, width, v);
	else
		le_put(p, width, v);
}

/* old names: the lead removes them with load_stream.c */
static inline uint64_t cl_get_word(const uint8_t *p, unsigned width,
				   int endian)
{
	return endian == ELFDATA2MSB ? be_get(p, width) : le_get(p, width);
}

static inline void cl_put_word(uint8_t *p, unsigned width, int endian,
			       uint64_t v)
{
	if (endian == ELFDATA2MSB)
		be_put(p, width, v);
	else
		le_put(p, width, v);
}

/* CRC-32 as cardboot.h defines the image digest. */
uint32_t cl_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t cl_crc32_zeros(uint32_t crc, uint64_t len);
/* CRC of A then B, from the CRC of A, the CRC of B and B's length. */
uint32_t cl_crc32_join(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* elf.c: validate img->data as ELF and fill the image's ELF facts. */
int cl_elf_parse(struct cl_ctx *ctx, struct cl_image *img);
void cl_elf_release(struct cl_image *img);
/* Card address range [lo, hi) of a segment in the image's own terms. */
uint64_t cl_seg_link_addr(const struct cl_image *img, const struct cl_seg *s,
			  int use_vaddr);

/* image.c: the cap on an image's size (compressed: also the ratio cap),
 * and the error naming whichever cap was hit. */
uint64_t cl_image_cap(const struct cl_image_opts *opts, uint64_t in_size,
		      bool compressed);
int cl_image_cap_error(struct cl_ctx *ctx, const char *name,
		       const struct cl_image_opts *opts, uint64_t in_size,
		       bool compressed);
/* image_stream.c: open img (img->map holds the file, d its format or
 * NULL) for a low-memory load: img->data keeps only the metadata. */
struct cl_decomp;
int cl_image_stream(struct cl_ctx *ctx, struct cl_image *img,
		    const char *name, const struct cl_decomp *d,
		    const struct cl_image_opts *opts);

/* load.c, load_stream.c: pieces shared by whole and streamed loads. */
#define CL_VERIFY_CHUNK ((size_t)1 << 20) /* read-back buffer */
struct cl_plan_seg;
struct cl_tp;
bool cl_params_in_seg(const struct cl_plan *p, const struct cl_plan_seg *s,
		      uint64_t *lo, uint64_t *hi);
void cl_digest_part(const struct cl_plan *p, unsigned i, const uint8_t *d,
		    uint64_t a, uint64_t b, uint32_t *file_crc,
		    uint32_t *img_crc);
void cl_load_digests(const struct cl_plan *p, const uint32_t *file_crc,
		     const uint32_t *img_crc, struct cl_load_result *res);
/* Read card [addr, addr+len) back through buf (CL_VERIFY_CHUNK bytes) and
 * compare it with want (NULL: zeros); *bad is the offset of the first
 * difference, or -1. Errors: the transport's, or CL_E_INTR. */
int cl_read_compare(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
		    const uint8_t *want, uint64_t len, uint8_t *buf,
		    int64_t *bad);
int cl_verify_error(struct cl_ctx *ctx, struct cl_tp *tp,
		    const struct cl_plan_seg *s, const uint32_t *want,
		    uint64_t bad, uint8_t *buf);
/* Host-side work before the card is touched: relocation and --set
 * patches in the file bytes of an image held whole (idempotent), res
 * zeroed with its seg_digest allocated. */
int cl_load_prepare(struct cl_ctx *ctx, struct cl_plan *plan,
		    struct cl_load_result *res);
/* The parameter block of plan p as the loader writes it (block holds
 * sizeof(struct cardboot_params)): digest of the image, the platform DTB
 * if the ROM has announced it (read from the mailbox). */
int cl_params_final(struct cl_ctx *ctx, const struct cl_plan *p,
		    struct cl_tp *tp, uint32_t digest, uint8_t *block);
/* Write, verify and digest an image held whole / a streamed image. With
 * v (cl_boot_verify), compare only: nothing is written or flushed;
 * every piece of file bytes (relocated and patched) and of bss goes to
 * cl_verify_part, and the digests are computed as for a load. */
struct cl_verify;
int cl_load_whole(struct cl_ctx *ctx, const struct cl_plan *plan,
		  struct cl_tp *tp, const struct cl_load_opts *o,
		  struct cl_load_result *res, struct cl_verify *v);
int cl_load_streamed(struct cl_ctx *ctx, const struct cl_plan *plan,
		     struct cl_tp *tp, const struct cl_load_opts *o,
		     struct cl_load_result *res, struct cl_verify *v);
/* verify.c: compare the card's [s->addr + off, +len) of plan p's segment
 * seg with want (NULL: bss, zeros), leaving out the bytes the loader
 * writes later (parameter blocks, command lines, --set in bss). Returns 0,
 * CL_E_VERIFY naming the first difference, or the transport's error. */
int cl_verify_part(struct cl_verify *v, const struct cl_plan *p,
		   unsigned seg, uint64_t off, const uint8_t *want,
		   uint64_t len);

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

/* plan.c: card ranges [a, a+n) and [c, c+m) reach the same memory: their
 * card addresses overlap, or two windows of b map the same backing bytes
 * (the same BAR, or both none) behind them. k gets the card addresses
 * around a to step over and, for an alias, the two windows (else -1). */
struct cl_clash {
	uint64_t bs, be;
	int wa, wc;
};
bool cl_clash(const struct cl_board *b, uint64_t a, uint64_t n, uint64_t c,
	      uint64_t m, struct cl_clash *k);
/* " (the same memory: ram1 and ram0 map ...)" for an alias, else "". */
const char *cl_clash_via(const struct cl_board *b, const struct cl_clash *k,
			 char *buf, size_t len);
/* plan.c: place the command line of p in free RAM, clear of p's span and
 * of busy (a boot passes every image's span). 0 when cmdline is NULL. */
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

#endif /* CL_INTERNAL_H */
