/* SPDX-License-Identifier: GPL-2.0-or-later */
/* transport.c - the one bounds-checked path from the library to card
 * memory, and a backend's view of its -O options (opening a transport,
 * the backend table and checking options: open.c) */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "transport.h"

/* The check every access passes: one window holds all of the range. */
static int span(struct cl_tp *tp, const char *what, uint64_t addr,
		uint64_t len, unsigned *win, uint64_t *off)
{
	int w = cl_window_find(tp->board, addr, len, off);

	if (w < 0)
		return cl_seterr(tp->ctx, CL_E_INTERNAL,
				 "refused %s of 0x%" PRIx64 " bytes at 0x%" PRIx64
				 ": not inside one window of board '%s'",
				 what, len, addr, tp->board->name);
	*win = (unsigned)w;
	return 0;
}

/* Writes are idempotent (the same bytes to the same place), so an I/O
 * error is retried a bounded number of times; nothing else is. */
#define WRITE_TRIES 3

int cl_tp_write(struct cl_tp *tp, uint64_t addr, const void *buf, size_t len)
{
	uint64_t off;
	unsigned w = 0, t;
	int rc = span(tp, "write", addr, len, &w, &off);

	if (rc || !len)
		return rc;
	tp->writes++;
	for (t = 1;; t++) {
		rc = tp->ops->write(tp, w, off, buf, len);
		if (rc != CL_E_IO || t == WRITE_TRIES ||
		    cl_interrupted(tp->ctx))
			return rc;
		cl_log(tp->ctx, CL_LOG_WARN, "write of 0x%zx bytes at 0x%"
		       PRIx64 " failed (%s); retrying", len, addr,
		       cl_errmsg(tp->ctx));
	}
}

int cl_tp_read(struct cl_tp *tp, uint64_t addr, void *buf, size_t len)
{
	uint64_t off;
	unsigned w = 0;
	int rc = span(tp, "read", addr, len, &w, &off);

	if (rc || !len)
		return rc;
	return tp->ops->read(tp, w, off, buf, len);
}

int cl_tp_fill(struct cl_tp *tp, uint64_t addr, int byte, uint64_t len)
{
	static const uint8_t zeros[64 << 10];
	uint8_t pat[sizeof(zeros)];
	const uint8_t *src = zeros;
	uint64_t off, done;
	unsigned w = 0;
	int rc = span(tp, "fill", addr, len, &w, &off);

	if (rc || !len)
		return rc;
	if (tp->ops->fill) {
		unsigned t;

		for (t = 1;; t++) {
			rc = tp->ops->fill(tp, w, off, byte, len);
			if (rc != CL_E_IO || t == WRITE_TRIES ||
			    cl_interrupted(tp->ctx))
				return rc;
			cl_log(tp->ctx, CL_LOG_WARN, "fill at 0x%" PRIx64
			       " failed (%s); retrying", addr,
			       cl_errmsg(tp->ctx));
		}
	}
	if (byte) {
		memset(pat, byte, sizeof(pat));
		src = pat;
	}
	for (done = 0; done < len && !rc; done += sizeof(zeros)) {
		size_t n = len - done < sizeof(zeros) ? (size_t)(len - done) :
							sizeof(zeros);

		rc = tp->ops->write(tp, w, off + done, src, n);
	}
	return rc;
}

/* Within [off+pos, off+len) of window w: the hole up to *hole_end (relative
 * to off) and the data extent after it, *dlen bytes (0: hole to the end). */
static int next_extent(struct cl_tp *tp, unsigned w, uint64_t off,
		       uint64_t pos, uint64_t len, uint64_t *hole_end,
		       uint64_t *dlen)
{
	uint64_t doff;
	int rc = tp->ops->data_extent(tp, w, off + pos, len - pos, &doff,
				      dlen);

	if (rc)
		return rc;
	/* never trust a backend to stay inside what we asked */
	if (*dlen && (doff < off + pos || doff - (off + pos) > len - pos ||
		      *dlen > len - pos - (doff - (off + pos))))
		return cl_seterr(tp->ctx, CL_E_INTERNAL, "transport '%s' "
				 "reported a data extent outside the range",
				 tp->ops->name);
	*hole_end = *dlen ? doff - off : len;
	return 0;
}

int cl_tp_zero(struct cl_tp *tp, uint64_t addr, uint64_t len,
	       uint64_t *written)
{
	uint64_t off, pos = 0, hole, dlen;
	unsigned w = 0;
	int rc = span(tp, "fill", addr, len, &w, &off);

	*written = 0;
	if (rc || !len)
		return rc;
	if (!tp->ops->data_extent) {
		*written = len;
		return cl_tp_fill(tp, addr, 0, len);
	}
	while (pos < len) {
		rc = next_extent(tp, w, off, pos, len, &hole, &dlen);
		if (rc || !dlen)
			return rc;
		rc = cl_tp_fill(tp, addr + hole, 0, dlen);
		if (rc)
			return rc;
		*written += dlen;
		pos = hole + dlen;
	}
	return 0;
}

/* Image bytes are checked for zeros in grains this large (card pages). */
#define ZERO_GRAIN ((uint64_t)4096)

/* buf[a, b) goes where the card already reads zeros: write only the
 * grains (aligned on card addresses) that hold something else, in runs. */
static int write_over_hole(struct cl_tp *tp, uint64_t addr, const uint8_t *buf,
			   uint64_t a, uint64_t b, uint64_t *skipped)
{
	uint64_t run = a, g = a;
	int rc = 0;

	while (g < b && !rc) {
		uint64_t next = ((addr + g) / ZERO_GRAIN + 1) * ZERO_GRAIN - addr;

		if (next > b)
			next = b;
		if (cl_all_zero(buf + g, (size_t)(next - g))) {
			if (run < g)
				rc = cl_tp_write(tp, addr + run, buf + run,
						 (size_t)(g - run));
			*skipped += next - g;
			run = next;
		}
		g = next;
	}
	if (!rc && run < b)
		rc = cl_tp_write(tp, addr + run, buf + run, (size_t)(b - run));
	return rc;
}

int cl_tp_write_image(struct cl_tp *tp, uint64_t addr, const void *buf,
		      size_t len, uint64_t *skipped)
{
	uint64_t off, pos = 0, dlen, hole_end;
	unsigned w = 0;
	int rc = span(tp, "write", addr, len, &w, &off);

	*skipped = 0;
	if (rc || !len)
		return rc;
	if (!tp->ops->data_extent)
		return cl_tp_write(tp, addr, buf, len);
	while (pos < len && !rc) {
		rc = next_extent(tp, w, off, pos, len, &hole_end, &dlen);
		if (rc)
			return rc;
		rc = write_over_hole(tp, addr, buf, pos, hole_end, skipped);
		if (!rc && dlen)
			rc = cl_tp_write(tp, addr + hole_end,
					 (const uint8_t *)buf + hole_end,
					 (size_t)dlen);
		pos = hole_end + dlen;
	}
	return rc;
}

void cl_tp_prepare(struct cl_tp *tp, uint64_t addr, uint64_t len)
{
	uint64_t off;
	int w;

	if (!tp->ops->prepare || !len)
		return;
	w = cl_window_find(tp->board, addr, len, &off); /* no message */
	if (w >= 0)
		tp->ops->prepare(tp, (unsigned)w, off, len);
}

int cl_tp_flush(struct cl_tp *tp)
{
	return tp->ops->flush ? tp->ops->flush(tp) : 0;
}

int cl_tp_hold(struct cl_tp *tp)
{
	return tp->ops->hold ? tp->ops->hold(tp) : 0;
}

static int no_regs(struct cl_tp *tp)
{
	return cl_seterr(tp->ctx, CL_E_USAGE, "board '%s': transport '%s' has "
			 "no device registers for register steps",
			 tp->board->name, tp->ops->name);
}

int cl_tp_reg_read(struct cl_tp *tp, int bar, uint64_t off, unsigned width,
		   uint64_t *value)
{
	if (!tp->ops->reg_read || bar < 0)
		return no_regs(tp);
	return tp->ops->reg_read(tp, (unsigned)bar, off, width, value);
}

int cl_tp_reg_write(struct cl_tp *tp, int bar, uint64_t off, unsigned width,
		    uint64_t value)
{
	if (!tp->ops->reg_write || bar < 0)
		return no_regs(tp);
	return tp->ops->reg_write(tp, (unsigned)bar, off, width, value);
}

int cl_tp_release(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		  uint32_t argmask)
{
	return tp->ops->release ? tp->ops->release(tp, entry, args, argmask) :
				  0;
}

/* ---- a backend's -O options ---- */

const struct cl_tp_opt *cl_tp_opt_find(const struct cl_tp_ops *ops,
				       const char *key)
{
	const struct cl_tp_opt *o;

	for (o = ops->opts; o && o->key; o++)
		if (!strcmp(o->key, key))
			return o;
	return NULL;
}

const char *cl_tp_param(const struct cl_tp *tp, const char *key)
{
	const struct cl_tp_opt *o;
	unsigned i;

	for (i = 0; i < tp->nparam; i++)
		if (!strcmp(tp->param[i].key, key))
			return tp->param[i].value;
	o = cl_tp_opt_find(tp->ops, key);
	return o ? o->def : NULL;
}

int cl_tp_param_u64(struct cl_tp *tp, const char *key, uint64_t *out,
		    bool *found)
{
	const char *v = cl_tp_param(tp, key);

	*found = v != NULL;
	if (v && cl_parse_num(v, out))
		return cl_seterr(tp->ctx, CL_E_USAGE, "-O %s=%s: not a number",
				 key, v);
	return 0;
}

int cl_tp_param_range(struct cl_tp *tp, const char *key, uint64_t lo,
		      uint64_t hi, uint64_t *out)
{
	bool found;
	int rc;

	*out = 0;
	rc = cl_tp_param_u64(tp, key, out, &found);
	if (!rc && found && (*out < lo || *out > hi))
		rc = cl_seterr(tp->ctx, CL_E_USAGE, "-O %s=%" PRIu64 ": want "
			       "%" PRIu64 " to %" PRIu64, key, *out, lo, hi);
	return rc;
}
