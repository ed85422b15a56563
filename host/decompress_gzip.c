/* decompress_gzip.c - inflate exactly one gzip member under an output cap
 *
 * zlib checks what the format lets it check: the header (and its CRC-16 when
 * FHCRC is set), the deflate data, and the CRC-32 and ISIZE trailer. ISIZE
 * is never used to size anything; the output is bounded by out_cap alone
 * (BAD-INPUTS 1, 2). Policy for BAD-INPUTS 4: one member and nothing after
 * it, so concatenated members and trailing bytes (even zero padding) are
 * refused with their offset.
 */
#define ZLIB_CONST
#include <zlib.h>
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

int cl_gunzip(struct cl_ctx *ctx, const char *name, const uint8_t *in,
	      size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
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
			rc = CL_E_TOOBIG;	/* the caller names the cap */
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
		rc = cl_seterr(ctx, CL_E_DECOMP, "'%s': %zu byte%s of trailing "
			       "data at offset %zu after the gzip member "
			       "(only single-member gzip files are accepted)",
			       name, in_len - in_pos,
			       in_len - in_pos == 1 ? "" : "s", in_pos);
		goto out_end;
	}
	rc = 0;
out_end:
	*out_len = out_pos;
	inflateEnd(&zs);
	return rc;
}
