/* fault.c - a fault-injecting wrapper around any transport, for tests
 *
 * Any -O fault.* option wraps the board's transport in this one (the idea
 * of SQLite's test_vfs.c). Calls are forwarded to the real backend except
 * the one chosen to misbehave:
 *   fault.corrupt-write=K  flip one bit in the data of the K-th write call
 *                          (every write counts, mailbox words included)
 *   fault.corrupt-at=ADDR  flip one bit of the byte at card address ADDR
 *                          in the first write that covers it
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "transport.h"

struct fault {
	uint64_t corrupt_write; /* 1-based call number, 0 = off */
	uint64_t nwrite;
	bool has_at, done_at;
	uint64_t at;
};

static int fault_open(struct cl_tp *tp)
{
	struct fault *f = calloc(1, sizeof(*f));
	bool found;
	int rc;

	if (!f)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	rc = cl_tp_param_u64(tp, "fault.corrupt-write", &f->corrupt_write,
			     &found);
	if (!rc)
		rc = cl_tp_param_u64(tp, "fault.corrupt-at", &f->at,
				     &f->has_at);
	if (rc) {
		free(f);
		return rc;
	}
	tp->priv = f;
	return 0;
}

static void fault_close(struct cl_tp *tp)
{
	free(tp->priv);
	tp->priv = NULL;
}

static int fault_write(struct cl_tp *tp, unsigned w, uint64_t off,
		       const void *buf, size_t len)
{
	struct fault *f = tp->priv;
	struct cl_tp *in = tp->inner;
	uint64_t addr = tp->board->win[w].addr + off;
	size_t flip = len / 2;
	uint8_t *copy;
	int rc;

	if (f->has_at && !f->done_at && f->at >= addr && f->at - addr < len) {
		f->done_at = true;
		flip = (size_t)(f->at - addr);
	} else if (++f->nwrite != f->corrupt_write) {
		return in->ops->write(in, w, off, buf, len);
	}
	copy = malloc(len);
	if (!copy)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	memcpy(copy, buf, len);
	copy[flip] ^= 0x10;
	rc = in->ops->write(in, w, off, copy, len);
	free(copy);
	return rc;
}

static int fault_read(struct cl_tp *tp, unsigned w, uint64_t off, void *buf,
		      size_t len)
{
	return tp->inner->ops->read(tp->inner, w, off, buf, len);
}

/* Fills go through write so that they count as write calls too. */
static int fault_flush(struct cl_tp *tp)
{
	return cl_tp_flush(tp->inner);
}

static int fault_data_extent(struct cl_tp *tp, unsigned w, uint64_t off,
			     uint64_t len, uint64_t *doff, uint64_t *dlen)
{
	struct cl_tp *in = tp->inner;

	if (in->ops->data_extent)
		return in->ops->data_extent(in, w, off, len, doff, dlen);
	*doff = off;
	*dlen = len;
	return 0;
}

static int fault_hold(struct cl_tp *tp)
{
	return cl_tp_hold(tp->inner);
}

static int fault_release(struct cl_tp *tp, uint64_t entry,
			 const uint64_t *args, uint32_t argmask)
{
	return cl_tp_release(tp->inner, entry, args, argmask);
}

static int fault_reg_read(struct cl_tp *tp, unsigned bar, uint64_t off,
			  unsigned width, uint64_t *v)
{
	return cl_tp_reg_read(tp->inner, (int)bar, off, width, v);
}

static int fault_reg_write(struct cl_tp *tp, unsigned bar, uint64_t off,
			   unsigned width, uint64_t v)
{
	return cl_tp_reg_write(tp->inner, (int)bar, off, width, v);
}

const struct cl_tp_ops cl_tp_fault = {
	.name = "fault",
	.help = "fault.corrupt-write=K  flip a bit in the K-th write (tests)\n"
		"fault.corrupt-at=ADDR  flip a bit of the byte at ADDR (tests)",
	.open = fault_open,
	.close = fault_close,
	.write = fault_write,
	.read = fault_read,
	.data_extent = fault_data_extent,
	.flush = fault_flush,
	.hold = fault_hold,
	.release = fault_release,
	.reg_read = fault_reg_read,
	.reg_write = fault_reg_write,
};
