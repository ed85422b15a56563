/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.c - how large an image may be, and the message when it is larger
 *
 * The size cap (--max-size, else a hard 4 GiB) holds for every image; a
 * compressed one is also held to --max-ratio times its file size, so a
 * small bomb is stopped early. image.c (whole images) and image_stream.c
 * (low-memory) both ask here.
 */
#include <inttypes.h>
#include "internal.h"

/* With no size cap (max_size 0) an image is still at most this large. */
#define IMG_HARD_MAX (UINT64_C(4) << 30)

static uint64_t size_cap(const struct cl_image_opts *opts)
{
	return opts->max_size ? opts->max_size : IMG_HARD_MAX;
}

static unsigned ratio_of(const struct cl_image_opts *opts)
{
	return opts->max_ratio ? opts->max_ratio : CL_DEFAULT_MAX_RATIO;
}

uint64_t cl_image_cap(const struct cl_image_opts *opts, uint64_t in_size,
		      bool compressed)
{
	uint64_t ratio_cap, cap = size_cap(opts);

	if (!compressed)
		return cap;
	if (cl_mul_ovf(in_size, (uint64_t)ratio_of(opts), &ratio_cap))
		ratio_cap = UINT64_MAX;
	return ratio_cap < cap ? ratio_cap : cap;
}

int cl_image_cap_error(struct cl_ctx *ctx, const char *name,
		       const struct cl_image_opts *opts, uint64_t in_size,
		       bool compressed)
{
	const char *verb = compressed ? "decompresses to" : "is";

	if (compressed && cl_image_cap(opts, in_size, true) < size_cap(opts))
		return cl_seterr(ctx, CL_E_TOOBIG, "'%s' expands more than %u "
				 "times (ratio cap); use --max-ratio", name,
				 ratio_of(opts));
	if (!opts->max_size)
		return cl_seterr(ctx, CL_E_TOOBIG, "'%s' %s more than %" PRIu64
				 " bytes (the limit without a size cap); use "
				 "--max-size", name, verb, IMG_HARD_MAX);
	return cl_seterr(ctx, CL_E_TOOBIG, "'%s' %s more than %" PRIu64
			 " bytes (size cap); use --max-size", name, verb,
			 opts->max_size);
}
