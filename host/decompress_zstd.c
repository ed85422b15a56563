/* decompress_zstd.c - zstd images (RFC 8878) through libzstd
 *
 * One or more frames, skippable frames allowed (the format defines a file as
 * their concatenation); anything after the last frame is refused. The
 * whole-buffer decoder needs no window of its own (the output is the
 * history); the streaming one keeps the frame's window, so a frame whose
 * window exceeds the memory limit is refused before anything is decoded.
 * Content sizes in frame headers are hints only: the caps bound the output.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "decompress.h"
#include "internal.h"

/* Name what is wrong with in[0, in_len) after the decoder said err. */
static int zstd_error(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		      size_t in_len, size_t err)
{
	ZSTD_ErrorCode code = ZSTD_getErrorCode(err);
	size_t pos = 0;

	if (code == ZSTD_error_memory_allocation)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	/* walk the frames to tell truncation and trailing bytes apart */
	while (in && pos < in_len) {
		size_t n = ZSTD_findFrameCompressedSize(in + pos, in_len - pos);

		if (!ZSTD_isError(n)) {
			pos += n;
			continue;
		}
		if (ZSTD_getErrorCode(n) == ZSTD_error_prefix_unknown && pos)
			return cl_seterr(ctx, CL_E_DECOMP, "'%s': %zu bytes of "
					 "trailing data at offset %zu after the "
					 "last zstd frame", name, in_len - pos,
					 pos);
		if (ZSTD_getErrorCode(n) == ZSTD_error_srcSize_wrong)
			return cl_seterr(ctx, CL_E_DECOMP, "'%s': truncated zstd"
					 " stream (the frame at offset %zu is "
					 "cut short)", name, pos);
		break;
	}
	return cl_seterr(ctx, CL_E_DECOMP, "'%s': zstd data corrupt (%s)",
			 name, ZSTD_getErrorName(err));
}

static int unzstd(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		  size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	size_t r;

	*out_len = 0;
	if (!d)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	r = ZSTD_decompressDCtx(d, out, out_cap, in, in_len);
	ZSTD_freeDCtx(d);
	if (!ZSTD_isError(r)) {
		*out_len = r;
		return 0;
	}
	if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
		return CL_E_TOOBIG;	/* the caller names the cap */
	return zstd_error(ctx, name, in, in_len, r);
}

static uint64_t zstd_size_hint(const uint8_t *in, size_t in_len)
{
	/* the first frame's (zstd writes one frame per file by default) */
	unsigned long long n = ZSTD_getFrameContentSize(in, in_len);

	return n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ?
		       0 : (uint64_t)n;
}

struct zs_stream {
	struct cl_ctx *ctx;
	const char *name;
	ZSTD_DCtx *d;
	uint64_t mem_limit;
	uint64_t in_total;
	bool in_frame;		/* a frame is begun and not yet flushed */
};

static int zs_open(struct cl_ctx *ctx, const char *name, uint64_t mem_limit,
		   void **state)
{
	struct zs_stream *z = calloc(1, sizeof(*z));
	int wlog = 10;

	if (!z || !(z->d = ZSTD_createDCtx())) {
		free(z);
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	}
	while (wlog < 31 && (UINT64_C(2) << wlog) <= mem_limit)
		wlog++;
	ZSTD_DCtx_setParameter(z->d, ZSTD_d_windowLogMax, wlog);
	z->ctx = ctx;
	z->name = name;
	z->mem_limit = mem_limit;
	*state = z;
	return 0;
}

static int zs_step(void *state, const uint8_t **in, size_t *in_len,
		   bool in_end, uint8_t *out, size_t out_cap, size_t *made,
		   bool *done)
{
	struct zs_stream *z = state;
	ZSTD_inBuffer ib = { *in, *in_len, 0 };
	ZSTD_outBuffer ob = { out, out_cap, 0 };
	size_t r = ZSTD_decompressStream(z->d, &ob, &ib);

	*in += ib.pos;
	*in_len -= ib.pos;
	z->in_total += ib.pos;
	*made = ob.pos;
	if (ZSTD_isError(r)) {
		switch (ZSTD_getErrorCode(r)) {
		case ZSTD_error_frameParameter_windowTooLarge:
			return cl_seterr(z->ctx, CL_E_TOOBIG, "'%s': the zstd "
					 "frame's window needs more than %" PRIu64
					 " bytes, over the low-memory budget",
					 z->name, z->mem_limit);
		case ZSTD_error_prefix_unknown:
			if (z->in_total)
				return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': "
						 "trailing data at offset %"
						 PRIu64 " after the last zstd "
						 "frame", z->name,
						 z->in_total);
			break;
		default:
			break;
		}
		return zstd_error(z->ctx, z->name, NULL, 0, r);
	}
	z->in_frame = r != 0;
	if (!*in_len && in_end) {
		if (!z->in_frame)
			*done = true;
		else if (!ob.pos && !ib.pos)
			return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': truncated "
					 "zstd stream", z->name);
	}
	return 0;
}

static void zs_close(void *state)
{
	struct zs_stream *z = state;

	if (z) {
		ZSTD_freeDCtx(z->d);
		free(z);
	}
}

static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

const struct cl_decomp cl_decomp_zstd = {
	.name = "zstd",
	.magic = zstd_magic,
	.magic_len = sizeof(zstd_magic),
	.run = unzstd,
	.size_hint = zstd_size_hint,
	.open = zs_open,
	.step = zs_step,
	.close = zs_close,
};
