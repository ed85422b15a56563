/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load.h - the parts of the load pipeline (not installed)
 *
 * One pipeline for every image, in this order of data:
 *
 *   source.c      the image's bytes as chunks in file order: a whole image
 *                 is one pass over its buffer; a low-memory image is one
 *                 more pass of its stream, checked to repeat the bytes the
 *                 opening passes saw
 *   patch.c       relocations, then --set bytes, applied to a chunk
 *   load_image.c  the one writer/checker loop: a chunk's segment bytes
 *                 written (or, for cl_boot_verify, compared), bss zeroed,
 *                 digests carried along, progress, read-back behind the
 *                 writer in a second thread where the transport allows
 *   load.c        a boot: every image, the data, the parameter blocks,
 *                 then stage and release (card.c)
 *
 * and two leaves nothing calls back from: readback.c (write-and-verify,
 * read back and compare, verify errors) and digest.c (CRC-32, the
 * cardboot.h digests of segments).
 */
#ifndef CL_LOAD_H
#define CL_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cardload.h"

struct cl_tp;

#define CL_VERIFY_CHUNK ((size_t)1 << 20) /* read-back buffer */

/* ---- source.c ----------------------------------------------------------- */

struct cl_src;
/* Chunks of img in file order, each at most CL_SRC_CHUNK bytes and
 * writable until the next call. verb names the work in the message when a
 * streamed image no longer gives the bytes it gave when it was opened
 * ("loaded; card left held"). */
#define CL_SRC_CHUNK ((size_t)2 << 20)
int cl_src_open(struct cl_ctx *ctx, const struct cl_image *img,
		const char *verb, struct cl_src **out);
/* The next chunk, at image offset *pos; *n == 0 at the end. */
int cl_src_next(struct cl_src *s, uint64_t *pos, uint8_t **chunk, size_t *n);
/* Chunks stay valid, unchanged, until cl_src_close (a whole image). */
bool cl_src_stable(const struct cl_src *s);
void cl_src_close(struct cl_src *s);

/* ---- patch.c ------------------------------------------------------------ */

struct cl_patcher;
int cl_patcher_new(struct cl_ctx *ctx, const struct cl_plan *p,
		   struct cl_patcher **out);
/* Apply p's relocations, then its --set bytes in the file, to chunk
 * [pos, pos+n) of the image. Chunks come in increasing order. */
void cl_patch_chunk(struct cl_patcher *pt, uint8_t *chunk, uint64_t pos,
		    size_t n);
void cl_patcher_free(struct cl_patcher *pt);

/* ---- readback.c --------------------------------------------------------- */

/* Read card [addr, addr+len) back through buf (CL_VERIFY_CHUNK bytes) and
 * compare it with want (NULL: zeros); *bad is the offset of the first
 * difference, or -1. Errors: the transport's, or CL_E_INTR. */
int cl_read_compare(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
		    const uint8_t *want, uint64_t len, uint8_t *buf,
		    int64_t *bad);

/* How cl_put writes and checks. */
struct cl_put {
	const char *what;   /* names the bytes in the message of a difference
			     * ("WHAT at 0xADDR reads back differently; card
			     * left held"); NULL: no message, the caller says */
	bool image;         /* cl_tp_write_image: zero grains over holes out */
	bool no_verify;     /* write only; the caller flushes */
	uint8_t *buf;       /* read-back: min(len, CL_VERIFY_CHUNK) bytes at
			     * least, or NULL; holds what was read last */
	uint64_t kept;      /* out: bytes already in place, not written */
	int64_t bad;        /* out: offset of the first difference, or -1 */
};
/* The one write-and-verify path: write bytes[0, len) at card addr (bytes
 * NULL: make it zero with cl_tp_zero, o->kept counting the bytes known
 * zero already), flush, read it back and compare. Returns 0, the
 * transport's error, CL_E_INTR, or CL_E_VERIFY (o->bad set). */
int cl_put(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
	   const void *bytes, size_t len, struct cl_put *o);

/* Segment s reads back differently at bad (segment offset): say so, with
 * the digest expected if known (want, else NULL: a streamed load). */
int cl_verify_error(struct cl_ctx *ctx, struct cl_tp *tp,
		    const struct cl_plan_seg *s, const uint32_t *want,
		    uint64_t bad, uint8_t *buf);

/* ---- digest.c ----------------------------------------------------------- */

/* Add segment i's bytes [a, b) (segment offsets), held at d, to its CRCs:
 * file_crc[i] of the file bytes, img_crc[i] of the same with the parameter
 * block's bytes as zeros. Pieces of a segment come in order. */
void cl_digest_part(const struct cl_plan *p, unsigned i, const uint8_t *d,
		    uint64_t a, uint64_t b, uint32_t *file_crc,
		    uint32_t *img_crc);
/* The digests of cardboot.h from the per-segment CRCs. */
void cl_load_digests(const struct cl_plan *p, const uint32_t *file_crc,
		     const uint32_t *img_crc, struct cl_load_result *res);

/* ---- load_image.c, load.c ----------------------------------------------- */

/* res zeroed, its seg_digest allocated. */
int cl_load_result_init(struct cl_ctx *ctx, const struct cl_plan *plan,
			struct cl_load_result *res);
/* Compare only (cl_boot_verify): instead of being written, each piece of
 * segment seg of plan p — file bytes at want, relocated and patched, or
 * bss (want NULL) — goes here; [off, off+len) in segment offsets. */
struct cl_compare {
	int (*part)(void *arg, const struct cl_plan *p, unsigned seg,
		    uint64_t off, const uint8_t *want, uint64_t len);
	void *arg;
};
/* Write, verify and digest one image; with cmp, compare only: nothing is
 * written or flushed, the digests are computed as for a load. */
int cl_load_image(struct cl_ctx *ctx, const struct cl_plan *plan,
		  struct cl_tp *tp, const struct cl_load_opts *o,
		  struct cl_load_result *res, const struct cl_compare *cmp);
/* The parameter block of plan p as the loader writes it (block holds
 * sizeof(struct cardboot_params)): digest of the image, the platform DTB
 * if the ROM has announced it (read from the mailbox). */
int cl_params_final(struct cl_ctx *ctx, const struct cl_plan *p,
		    struct cl_tp *tp, uint32_t digest, uint8_t *block);

#endif /* CL_LOAD_H */
