/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - what a transport backend needs from the library, and no more
 *
 * Errors and logging on the (opaque) context, checked arithmetic, small
 * range and number helpers, byte order. transports/ includes this and
 * transport.h, never internal.h (the loader's own internals); the library
 * gets it through internal.h.
 */
#ifndef CL_UTIL_H
#define CL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "byteorder.h"
#include "cardload.h"

/* Record err with a formatted message naming the culprit; returns err. */
int cl_seterr(struct cl_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cl_log(struct cl_ctx *ctx, enum cl_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True (with the error set) once cl_interrupt() has been called. */
int cl_interrupted(struct cl_ctx *ctx);

/* Checked arithmetic: true when the result overflowed. */
#define cl_add_ovf(a, b, r) __builtin_add_overflow((a), (b), (r))
#define cl_mul_ovf(a, b, r) __builtin_mul_overflow((a), (b), (r))

/* [a, a+as) and [b, b+bs) overlap; an end past 2^64 is clamped there
 * (ranges.c's rule), so no sum can wrap. */
static inline int cl_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && (a < b ? b - a < as : a - b < bs);
}

/* The end of [a, a+n), clamped at the top of the address space. */
static inline uint64_t cl_range_end(uint64_t a, uint64_t n)
{
	return a + n < a ? UINT64_MAX : a + n;
}

/* p[0, n) holds only zero bytes. */
static inline bool cl_all_zero(const uint8_t *p, size_t n)
{
	return !n || (!p[0] && !memcmp(p, p + 1, n - 1));
}

static inline int cl_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* What cl_parse_num (cardload.h) returns. */
enum { CL_NUM_OK = 0, CL_NUM_BAD = -1, CL_NUM_BIG = -2 };

#endif /* CL_UTIL_H */
