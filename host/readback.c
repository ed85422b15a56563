/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readback.c - write and read back: the one way bytes are checked on a card
 *
 * Everything the loader puts on a card is read back before the card may
 * run it: segments (load_image.c), the data, command lines and parameter
 * blocks (load.c), mailbox words (mailbox.c), the console ring's header
 * (console.c), `cardload write` (card.c). cl_put writes, flushes, reads
 * back in CL_VERIFY_CHUNK pieces and compares; cl_read_compare is its
 * second half, for a checker that reads back behind a writer. A leaf: it
 * calls only the transport.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "load.h"
#include "transport.h"

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

int cl_put(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
	   const void *bytes, size_t len, struct cl_put *o)
{
	uint8_t *buf = o->buf;
	uint64_t n;
	int rc;

	o->kept = 0;
	o->bad = -1;
	if (!bytes) {	/* zeros: only what the transport cannot vouch for */
		rc = cl_tp_zero(tp, addr, len, &n);
		o->kept = len - n;
	} else if (o->image) {
		rc = cl_tp_write_image(tp, addr, bytes, len, &o->kept);
	} else {
		rc = cl_tp_write(tp, addr, bytes, len);
	}
	if (rc || o->no_verify)
		return rc;
	rc = cl_tp_flush(tp);
	if (rc || !len)
		return rc;
	if (!buf && !(buf = malloc(len < CL_VERIFY_CHUNK ? len :
					       CL_VERIFY_CHUNK)))
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = cl_read_compare(ctx, tp, addr, bytes, len, buf, &o->bad);
	if (buf != o->buf)
		free(buf);
	if (rc || o->bad < 0)
		return rc;
	if (o->what)
		return cl_seterr(ctx, CL_E_VERIFY, "%s at 0x%" PRIx64 " reads "
				 "back differently; card left held", o->what,
				 addr);
	return CL_E_VERIFY;
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
