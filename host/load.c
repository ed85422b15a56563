/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load.c - run a checked plan over a transport
 *
 *   relocate (host memory) -> hold -> write -> zero bss -> verify
 *   -> parameter block and command line (written, read back)
 *   -> stage entry and arguments -> release
 *
 * Relocation patches the host copy before anything is written, so the card
 * receives each segment in one pass of large writes and never sees a
 * half-relocated word. Any failure returns before the release step: the
 * card stays held. The image itself is written and verified by
 * load_whole.c (held whole) or load_stream.c (low-memory); hold and
 * release are card.c's, and a boot that will release a card that cannot
 * run what is staged (its ROM never announced READY) writes nothing.
 */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "release.h"
#include "transport.h"

/* The parameter block's bytes inside segment s's file bytes, as [*lo, *hi)
 * relative to the segment; false if it has none there. */
bool cl_params_in_seg(const struct cl_plan *p, const struct cl_plan_seg *s,
		      uint64_t *lo, uint64_t *hi)
{
	uint64_t pa = p->params_addr, pn = sizeof(struct cardboot_params);

	if (!p->has_params || !cl_overlap(s->addr, s->filesz, pa, pn))
		return false;
	*lo = pa > s->addr ? pa - s->addr : 0;
	*hi = pa + pn - s->addr < s->filesz ? pa + pn - s->addr : s->filesz;
	return true;
}

/* Add segment i's bytes [a, b) (segment offsets), held at d, to its CRCs:
 * file_crc[i] of the file bytes, img_crc[i] of the same with the parameter
 * block's bytes as zeros. Pieces of a segment come in order. */
void cl_digest_part(const struct cl_plan *p, unsigned i, const uint8_t *d,
		    uint64_t a, uint64_t b, uint32_t *file_crc,
		    uint32_t *img_crc)
{
	uint64_t lo, hi, x, y;

	file_crc[i] = cl_crc32(file_crc[i], d, (size_t)(b - a));
	if (!cl_params_in_seg(p, &p->seg[i], &lo, &hi) || b <= lo ||
	    a >= hi) {
		img_crc[i] = cl_crc32(img_crc[i], d, (size_t)(b - a));
		return;
	}
	x = a > lo ? a : lo;	/* [x, y): the parameter block's bytes */
	y = b < hi ? b : hi;
	img_crc[i] = cl_crc32(img_crc[i], d, (size_t)(x - a));
	img_crc[i] = cl_crc32_zeros(img_crc[i], y - x);
	img_crc[i] = cl_crc32(img_crc[i], d + (y - a), (size_t)(b - y));
}

/*
 * The digests of cardboot.h from per-segment CRCs: file_crc[i] of segment
 * i's file bytes, img_crc[i] of the same with the parameter block's bytes
 * counted as zeros. A segment's digest adds its bss; the image digest
 * chains every segment's img_crc.
 */
void cl_load_digests(const struct cl_plan *p, const uint32_t *file_crc,
		     const uint32_t *img_crc, struct cl_load_result *res)
{
	unsigned i;

	res->digest = 0;
	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];

		res->seg_digest[i] = cl_crc32_zeros(file_crc[i],
						    s->memsz - s->filesz);
		res->digest = cl_crc32_join(res->digest, img_crc[i],
					    s->filesz);
	}
}

/* Write bytes to the card and read them back. */
static int write_checked(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
			 const void *buf, size_t len, const char *what)
{
	uint8_t *got = malloc(len);
	int rc;

	if (!got)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = cl_tp_write(tp, addr, buf, len);
	if (!rc)
		rc = cl_tp_flush(tp);
	if (!rc)
		rc = cl_tp_read(tp, addr, got, len);
	if (!rc && memcmp(got, buf, len))
		rc = cl_seterr(ctx, CL_E_VERIFY, "%s at 0x%" PRIx64 " reads "
			       "back differently; card left held", what, addr);
	free(got);
	return rc;
}

int cl_params_final(struct cl_ctx *ctx, const struct cl_plan *p,
		    struct cl_tp *tp, uint32_t digest, uint8_t *block)
{
	struct cl_card_status st = { 0 };
	int rc;

	/* the platform DTB, if the ROM has announced it already */
	if (p->board->release == CL_RELEASE_MAILBOX) {
		rc = cl_mailbox_read(ctx, p->board, tp, &st);
		if (rc)
			return rc;
	}
	cl_params_build(p, digest,
			st.ready == CARDBOOT_READY ? st.platform_dtb : 0,
			block);
	return 0;
}

/* The payload's boot parameters: after the image is verified, so the
 * digest in the block describes what was verified. */
static int write_params(struct cl_ctx *ctx, const struct cl_plan *p,
			struct cl_tp *tp, const struct cl_load_result *res)
{
	uint8_t block[sizeof(struct cardboot_params)];
	unsigned i;
	int rc;

	for (i = 0; i < p->nset; i++) {
		const struct cl_setsym *set = &p->set[i];

		if (set->in_file)
			continue;
		rc = write_checked(ctx, tp, set->addr, set->bytes, set->len,
				   "symbol patch");
		if (rc)
			return rc;
	}
	if (p->has_cmdline) {
		rc = write_checked(ctx, tp, p->cmdline_addr, p->cmdline,
				   (size_t)p->cmdline_size, "command line");
		if (rc)
			return rc;
	}
	if (!p->has_params)
		return 0;
	rc = cl_params_final(ctx, p, tp, res->digest, block);
	if (rc)
		return rc;
	return write_checked(ctx, tp, p->params_addr, block, sizeof(block),
			     "parameter block");
}

/* Offset in got[0..n) of its first byte that differs from want (NULL:
 * zeros), or -1. */
static int64_t first_diff(const uint8_t *got, const uint8_t *want, size_t n)
{
	size_t k = 0;

	if (want ? !memcmp(got, want, n) : cl_all_zero(got, n))
		return -1;
	while (k < n && got[k] == (want ? want[k] : 0))
		k++;
	return (int64_t)k;
}

int cl_read_compare(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
		    const uint8_t *want, uint64_t len, uint8_t *buf,
		    int64_t *bad)
{
	uint64_t off;
	int rc;

	*bad = -1;
	for (off = 0; off < len; off += CL_VERIFY_CHUNK) {
		size_t n = len - off < CL_VERIFY_CHUNK ? (size_t)(len - off) :
							  CL_VERIFY_CHUNK;
		int64_t k;

		rc = cl_interrupted(ctx) ? CL_E_INTR :
		     cl_tp_read(tp, addr + off, buf, n);
		if (rc)
			return rc;
		k = first_diff(buf, want ? want + off : NULL, n);
		if (k >= 0) {
			*bad = (int64_t)off + k;
			return 0;
		}
	}
	return 0;
}

/* The CRC of what the card holds in [addr, addr+len), for a message. */
static uint32_t card_crc(struct cl_tp *tp, uint64_t addr, uint64_t len,
			 uint8_t *buf)
{
	uint32_t crc = 0;
	uint64_t off;

	for (off = 0; off < len; off += CL_VERIFY_CHUNK) {
		size_t n = len - off > CL_VERIFY_CHUNK ? CL_VERIFY_CHUNK :
							 (size_t)(len - off);

		if (cl_tp_read(tp, addr + off, buf, n))
			break;
		crc = cl_crc32(crc, buf, n);
	}
	return crc;
}

/* Segment s reads back differently at bad (segment offset): say so, with
 * the digest expected if known (want, else NULL: a streamed load). */
int cl_verify_error(struct cl_ctx *ctx, struct cl_tp *tp,
		    const struct cl_plan_seg *s, const uint32_t *want,
		    uint64_t bad, uint8_t *buf)
{
	if (!want)
		return cl_seterr(ctx, CL_E_VERIFY, "segment %u [0x%" PRIx64
				 ", 0x%" PRIx64 "): reads back differently, "
				 "first difference at 0x%" PRIx64 "; card left "
				 "held", s->phidx, s->addr, s->addr + s->memsz,
				 s->addr + bad);
	return cl_seterr(ctx, CL_E_VERIFY, "segment %u [0x%" PRIx64 ", 0x%"
			 PRIx64 "): read-back digest 0x%08x, expected 0x%08x, "
			 "first difference at 0x%" PRIx64 "; card left held",
			 s->phidx, s->addr, s->addr + s->memsz,
			 card_crc(tp, s->addr, s->memsz, buf), *want,
			 s->addr + bad);
}

static int stage_and_release(struct cl_ctx *ctx, const struct cl_board *b,
			     uint64_t entry, const uint64_t *arg,
			     uint32_t argmask, struct cl_tp *tp,
			     const struct cl_load_opts *o,
			     struct cl_load_result *res)
{
	int rc = 0;

	if (b->release == CL_RELEASE_MAILBOX) {
		rc = cl_mailbox_stage(ctx, b, tp, entry, arg, argmask);
		if (rc) {
			cl_mailbox_unstage(b, tp);
			return rc;
		}
		res->staged = true;
	}
	if (o->no_start)
		return 0;
	rc = cl_card_release(ctx, b, tp, entry, arg, argmask);
	if (!rc)
		res->released = b->release != CL_RELEASE_NONE;
	return rc;
}

int cl_load_prepare(struct cl_ctx *ctx, struct cl_plan *plan,
		    struct cl_load_result *res)
{
	unsigned i;

	memset(res, 0, sizeof(*res));
	res->seg_digest = calloc(plan->nseg ? plan->nseg : 1, sizeof(uint32_t));
	if (!res->seg_digest)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	if (plan->img->streamed)
		return 0; /* patched and digested on the way to the card */
	cl_plan_relocate(plan, plan->img->data);
	for (i = 0; i < plan->nset; i++)
		if (plan->set[i].in_file)
			memcpy(plan->img->data + plan->set[i].src,
			       plan->set[i].bytes, plan->set[i].len);
	return 0;
}

static int load_image(struct cl_ctx *ctx, const struct cl_plan *plan,
		      struct cl_tp *tp, const struct cl_load_opts *o,
		      struct cl_load_result *res)
{
	if (plan->img->streamed)
		return cl_load_streamed(ctx, plan, tp, o, res, NULL);
	return cl_load_whole(ctx, plan, tp, o, res, NULL);
}

int cl_load_boot(struct cl_ctx *ctx, struct cl_plan *const *plans,
		 unsigned nplan, const struct cl_data *data, unsigned ndata,
		 uint64_t entry, const uint64_t *arg, uint32_t argmask,
		 struct cl_tp *tp, const struct cl_load_opts *opts,
		 struct cl_load_result *res)
{
	static const struct cl_load_opts none;
	const struct cl_load_opts *o = opts ? opts : &none;
	const struct cl_board *b = plans[0]->board;
	unsigned i;
	int rc = 0;

	for (i = 0; i < nplan && !rc; i++)
		rc = cl_load_prepare(ctx, plans[i], &res[i]);
	if (!rc && !o->no_start) /* a card that will not run: nothing written */
		rc = cl_card_may_release(ctx, b, tp);
	if (!rc)
		rc = cl_card_hold(ctx, b, tp, entry, arg);
	for (i = 0; i < nplan && !rc; i++)
		rc = load_image(ctx, plans[i], tp, o, &res[i]);
	for (i = 0; i < ndata && !rc; i++)
		rc = write_checked(ctx, tp, data[i].addr, data[i].bytes,
				   data[i].size, data[i].name);
	for (i = 0; i < nplan && !rc; i++)
		rc = write_params(ctx, plans[i], tp, &res[i]);
	if (!rc && cl_interrupted(ctx))
		rc = CL_E_INTR; /* last chance before the card may run */
	if (!rc)
		rc = stage_and_release(ctx, b, entry, arg, argmask, tp, o,
				       &res[0]);
	return rc;
}

int cl_load(struct cl_ctx *ctx, struct cl_plan *plan, struct cl_tp *tp,
	    const struct cl_load_opts *opts, struct cl_load_result *res)
{
	return cl_load_boot(ctx, &plan, 1, NULL, 0, plan->entry, plan->arg,
			    plan->argmask, tp, opts, res);
}

void cl_load_result_free(struct cl_load_result *res)
{
	if (res) {
		free(res->seg_digest);
		res->seg_digest = NULL;
	}
}
