/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decompress_zstd.c - zstd images (RFC 8878) through libzstd
 *
 * One or more frames, skippable frames allowed anywhere, first included (the
 * format defines a file as their concatenation); anything after the last
 * frame is refused.
 *
 * A frame header's content size is a claim, and libzstd trusts it: it
 * sizes the output by it and, in a single-segment frame, the window, so a
 * forged one came out as "destination too small", "window too large" or
 * "corruption" and reached the user as a cap exceeded. So libzstd never
 * sees it: each frame header is gathered here and handed on rewritten,
 * without the content size and with a window descriptor chosen here, and
 * the content is counted against the claim as it is decoded. A frame that
 * holds more or less than it declares is a "frame content size mismatch"
 * naming both. Nothing else in the frame changes (blocks, dictionary id,
 * content checksum).
 *
 * Whole-buffer loads decode into the flat output (ZSTD_d_stableOutBuffer):
 * it is the history, so no window is allocated whatever a frame declares.
 * Streamed loads keep a window: the frame's own (one over the memory limit
 * is refused before anything is decoded), or for a single-segment frame,
 * whose window is its content size, that size plus one block, at most the
 * limit; such a frame is refused as needing more memory once its output
 * passes the window it got.
 */
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_getFrameHeader, stable output */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "decompress.h"
#include "internal.h"

#define FCS_UNKNOWN ZSTD_CONTENTSIZE_UNKNOWN
/* Frame_Header_Descriptor bits: those kept (Content_Checksum_flag,
 * Dictionary_ID_flag), Single_Segment_flag */
#define FHD_KEEP 0x07
#define FHD_SINGLE_SEGMENT 0x20

struct zd {
	struct cl_ctx *ctx;
	const char *name;
	ZSTD_DCtx *d;
	uint64_t window_max;	/* streamed: the largest window; 0: whole */
	uint64_t in_len;	/* whole: the input's size; 0: not known */
	uint64_t in_total;	/* input consumed: the next byte's offset */
	/* the frame in hand */
	bool in_frame;		/* its header went to libzstd, blocks follow */
	uint8_t hdr[ZSTD_FRAMEHEADERSIZE_MAX];
	size_t hdr_len;		/* header bytes gathered so far */
	uint64_t frame_at;	/* its offset in the file */
	uint64_t declared;	/* its content size claim, or FCS_UNKNOWN */
	uint64_t made;		/* its content decoded so far */
	uint64_t window;	/* the window it declares */
	uint64_t given;		/* streamed: the window it got */
};

/* whole: decode into one flat output (in_len bytes of input); else
 * stream, keeping at most mem_limit bytes of window and buffers. */
static int zd_init(struct zd *z, struct cl_ctx *ctx, const char *name,
		   bool whole, uint64_t mem_limit, uint64_t in_len)
{
	int wlog = 10;
	size_t r;

	*z = (struct zd){ .ctx = ctx, .name = name, .in_len = in_len };
	z->d = ZSTD_createDCtx();
	if (!z->d)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory decompressing "
				 "'%s'", name);
	if (whole) {
		r = ZSTD_DCtx_setParameter(z->d, ZSTD_d_stableOutBuffer, 1);
		wlog = ZSTD_WINDOWLOG_MAX;
	} else {
		while (wlog < ZSTD_WINDOWLOG_MAX &&
		       (UINT64_C(2) << wlog) <= mem_limit)
			wlog++;
		z->window_max = UINT64_C(1) << wlog;
		r = 0;
	}
	if (!ZSTD_isError(r))
		r = ZSTD_DCtx_setParameter(z->d, ZSTD_d_windowLogMax, wlog);
	if (ZSTD_isError(r)) {
		ZSTD_freeDCtx(z->d);
		return cl_seterr(ctx, CL_E_INTERNAL, "'%s': libzstd refused a "
				 "decoder parameter (%s)", name,
				 ZSTD_getErrorName(r));
	}
	return 0;
}

/* Window_Descriptor (RFC 8878 3.1.1.1.2) to its size. */
static uint64_t wd_size(uint8_t wd)
{
	uint64_t base = UINT64_C(1) << (10 + (wd >> 3));

	return base + base / 8 * (wd & 7);
}

/* The smallest descriptor of at least need bytes, or the largest of at most
 * max if need is more. */
static uint8_t wd_for(uint64_t need, uint64_t max)
{
	uint8_t wd = 0;

	while (wd_size(wd) < need && wd_size((uint8_t)(wd + 1)) <= max)
		wd++;
	return wd;
}

static int corrupt(struct zd *z, size_t err)
{
	if (ZSTD_getErrorCode(err) == ZSTD_error_memory_allocation)
		return cl_seterr(z->ctx, CL_E_NOMEM, "out of memory "
				 "decompressing '%s'", z->name);
	return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': zstd data corrupt (%s) "
			 "in the frame at offset %" PRIu64, z->name,
			 ZSTD_getErrorName(err), z->frame_at);
}

static int truncated(struct zd *z)
{
	return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': truncated zstd stream "
			 "(the frame at offset %" PRIu64 " is cut short)",
			 z->name, z->frame_at);
}

static int mismatch(struct zd *z, bool ended)
{
	return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': frame content size "
			 "mismatch: the zstd frame at offset %" PRIu64
			 " declares %" PRIu64 " bytes but holds %s%" PRIu64,
			 z->name, z->frame_at, z->declared,
			 ended ? "" : "more than ", z->made);
}

static int window_over(struct zd *z)
{
	return cl_seterr(z->ctx, CL_E_TOOBIG, "'%s': decoder memory limit: "
			 "the zstd frame at offset %" PRIu64 " needs a window "
			 "of %" PRIu64 " bytes, over the limit of %" PRIu64
			 " bytes of a low-memory load", z->name, z->frame_at,
			 z->window, z->window_max);
}

/* libzstd said err in the frame in hand. */
static int frame_error(struct zd *z, size_t err)
{
	ZSTD_ErrorCode code = ZSTD_getErrorCode(err);

	if (z->declared != FCS_UNKNOWN && z->made > z->declared)
		return mismatch(z, false);
	if (code == ZSTD_error_dstSize_tooSmall && !z->window_max)
		return CL_DECOMP_FULL;	/* the caller names the cap */
	/* the window it declares (or a single segment's content, its
	 * window) does not fit, or what it got is too small after all */
	if (code == ZSTD_error_frameParameter_windowTooLarge ||
	    (z->window_max && z->given < z->window))
		return window_over(z);
	return corrupt(z, err);
}

/* The frame in hand has produced more (its window or its claim) or ended. */
static int frame_check(struct zd *z, bool ended)
{
	if (z->declared != FCS_UNKNOWN &&
	    (z->made > z->declared || (ended && z->made != z->declared)))
		return mismatch(z, ended);
	if (z->window_max && z->given < z->window && z->made > z->given)
		return window_over(z);
	if (ended)
		z->in_frame = false;
	return 0;
}

/* What libzstd gets for the header in z->hdr (fh): len bytes at out. */
static size_t rewrite(struct zd *z, const ZSTD_frameHeader *fh, uint8_t *out)
{
	uint8_t fhd = z->hdr[4];
	bool single = fhd & FHD_SINGLE_SEGMENT;
	size_t did_len = (size_t[]){ 0, 1, 2, 4 }[fhd & 3], need;
	uint8_t wd;

	z->declared = fh->frameContentSize;
	z->window = fh->windowSize;
	if (!z->window_max)	/* the output is the history */
		wd = (ZSTD_WINDOWLOG_MAX - 10) << 3;
	else if (!single)
		wd = z->hdr[5];
	else if (cl_add_ovf(z->window, (uint64_t)ZSTD_BLOCKSIZE_MAX, &need))
		wd = wd_for(UINT64_MAX, z->window_max);
	else
		wd = wd_for(need, z->window_max);
	z->given = wd_size(wd);
	memcpy(out, z->hdr, 4);
	out[4] = fhd & FHD_KEEP;	/* no content size, not single */
	out[5] = wd;
	memcpy(out + 6, z->hdr + 5 + !single, did_len);
	return 6 + did_len;
}

static int header_error(struct zd *z, size_t err)
{
	if (ZSTD_getErrorCode(err) != ZSTD_error_prefix_unknown)
		return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': corrupt zstd "
				 "frame header at offset %" PRIu64 " (%s)",
				 z->name, z->frame_at, ZSTD_getErrorName(err));
	if (!z->frame_at)
		return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': not a zstd "
				 "stream", z->name);
	if (z->in_len)
		return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': %" PRIu64 " bytes "
				 "of trailing data at offset %" PRIu64 " after "
				 "the last zstd frame", z->name,
				 z->in_len - z->frame_at, z->frame_at);
	return cl_seterr(z->ctx, CL_E_DECOMP, "'%s': trailing data at offset %"
			 PRIu64 " after the last zstd frame", z->name,
			 z->frame_at);
}

/* Gather the next frame header from ib; once whole, hand libzstd its
 * rewritten form. Returns with z->in_frame set, or ib used up. */
static int take_header(struct zd *z, ZSTD_inBuffer *ib, ZSTD_outBuffer *ob)
{
	uint8_t fixed[ZSTD_FRAMEHEADERSIZE_MAX];
	ZSTD_inBuffer h = { fixed, 0, 0 };
	ZSTD_frameHeader fh;
	size_t need, n, r;

	if (!z->hdr_len)
		z->frame_at = z->in_total;
	while ((need = ZSTD_getFrameHeader(&fh, z->hdr, z->hdr_len))) {
		if (ZSTD_isError(need))
			return header_error(z, need);
		if (need > sizeof(z->hdr))
			return cl_seterr(z->ctx, CL_E_INTERNAL, "'%s': a zstd "
					 "frame header of %zu bytes", z->name,
					 need);
		if (ib->pos == ib->size)
			return 0;
		n = need - z->hdr_len;
		if (n > ib->size - ib->pos)
			n = ib->size - ib->pos;
		memcpy(z->hdr + z->hdr_len, (const uint8_t *)ib->src + ib->pos,
		       n);
		z->hdr_len += n;
		ib->pos += n;
		z->in_total += n;
	}
	z->declared = FCS_UNKNOWN;
	z->window = z->given = 0;
	if (fh.frameType == ZSTD_skippableFrame) {
		memcpy(fixed, z->hdr, z->hdr_len);
		h.size = z->hdr_len;
	} else {
		h.size = rewrite(z, &fh, fixed);
	}
	z->hdr_len = 0;
	z->made = 0;
	z->in_frame = true;
	r = ZSTD_decompressStream(z->d, ob, &h);
	if (ZSTD_isError(r))
		return frame_error(z, r);
	if (h.pos != h.size)
		return cl_seterr(z->ctx, CL_E_INTERNAL, "'%s': libzstd left "
				 "%zu bytes of a frame header", z->name,
				 h.size - h.pos);
	return r ? 0 : frame_check(z, true);
}

static int take_body(struct zd *z, ZSTD_inBuffer *ib, ZSTD_outBuffer *ob)
{
	size_t ipos = ib->pos, opos = ob->pos;
	size_t r = ZSTD_decompressStream(z->d, ob, ib);

	z->in_total += ib->pos - ipos;
	z->made += ob->pos - opos;
	if (ZSTD_isError(r))
		return frame_error(z, r);
	return frame_check(z, r == 0);
}

/* Decode from ib into ob until one of them is used up (or stuck). */
static int zd_run(struct zd *z, ZSTD_inBuffer *ib, ZSTD_outBuffer *ob)
{
	for (;;) {
		size_t ipos = ib->pos, opos = ob->pos;
		bool was = z->in_frame;
		int rc = was ? take_body(z, ib, ob) : take_header(z, ib, ob);

		if (rc)
			return rc;
		if (ib->pos == ipos && ob->pos == opos && z->in_frame == was)
			return 0;
	}
}

static bool zd_pending(const struct zd *z)
{
	return z->in_frame || z->hdr_len;
}

static int unzstd(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		  size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	ZSTD_inBuffer ib = { in, in_len, 0 };
	ZSTD_outBuffer ob = { out, out_cap, 0 };
	struct zd z;
	int rc;

	*out_len = 0;
	rc = zd_init(&z, ctx, name, true, 0, in_len);
	if (rc)
		return rc;
	rc = zd_run(&z, &ib, &ob);
	if (!rc && ib.pos < ib.size)	/* stuck: only a full output does it */
		rc = ob.pos == ob.size ? CL_DECOMP_FULL :
		     cl_seterr(ctx, CL_E_INTERNAL, "'%s': the zstd decoder "
			       "makes no progress at input offset %zu", name,
			       ib.pos);
	if (!rc && zd_pending(&z))
		rc = truncated(&z);
	if (!rc)
		*out_len = ob.pos;
	ZSTD_freeDCtx(z.d);
	return rc;
}

static uint64_t zstd_size_hint(const uint8_t *in, size_t in_len)
{
	/* the first frame's (zstd writes one frame per file by default),
	 * past any skippable frames */
	ZSTD_frameHeader fh;
	size_t pos = 0, n;

	while (pos < in_len && !ZSTD_getFrameHeader(&fh, in + pos,
						    in_len - pos)) {
		if (fh.frameType != ZSTD_skippableFrame)
			return fh.frameContentSize == FCS_UNKNOWN ? 0 :
			       (uint64_t)fh.frameContentSize;
		n = ZSTD_findFrameCompressedSize(in + pos, in_len - pos);
		if (ZSTD_isError(n))
			break;
		pos += n;
	}
	return 0;
}

static int zs_open(struct cl_ctx *ctx, const char *name, uint64_t mem_limit,
		   void **state)
{
	struct zd *z = malloc(sizeof(*z));
	int rc;

	if (!z)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = zd_init(z, ctx, name, false, mem_limit, 0);
	if (rc) {
		free(z);
		return rc;
	}
	*state = z;
	return 0;
}

static int zs_step(void *state, const uint8_t **in, size_t *in_len,
		   bool in_end, uint8_t *out, size_t out_cap, size_t *made,
		   bool *done)
{
	struct zd *z = state;
	ZSTD_inBuffer ib = { *in, *in_len, 0 };
	ZSTD_outBuffer ob = { out, out_cap, 0 };
	int rc = zd_run(z, &ib, &ob);

	*in += ib.pos;
	*in_len -= ib.pos;
	*made = ob.pos;
	if (rc || *in_len || !in_end)
		return rc;
	if (!zd_pending(z))
		*done = true;
	else if (!ob.pos && !ib.pos)
		return truncated(z);
	return 0;
}

static void zs_close(void *state)
{
	struct zd *z = state;

	if (z) {
		ZSTD_freeDCtx(z->d);
		free(z);
	}
}

/* A skippable frame first (magic 0x184D2A50..5F): a zstd file too. */
static bool zstd_sniff(const uint8_t *data, size_t len)
{
	return len >= 4 && (data[0] & 0xf0) == 0x50 && data[1] == 0x2a &&
	       data[2] == 0x4d && data[3] == 0x18;
}

static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

const struct cl_decomp cl_decomp_zstd = {
	.name = "zstd",
	.magic = zstd_magic,
	.magic_len = sizeof(zstd_magic),
	.sniff = zstd_sniff,
	.run = unzstd,
	.size_hint = zstd_size_hint,
	.open = zs_open,
	.step = zs_step,
	.close = zs_close,
};
