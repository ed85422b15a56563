/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decompress_gzip.c - exactly one gzip member under an output cap
 *
 * Whole-buffer loads go through libdeflate (several times zlib's speed);
 * anything it does not accept at once (a corrupt or truncated stream,
 * trailing bytes, a header CRC it does not check) is decompressed again by
 * zlib, whose finer diagnostics name what is wrong, so every message below
 * comes from one place. Streaming (--low-memory) is zlib's inflate.
 *
 * zlib checks what the format lets it check: the header (and its CRC-16 when
 * FHCRC is set), the deflate data, and the CRC-32 and ISIZE trailer. ISIZE
 * is never used to size anything; the output is bounded by out_cap alone
 * (BAD-INPUTS 1, 2). Policy for BAD-INPUTS 4: one member and nothing after
 * it, so concatenated members and trailing bytes (even zero padding) are
 * refused with their offset.
 */
#define ZLIB_CONST
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <inttypes.h>
#include "decompress.h"
#include "internal.h"

/* zlib counts in uInt: hand it at most this much at a time. */
#define GZ_CHUNK ((size_t)1 << 30)

static uInt gz_chunk(size_t left)
{
	return left < GZ_CHUNK ? (uInt)left : (uInt)GZ_CHUNK;
}

static int gz_error(struct cl_ctx *ctx, const char *name, z_stream *zs,
		    const gz_header *head, int ret, size_t in_pos,
		    size_t in_len)
{
	const char *zmsg = zs->msg ? zs->msg : zError(ret);

	switch (ret) {
	case Z_BUF_ERROR:
		if (in_pos < in_len)
			return cl_seterr(ctx, CL_E_INTERNAL, "'%s': inflate "
					 "stalled at input offset %zu", name,
					 in_pos);
		if (!head->done)
			return cl_seterr(ctx, CL_E_DECOMP, "'%s': truncated "
					 "gzip stream (it ends inside the "
					 "header)", name);
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': truncated gzip "
				 "stream", name);
	case Z_DATA_ERROR:
	case Z_NEED_DICT:
		if (!head->done)
			return cl_seterr(ctx, CL_E_DECOMP, "'%s': corrupt gzip "
					 "header (%s)", name, zmsg);
		return cl_seterr(ctx, CL_E_DECOMP, "'%s': gzip data corrupt "
				 "(%s)", name, zmsg);
	case Z_MEM_ERROR:
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	default:
		return cl_seterr(ctx, CL_E_INTERNAL, "'%s': inflate failed: %s",
				 name, zmsg);
	}
}

static int trailing(struct cl_ctx *ctx, const char *name, size_t extra,
		    uint64_t at)
{
	return cl_seterr(ctx, CL_E_DECOMP, "'%s': %zu byte%s of trailing "
			 "data at offset %" PRIu64 " after the gzip member "
			 "(only single-member gzip files are accepted)", name,
			 extra, extra == 1 ? "" : "s", at);
}

static int gunzip_zlib(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		       size_t in_len, uint8_t *out, size_t out_cap,
		       size_t *out_len)
{
	z_stream zs = { 0 };
	gz_header head = { 0 };	/* name, extra, comment NULL: not kept */
	size_t in_pos = 0, out_pos = 0;
	uint8_t spill;
	int ret, rc;

	*out_len = 0;
	ret = inflateInit2(&zs, 16 + MAX_WBITS);	/* gzip wrapper only */
	if (ret != Z_OK)
		return gz_error(ctx, name, &zs, &head, ret, 0, in_len);
	/* head.done says whether an error is in the header or after it */
	ret = inflateGetHeader(&zs, &head);
	if (ret != Z_OK) {
		rc = gz_error(ctx, name, &zs, &head, ret, 0, in_len);
		goto out_end;
	}

	for (;;) {
		uInt in_n = gz_chunk(in_len - in_pos), out_n;
		size_t made;

		zs.next_in = in + in_pos;
		zs.avail_in = in_n;
		if (out_pos < out_cap) {
			out_n = gz_chunk(out_cap - out_pos);
			zs.next_out = out + out_pos;
		} else {
			/* at the cap: one more byte means the cap is exceeded */
			out_n = 1;
			zs.next_out = &spill;
		}
		zs.avail_out = out_n;

		ret = inflate(&zs, Z_NO_FLUSH);
		in_pos += in_n - zs.avail_in;
		made = out_n - zs.avail_out;
		if (made && out_pos == out_cap) {
			rc = CL_DECOMP_FULL;	/* the caller names the cap */
			goto out_end;
		}
		out_pos += made;

		if (ret == Z_STREAM_END)
			break;
		if (ret != Z_OK) {
			rc = gz_error(ctx, name, &zs, &head, ret, in_pos,
				      in_len);
			goto out_end;
		}
	}

	if (in_pos != in_len) {
		rc = trailing(ctx, name, in_len - in_pos, in_pos);
		goto out_end;
	}
	rc = 0;
out_end:
	*out_len = out_pos;
	inflateEnd(&zs);
	return rc;
}

/* FLG.FHCRC: a header CRC-16, which zlib checks and libdeflate skips. */
static bool has_header_crc(const uint8_t *in, size_t in_len)
{
	return in_len > 3 && (in[3] & 0x02);
}

static int gunzip(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		  size_t in_len, uint8_t *out, size_t out_cap,
		  size_t *out_len)
{
	struct libdeflate_decompressor *d;
	enum libdeflate_result r = LIBDEFLATE_BAD_DATA;
	size_t used = 0, made = 0;

	*out_len = 0;
	if (has_header_crc(in, in_len))
		return gunzip_zlib(ctx, name, in, in_len, out, out_cap,
				   out_len);
	d = libdeflate_alloc_decompressor();
	if (!d)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	r = libdeflate_gzip_decompress_ex(d, in, in_len, out, out_cap, &used,
					  &made);
	libdeflate_free_decompressor(d);
	if (r == LIBDEFLATE_SUCCESS && used == in_len) {
		*out_len = made;
		return 0;
	}
	if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
		return CL_DECOMP_FULL;	/* the caller names the cap */
	/* refused, or trailing bytes: zlib says precisely what is wrong */
	return gunzip_zlib(ctx, name, in, in_len, out, out_cap, out_len);
}

/* ISIZE: the output size modulo 2^32, as the trailer claims it. */
static uint64_t gzip_size_hint(const uint8_t *in, size_t in_len)
{
	const uint8_t *t = in + in_len - 4;

	if (in_len < 18)
		return 0;
	return le32_get(t);
}

struct gz_stream {
	struct cl_ctx *ctx;
	const char *name;
	z_stream zs;
	gz_header head;
	uint64_t in_total;	/* input consumed, for offsets in messages */
	bool ended;
};

static int gz_open(struct cl_ctx *ctx, const char *name, uint64_t mem_limit,
		   void **state)
{
	struct gz_stream *g = calloc(1, sizeof(*g));
	int ret;

	(void)mem_limit; /* a 32 KiB window: always within any budget */
	if (!g)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	g->ctx = ctx;
	g->name = name;
	ret = inflateInit2(&g->zs, 16 + MAX_WBITS);
	if (ret == Z_OK)
		ret = inflateGetHeader(&g->zs, &g->head);
	if (ret != Z_OK) {
		ret = gz_error(ctx, name, &g->zs, &g->head, ret, 0, 0);
		inflateEnd(&g->zs);
		free(g);
		return ret;
	}
	*state = g;
	return 0;
}

static int gz_step(void *state, const uint8_t **in, size_t *in_len,
		   bool in_end, uint8_t *out, size_t out_cap, size_t *made,
		   bool *done)
{
	struct gz_stream *g = state;
	uInt in_n = gz_chunk(*in_len), out_n = gz_chunk(out_cap);
	int ret;

	*made = 0;
	if (g->ended) {
		*done = true;
		return *in_len ? trailing(g->ctx, g->name, *in_len,
					  g->in_total) : 0;
	}
	g->zs.next_in = *in;
	g->zs.avail_in = in_n;
	g->zs.next_out = out;
	g->zs.avail_out = out_n;
	ret = inflate(&g->zs, Z_NO_FLUSH);
	*in += in_n - g->zs.avail_in;
	*in_len -= in_n - g->zs.avail_in;
	g->in_total += in_n - g->zs.avail_in;
	*made = out_n - g->zs.avail_out;
	if (ret == Z_STREAM_END) {
		g->ended = true;
		if (*in_len)
			return trailing(g->ctx, g->name, *in_len, g->in_total);
		/* input may follow this step's: the next step refuses it */
		*done = in_end;
		return 0;
	}
	if (ret == Z_OK || (ret == Z_BUF_ERROR && (*made || !in_end)))
		return 0;
	/* Z_BUF_ERROR here: no input left and none coming, so truncated */
	return gz_error(g->ctx, g->name, &g->zs, &g->head, ret, 0, *in_len);
}

static void gz_close(void *state)
{
	struct gz_stream *g = state;

	if (g) {
		inflateEnd(&g->zs);
		free(g);
	}
}

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };

const struct cl_decomp cl_decomp_gzip = {
	.name = "gzip",
	.magic = gzip_magic,
	.magic_len = sizeof(gzip_magic),
	.run = gunzip,
	.size_hint = gzip_size_hint,
	.open = gz_open,
	.step = gz_step,
	.close = gz_close,
};
