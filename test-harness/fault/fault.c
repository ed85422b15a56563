/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault.c - a fault-injecting wrapper around any transport, for tests
 *
 * Not part of libcardload or the installed command: linked into the unit
 * tests and into build/cardload-fault (the command the e2e fault tests
 * run), where the constructor below registers it with cl_tp_add_wrapper
 * (transports/transport.h). Any -O fault.* option then
 * wraps the board's transport in this one (the idea of SQLite's
 * test_vfs.c, kept in its test harness too). Calls are forwarded to the
 * real backend except the ones chosen to misbehave:
 *   fault.corrupt-write=K  flip one bit in the data of the K-th write call
 *                          (every write counts, mailbox words included)
 *   fault.corrupt-at=ADDR  flip one bit of the byte at card address ADDR
 *                          in the first write that covers it
 *   fault.fail=HOOK:K      the K-th call of HOOK fails (CL_E_IO), once;
 *   fault.fail=HOOK:K:always  ... and every later call too.
 *                          HOOK: write, read, fill, flush, hold, release
 *   fault.ones=K           from the K-th read on, reads return all ones
 *                          (a card that vanished from the bus)
 *   fault.delay=MS         sleep MS before every write (tests interrupt a
 *                          load that is still running)
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util.h"
#include "transport.h"

enum hook { H_WRITE, H_READ, H_FILL, H_FLUSH, H_HOLD, H_RELEASE, H__N };

static const char *const hook_names[H__N] = {
	"write", "read", "fill", "flush", "hold", "release",
};

struct fault {
	uint64_t corrupt_write; /* 1-based call number, 0 = off */
	uint64_t nwrite;
	bool has_at, done_at;
	uint64_t at;
	int fail_hook;          /* -1 = off */
	uint64_t fail_k;
	bool fail_always;
	uint64_t calls[H__N];
	uint64_t ones_from, nread;
	uint64_t delay_ms;
};

static int parse_fail(struct cl_tp *tp, struct fault *f, const char *v)
{
	char hook[16];
	const char *c1 = strchr(v, ':'), *c2;
	unsigned i;

	if (!c1 || (size_t)(c1 - v) >= sizeof(hook))
		goto bad;
	memcpy(hook, v, (size_t)(c1 - v));
	hook[c1 - v] = 0;
	for (i = 0; i < H__N && strcmp(hook, hook_names[i]); i++)
		;
	if (i == H__N)
		goto bad;
	f->fail_hook = (int)i;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		char k[24];

		if ((size_t)(c2 - c1 - 1) >= sizeof(k) || strcmp(c2 + 1, "always"))
			goto bad;
		memcpy(k, c1 + 1, (size_t)(c2 - c1 - 1));
		k[c2 - c1 - 1] = 0;
		f->fail_always = true;
		if (cl_parse_num(k, &f->fail_k) || !f->fail_k)
			goto bad;
		return 0;
	}
	if (!cl_parse_num(c1 + 1, &f->fail_k) && f->fail_k)
		return 0;
bad:
	return cl_seterr(tp->ctx, CL_E_USAGE, "-O fault.fail=%s: want HOOK:K "
			 "or HOOK:K:always, HOOK write, read, fill, flush, "
			 "hold or release, K from 1", v);
}

static int fault_open(struct cl_tp *tp)
{
	struct fault *f = calloc(1, sizeof(*f));
	const char *fail = cl_tp_param(tp, "fault.fail");
	bool found;
	int rc;

	if (!f)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	f->fail_hook = -1;
	tp->priv = f;
	rc = cl_tp_param_u64(tp, "fault.corrupt-write", &f->corrupt_write,
			     &found);
	if (!rc)
		rc = cl_tp_param_u64(tp, "fault.corrupt-at", &f->at,
				     &f->has_at);
	if (!rc)
		rc = cl_tp_param_u64(tp, "fault.ones", &f->ones_from, &found);
	if (!rc)
		rc = cl_tp_param_u64(tp, "fault.delay", &f->delay_ms, &found);
	if (!rc && fail)
		rc = parse_fail(tp, f, fail);
	return rc;
}

static void fault_close(struct cl_tp *tp)
{
	free(tp->priv);
	tp->priv = NULL;
}

/* Does this call of hook h fail? */
static int injected(struct cl_tp *tp, enum hook h)
{
	struct fault *f = tp->priv;
	uint64_t n = ++f->calls[h];

	if (f->fail_hook != (int)h ||
	    (n != f->fail_k && !(f->fail_always && n > f->fail_k)))
		return 0;
	return cl_seterr(tp->ctx, CL_E_IO, "injected fault: %s call %" PRIu64
			 " failed", hook_names[h], n);
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

	if (f->delay_ms) {
		struct timespec ts = { (time_t)(f->delay_ms / 1000),
				       (long)(f->delay_ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	rc = injected(tp, H_WRITE);
	if (rc)
		return rc;
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
	struct fault *f = tp->priv;
	int rc = injected(tp, H_READ);

	if (rc)
		return rc;
	if (f->ones_from && ++f->nread >= f->ones_from) {
		memset(buf, 0xff, len);
		return 0;
	}
	return tp->inner->ops->read(tp->inner, w, off, buf, len);
}

static int fault_fill(struct cl_tp *tp, unsigned w, uint64_t off, int byte,
		      uint64_t len)
{
	struct cl_tp *in = tp->inner;
	static const uint8_t zeros[4096];
	uint64_t done;
	int rc = injected(tp, H_FILL);

	if (rc)
		return rc;
	if (in->ops->fill)
		return in->ops->fill(in, w, off, byte, len);
	for (done = 0; done < len && !rc; done += sizeof(zeros)) /* byte 0 */
		rc = in->ops->write(in, w, off + done, zeros,
				    len - done < sizeof(zeros) ?
				    (size_t)(len - done) : sizeof(zeros));
	return rc;
}

static int fault_flush(struct cl_tp *tp)
{
	int rc = injected(tp, H_FLUSH);

	return rc ? rc : cl_tp_flush(tp->inner);
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
	int rc = injected(tp, H_HOLD);

	return rc ? rc : cl_tp_hold(tp->inner);
}

static int fault_release(struct cl_tp *tp, uint64_t entry,
			 const uint64_t *args, uint32_t argmask)
{
	int rc = injected(tp, H_RELEASE);

	return rc ? rc : cl_tp_release(tp->inner, entry, args, argmask);
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

static const struct cl_tp_ops fault_ops = {
	.name = "fault",
	.opts = (const struct cl_tp_opt[]){
		{ .key = "fault.corrupt-write", .arg = "K",
		  .help = "flip a bit in the K-th write (tests)" },
		{ .key = "fault.corrupt-at", .arg = "ADDR",
		  .help = "flip a bit of the byte at ADDR (tests)" },
		{ .key = "fault.fail", .arg = "HOOK:K[:always]",
		  .help = "fail the K-th call of HOOK (write, read, fill, "
			  "flush, hold, release), once or from then on "
			  "(tests)" },
		{ .key = "fault.ones", .arg = "K",
		  .help = "reads from the K-th on return all ones (tests)" },
		{ .key = "fault.delay", .arg = "MS",
		  .help = "sleep before every write (tests)" },
		{ .key = NULL }
	},
	.open = fault_open,
	.close = fault_close,
	.write = fault_write,
	.read = fault_read,
	.fill = fault_fill,
	.data_extent = fault_data_extent,
	.flush = fault_flush,
	.hold = fault_hold,
	.release = fault_release,
	.reg_read = fault_reg_read,
	.reg_write = fault_reg_write,
};

/* Linking this file is what makes -O fault.* work. */
static void __attribute__((constructor)) fault_register(void)
{
	cl_tp_add_wrapper(&fault_ops);
}
