/* load.c - run a checked plan over a transport
 *
 *   relocate (host memory) -> hold -> write -> zero bss -> verify
 *   -> parameter block and command line (written, read back)
 *   -> stage entry and arguments -> release
 *
 * Relocation patches the host copy before anything is written, so the card
 * receives each segment in one pass of large writes and never sees a
 * half-relocated word. Any failure returns before the release step: the
 * card stays held.
 */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "release.h"
#include "transport.h"

#define WRITE_CHUNK (8u << 20)  /* progress granularity */
#define VERIFY_CHUNK (1u << 20) /* read-back buffer */

static int hold(struct cl_ctx *ctx, const struct cl_board *b,
		struct cl_tp *tp, uint64_t entry, const uint64_t *arg)
{
	int rc = cl_tp_hold(tp);

	if (!rc && b->nhold)
		rc = cl_regseq_run(ctx, tp, b->hold, b->nhold, entry, arg);
	if (!rc && b->release == CL_RELEASE_MAILBOX)
		rc = cl_mailbox_hold(ctx, b, tp);
	if (!rc && b->has_console)
		rc = cl_console_init(ctx, b, tp);
	return rc;
}

static int write_segments(struct cl_ctx *ctx, const struct cl_plan *p,
			  struct cl_tp *tp, struct cl_load_result *res)
{
	const uint8_t *data = p->img->data;
	uint64_t total = p->load_bytes + p->zero_bytes, done = 0;
	unsigned i;
	int rc;

	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];
		uint64_t off, zaddr, zlen, zdone;

		for (off = 0; off < s->filesz; off += WRITE_CHUNK) {
			uint64_t n = s->filesz - off;

			if (n > WRITE_CHUNK)
				n = WRITE_CHUNK;
			if (cl_interrupted(ctx))
				return CL_E_INTR;
			rc = cl_tp_write(tp, s->addr + off, data + s->src + off,
					 (size_t)n);
			if (rc)
				return rc;
			done += n;
			res->bytes_written += n;
			cl_progress(ctx, "write", done, total);
		}
		zaddr = s->addr + s->filesz;
		zlen = s->memsz - s->filesz;
		rc = cl_tp_zero(tp, zaddr, zlen, &zdone);
		if (rc)
			return rc;
		res->bytes_zeroed += zdone;
		done += zlen;
		cl_progress(ctx, "write", done, total);
	}
	return cl_tp_flush(tp);
}

/* CRC of segment i as it should lie in card RAM, file bytes and bss. */
static uint32_t seg_digest(const struct cl_plan *p, unsigned i)
{
	const struct cl_plan_seg *s = &p->seg[i];
	uint32_t crc = cl_crc32(0, p->img->data + s->src, (size_t)s->filesz);

	return cl_crc32_zeros(crc, s->memsz - s->filesz);
}

/* The image digest of cardboot.h: file-backed bytes of every segment,
 * chained, with the parameter block's bytes counted as zeros. */
static uint32_t image_digest(const struct cl_plan *p)
{
	uint64_t pa = p->params_addr, pn = sizeof(struct cardboot_params);
	uint32_t crc = 0;
	unsigned i;

	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];
		const uint8_t *d = p->img->data + s->src;
		uint64_t lo, hi;

		if (!p->has_params ||
		    !cl_overlap(s->addr, s->filesz, pa, pn)) {
			crc = cl_crc32(crc, d, (size_t)s->filesz);
			continue;
		}
		lo = pa > s->addr ? pa - s->addr : 0;
		hi = pa + pn - s->addr < s->filesz ? pa + pn - s->addr :
						     s->filesz;
		crc = cl_crc32(crc, d, (size_t)lo);
		crc = cl_crc32_zeros(crc, hi - lo);
		crc = cl_crc32(crc, d + hi, (size_t)(s->filesz - hi));
	}
	return crc;
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

/* The payload's boot parameters: after the image is verified, so the
 * digest in the block describes what was verified. */
static int write_params(struct cl_ctx *ctx, const struct cl_plan *p,
			struct cl_tp *tp, const struct cl_load_result *res)
{
	uint8_t block[sizeof(struct cardboot_params)];
	struct cl_card_status st = { 0 };
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
	/* the platform DTB, if the ROM has announced it already */
	if (p->board->release == CL_RELEASE_MAILBOX) {
		rc = cl_mailbox_read(ctx, p->board, tp, &st);
		if (rc)
			return rc;
	}
	cl_params_build(p, res->digest,
			st.ready == CARDBOOT_READY ? st.platform_dtb : 0,
			block);
	return write_checked(ctx, tp, p->params_addr, block, sizeof(block),
			     "parameter block");
}

/* Offset of the first byte of got[0..n) (segment offset off) that differs
 * from what the plan wrote there, or -1. */
static int64_t chunk_diff(const struct cl_plan *p, const struct cl_plan_seg *s,
			  uint64_t off, const uint8_t *got, size_t n)
{
	size_t k = 0, nfile = 0;

	if (off < s->filesz) {
		nfile = s->filesz - off < n ? (size_t)(s->filesz - off) : n;
		if (memcmp(got, p->img->data + s->src + off, nfile))
			while (got[k] == p->img->data[s->src + off + k])
				k++;
		else
			k = nfile;
		if (k < nfile)
			return (int64_t)(off + k);
	}
	for (k = nfile; k < n; k++)
		if (got[k])
			return (int64_t)(off + k);
	return -1;
}

static int verify(struct cl_ctx *ctx, const struct cl_plan *p,
		  struct cl_tp *tp, struct cl_load_result *res)
{
	uint8_t *buf = malloc(VERIFY_CHUNK);
	uint64_t total = p->load_bytes + p->zero_bytes, done = 0;
	unsigned i;
	int rc = 0;

	if (!buf)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	for (i = 0; i < p->nseg && !rc; i++) {
		const struct cl_plan_seg *s = &p->seg[i];
		int64_t bad = -1;
		uint32_t got = 0;
		uint64_t off;

		for (off = 0; off < s->memsz; off += VERIFY_CHUNK) {
			size_t n = s->memsz - off > VERIFY_CHUNK ?
					   VERIFY_CHUNK : (size_t)(s->memsz - off);

			rc = cl_interrupted(ctx) ? CL_E_INTR :
			     cl_tp_read(tp, s->addr + off, buf, n);
			if (rc)
				break;
			got = cl_crc32(got, buf, n);
			if (bad < 0)
				bad = chunk_diff(p, s, off, buf, n);
			done += n;
			cl_progress(ctx, "verify", done, total);
		}
		if (!rc && (got != res->seg_digest[i] || bad >= 0))
			rc = cl_seterr(ctx, CL_E_VERIFY,
				       "segment %u [0x%" PRIx64 ", 0x%" PRIx64
				       "): read-back digest 0x%08x, expected "
				       "0x%08x, first difference at 0x%" PRIx64
				       "; card left held", s->phidx, s->addr,
				       s->addr + s->memsz, got,
				       res->seg_digest[i],
				       s->addr + (uint64_t)(bad < 0 ? 0 : bad));
	}
	free(buf);
	if (!rc)
		res->verified = true;
	return rc;
}

/* Let the CPU go: register steps, the transport's own step (QMP cont), and
 * for mailbox boards GO written last — so any failure before it leaves a
 * ROM spinning on the mailbox, never a half-released card. */
static int start_card(struct cl_ctx *ctx, const struct cl_board *b,
		      struct cl_tp *tp, uint64_t entry, const uint64_t *arg,
		      uint32_t argmask)
{
	int rc = 0;

	if (b->nstart)
		rc = cl_regseq_run(ctx, tp, b->start, b->nstart, entry, arg);
	if (!rc)
		rc = cl_tp_release(tp, entry, arg, argmask);
	if (!rc && b->release == CL_RELEASE_MAILBOX)
		rc = cl_mailbox_go(ctx, b, tp); /* unstages itself on error */
	else if (rc && b->release == CL_RELEASE_MAILBOX)
		cl_mailbox_unstage(b, tp);
	return rc;
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
	rc = start_card(ctx, b, tp, entry, arg, argmask);
	if (!rc)
		res->released = b->release != CL_RELEASE_NONE;
	return rc;
}

/* Host-side work before the card is touched: relocation, symbol patches
 * in file bytes, digests. */
static int prepare(struct cl_ctx *ctx, struct cl_plan *plan,
		   struct cl_load_result *res)
{
	unsigned i;

	memset(res, 0, sizeof(*res));
	res->seg_digest = calloc(plan->nseg ? plan->nseg : 1, sizeof(uint32_t));
	if (!res->seg_digest)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	cl_plan_relocate(plan, plan->img->data);
	for (i = 0; i < plan->nset; i++)
		if (plan->set[i].in_file)
			memcpy(plan->img->data + plan->set[i].src,
			       plan->set[i].bytes, plan->set[i].len);
	for (i = 0; i < plan->nseg; i++)
		res->seg_digest[i] = seg_digest(plan, i);
	res->digest = image_digest(plan);
	return 0;
}

static int load_image(struct cl_ctx *ctx, const struct cl_plan *plan,
		      struct cl_tp *tp, const struct cl_load_opts *o,
		      struct cl_load_result *res)
{
	double t0 = cl_now_ms();
	int rc = write_segments(ctx, plan, tp, res);

	res->ms_write = cl_now_ms() - t0;
	if (rc || o->no_verify)
		return rc;
	t0 = cl_now_ms();
	rc = verify(ctx, plan, tp, res);
	res->ms_verify = cl_now_ms() - t0;
	return rc;
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
		rc = prepare(ctx, plans[i], &res[i]);
	if (!rc)
		rc = hold(ctx, b, tp, entry, arg);
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

int cl_start(struct cl_ctx *ctx, const struct cl_board *board,
	     struct cl_tp *tp)
{
	struct cl_card_status st;
	int rc;

	if (board->release != CL_RELEASE_MAILBOX)
		return cl_seterr(ctx, CL_E_USAGE, "board '%s' has no release "
				 "method to start a staged image", board->name);
	rc = cl_mailbox_read(ctx, board, tp, &st);
	if (rc)
		return rc;
	if (st.staged != CARDBOOT_STAGED)
		return cl_seterr(ctx, CL_E_STATE, "no image is staged in the "
				 "mailbox at 0x%" PRIx64 " of board '%s'; run "
				 "'cardload load' first", board->mailbox,
				 board->name);
	return start_card(ctx, board, tp, st.entry, st.arg, st.argmask);
}

int cl_status(struct cl_ctx *ctx, const struct cl_board *board,
	      struct cl_tp *tp, struct cl_card_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!board->has_mailbox)
		return 0;
	return cl_mailbox_read(ctx, board, tp, st);
}
