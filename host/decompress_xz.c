/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decompress_xz.c - .xz images through liblzma
 *
 * Concatenated .xz streams and stream padding are accepted (the format
 * allows both); anything else after the last stream is refused. Whole-buffer
 * loads use liblzma's multi-threaded decoder, which decodes the blocks of a
 * multi-block file (xz -T) on both cores; a single-block file decodes on
 * one. A dictionary larger than the memory limit is refused up front, as
 * the decoder memory limit with what the stream needs (never as a cap on
 * the output).
 */
#include <inttypes.h>
#include <lzma.h>
#include <stdlib.h>
#include "decompress.h"
#include "internal.h"

/* Decoder state for the whole-buffer path: headers claiming more are
 * refused rather than allocated. */
#define XZ_WHOLE_MEMLIMIT (UINT64_C(1) << 30)

/* need: the decoder memory the stream needs (LZMA_MEMLIMIT_ERROR), or 0 */
static int xz_error(struct cl_ctx *ctx, const char *name, lzma_ret ret,
		    uint64_t limit, uint64_t need, uint64_t at)
{
	switch (ret) {
	case LZMA_MEM_ERROR:
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	case LZMA_MEMLIMIT_ERROR:
		if (need > limit)
			return cl_seterr(ctx, CL_E_TOOBIG, "'%s': decoder "
					 "memory limit: the xz stream needs %"
					 PRIu64 " bytes of decoder memory (its "
					 "dictionary), over the limit of %"
					 PRIu64 " bytes", name, need, limit);
		return cl_seterr(ctx, CL_E_TOOBIG, "'%s': decoder memory "
				 "limit: the xz stream needs more than the "
				 "limit of %" PRIu64 " bytes of decoder memory "
				 "(its dictionary)", name, limit);
	case LZMA_FORMAT_ERROR:
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': not a valid xz stream "
				 "at offset %" PRIu64 " (trailing data or a "
				 "corrupt header)", name, at);
	case LZMA_OPTIONS_ERROR:
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': unsupported xz "
				 "options", name);
	case LZMA_BUF_ERROR:
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': truncated xz stream",
				 name);
	case LZMA_DATA_ERROR:
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': xz data corrupt near "
				 "offset %" PRIu64, name, at);
	default:
		return cl_seterr(ctx, CL_E_INTERNAL, "'%s': liblzma failed "
				 "(code %d)", name, (int)ret);
	}
}

/* The multi-threaded decoder does not say what a stream over its memory
 * limit needs; a single-threaded one, stopping at the same block, does. */
static uint64_t xz_need(const uint8_t *in, size_t in_len, uint8_t *out,
			size_t out_cap, uint64_t limit)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t need = 0;

	if (lzma_stream_decoder(&s, limit, LZMA_CONCATENATED) != LZMA_OK)
		return 0;
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = out;
	s.avail_out = out_cap;
	if (lzma_code(&s, LZMA_FINISH) == LZMA_MEMLIMIT_ERROR)
		need = lzma_memusage(&s);
	lzma_end(&s);
	return need;
}

static int unxz(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_mt mt = {
		.flags = LZMA_CONCATENATED,
		.threads = 2,
		.memlimit_threading = XZ_WHOLE_MEMLIMIT,
		.memlimit_stop = XZ_WHOLE_MEMLIMIT,
	};
	uint8_t spill;
	lzma_ret ret;
	int rc = 0;

	*out_len = 0;
	ret = lzma_stream_decoder_mt(&s, &mt);
	if (ret != LZMA_OK)
		return xz_error(ctx, name, ret, XZ_WHOLE_MEMLIMIT, 0, 0);
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = out;
	s.avail_out = out_cap;
	do
		ret = lzma_code(&s, LZMA_FINISH);
	while (ret == LZMA_OK && s.avail_out);
	if (ret == LZMA_OK) {	/* the cap is full: is there more? */
		s.next_out = &spill;
		s.avail_out = 1;
		ret = lzma_code(&s, LZMA_FINISH);
		if (ret == LZMA_OK || !s.avail_out)
			rc = CL_DECOMP_FULL; /* the caller names the cap */
	}
	if (!rc && ret != LZMA_STREAM_END)
		rc = xz_error(ctx, name, ret, XZ_WHOLE_MEMLIMIT,
			      ret == LZMA_MEMLIMIT_ERROR ?
			      xz_need(in, in_len, out, out_cap,
				      XZ_WHOLE_MEMLIMIT) : 0, s.total_in);
	if (!rc)
		*out_len = (size_t)s.total_out;
	lzma_end(&s);
	return rc;
}

/* The last stream's uncompressed size, from its index. */
static uint64_t xz_size_hint(const uint8_t *in, size_t in_len)
{
	lzma_stream_flags f;
	lzma_index *idx = NULL;
	uint64_t memlimit = UINT64_C(1) << 24, n = 0;
	size_t pos = 0, at;

	if (in_len < 2 * LZMA_STREAM_HEADER_SIZE ||
	    lzma_stream_footer_decode(&f, in + in_len -
					  LZMA_STREAM_HEADER_SIZE) != LZMA_OK ||
	    f.backward_size > in_len - 2 * LZMA_STREAM_HEADER_SIZE)
		return 0;
	at = in_len - LZMA_STREAM_HEADER_SIZE - (size_t)f.backward_size;
	if (lzma_index_buffer_decode(&idx, &memlimit, NULL, in + at, &pos,
				     (size_t)f.backward_size) == LZMA_OK)
		n = lzma_index_uncompressed_size(idx);
	lzma_index_end(idx, NULL);
	return n;
}

struct xz_stream {
	struct cl_ctx *ctx;
	const char *name;
	lzma_stream s;
	uint64_t mem_limit;
};

static int xs_open(struct cl_ctx *ctx, const char *name, uint64_t mem_limit,
		   void **state)
{
	struct xz_stream *x = calloc(1, sizeof(*x));
	lzma_ret ret;

	if (!x)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	x->s = (lzma_stream)LZMA_STREAM_INIT;
	ret = lzma_stream_decoder(&x->s, mem_limit, LZMA_CONCATENATED);
	if (ret != LZMA_OK) {
		free(x);
		return xz_error(ctx, name, ret, mem_limit, 0, 0);
	}
	x->ctx = ctx;
	x->name = name;
	x->mem_limit = mem_limit;
	*state = x;
	return 0;
}

static int xs_step(void *state, const uint8_t **in, size_t *in_len,
		   bool in_end, uint8_t *out, size_t out_cap, size_t *made,
		   bool *done)
{
	struct xz_stream *x = state;
	size_t used;
	lzma_ret ret;

	x->s.next_in = *in;
	x->s.avail_in = *in_len;
	x->s.next_out = out;
	x->s.avail_out = out_cap;
	ret = lzma_code(&x->s, in_end ? LZMA_FINISH : LZMA_RUN);
	used = *in_len - x->s.avail_in;
	*in += used;
	*in_len -= used;
	*made = out_cap - x->s.avail_out;
	if (ret == LZMA_STREAM_END) {
		*done = true;
		return 0;
	}
	if (ret == LZMA_OK)
		return 0;
	return xz_error(x->ctx, x->name, ret, x->mem_limit,
			lzma_memusage(&x->s), x->s.total_in);
}

static void xs_close(void *state)
{
	struct xz_stream *x = state;

	if (x) {
		lzma_end(&x->s);
		free(x);
	}
}

static const uint8_t xz_magic[] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 };

const struct cl_decomp cl_decomp_xz = {
	.name = "xz",
	.magic = xz_magic,
	.magic_len = sizeof(xz_magic),
	.run = unxz,
	.size_hint = xz_size_hint,
	.open = xs_open,
	.step = xs_step,
	.close = xs_close,
};
