/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load.c - a boot: run checked plans over a transport
 *
 *   hold -> each image (load_image.c: relocated and patched on the way,
 *   written, bss zeroed, read back) -> the data (initrd, DTB, blobs)
 *   -> --set outside the file, command lines, parameter blocks (written,
 *   read back) -> stage entry and arguments -> release
 *
 * Relocation patches the host's bytes before they are written, so the card
 * receives each segment in one pass of large writes and never sees a
 * half-relocated word. Any failure returns before the release step: the
 * card stays held. Hold and release are card.c's, and a boot that will
 * release a card that cannot run what is staged (its ROM never announced
 * READY) writes nothing.
 */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"
#include "pvh.h"
#include "release.h"
#include "transport.h"

/* Write bytes to the card and read them back. */
static int write_checked(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
			 const void *buf, size_t len, const char *what)
{
	struct cl_put put = { .what = what };

	return cl_put(ctx, tp, addr, buf, len, &put);
}

int cl_params_final(struct cl_ctx *ctx, const struct cl_plan *p,
		    struct cl_tp *tp, uint32_t digest, uint8_t *block)
{
	struct cl_card_status st = { 0 };
	uint64_t dtb = 0;
	int rc;

	/* the platform DTB, if the ROM has announced it already; with no
	 * ROM (release = gdb) where the board says the machine put it */
	if (p->board->release == CL_RELEASE_MAILBOX) {
		rc = cl_mailbox_read(ctx, p->board, tp, &st);
		if (rc)
			return rc;
		if (st.ready == CARDBOOT_READY)
			dtb = st.platform_dtb;
	} else if (p->board->release == CL_RELEASE_GDB) {
		dtb = p->board->platform_dtb;
	}
	cl_params_build(p, digest, dtb, block);
	return 0;
}

/* boot-abi = pvh: struct hvm_start_info, module list and memory map */
static int write_pvh(struct cl_ctx *ctx, const struct cl_plan *p,
		     struct cl_tp *tp)
{
	struct cl_pvh_in in = {
		.cmdline_addr = p->has_cmdline ? p->cmdline_addr : 0,
		.initrd_addr = p->initrd_addr, .initrd_size = p->initrd_size,
	};
	size_t size = cl_pvh_size(p->board, &in);
	uint8_t *block;
	int rc;

	if (size > p->pvh_size)
		return cl_seterr(ctx, CL_E_INTERNAL, "PVH start_info grew to "
				 "%zu bytes from the %" PRIu64 " planned", size,
				 p->pvh_size);
	block = calloc(1, size);
	if (!block)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = cl_pvh_build(ctx, p->board, &in, p->pvh_addr, block, size);
	if (!rc)
		rc = write_checked(ctx, tp, p->pvh_addr, block, size,
				   "PVH start_info");
	free(block);
	return rc;
}

/* The payload's boot parameters: after the image is verified, so the
 * digest in the block describes what was verified. */
static int write_params(struct cl_ctx *ctx, const struct cl_plan *p,
			struct cl_tp *tp, const struct cl_load_result *res)
{
	uint8_t block[sizeof(struct cardboot_params)];
	unsigned i;
	int rc;

	for (i = 0; i < p->nset; i++) {
		const struct cl_setsym *set = &p->set[i];

		if (set->in_file)
			continue;
		rc = write_checked(ctx, tp, set->addr, set->bytes, set->len,
				   "symbol patch");
		if (rc)
			return rc;
	}
	if (p->has_cmdline) {
		rc = write_checked(ctx, tp, p->cmdline_addr, p->cmdline,
				   (size_t)p->cmdline_size, "command line");
		if (rc)
			return rc;
	}
	if (p->has_pvh) {
		rc = write_pvh(ctx, p, tp);
		if (rc)
			return rc;
	}
	if (!p->has_params)
		return 0;
	rc = cl_params_final(ctx, p, tp, res->digest, block);
	if (rc)
		return rc;
	return write_checked(ctx, tp, p->params_addr, block, sizeof(block),
			     "parameter block");
}

static int stage_and_release(struct cl_ctx *ctx, const struct cl_board *b,
			     uint64_t entry, const uint64_t *arg,
			     uint32_t argmask, struct cl_tp *tp,
			     const struct cl_load_opts *o,
			     struct cl_load_result *res)
{
	int rc = 0;

	if (cl_mailbox_used(b)) {
		rc = cl_mailbox_stage(ctx, b, tp, entry, arg, argmask);
		if (rc) {
			cl_mailbox_unstage(b, tp);
			return rc;
		}
		res->staged = true;
	}
	if (o->no_start)
		return 0;
	rc = cl_card_release(ctx, b, tp, entry, arg, argmask);
	if (!rc)
		res->released = b->release != CL_RELEASE_NONE;
	return rc;
}

int cl_load_result_init(struct cl_ctx *ctx, const struct cl_plan *plan,
			struct cl_load_result *res)
{
	memset(res, 0, sizeof(*res));
	res->seg_digest = calloc(plan->nseg ? plan->nseg : 1, sizeof(uint32_t));
	if (!res->seg_digest)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	return 0;
}

int cl_load_boot(struct cl_ctx *ctx, struct cl_plan *const *plans,
		 unsigned nplan, const struct cl_data *data, unsigned ndata,
		 uint64_t entry, const uint64_t *arg, uint32_t argmask,
		 struct cl_tp *tp, const struct cl_load_opts *opts,
		 struct cl_load_result *res)
{
	static const struct cl_load_opts none;
	const struct cl_load_opts *o = opts ? opts : &none;
	const struct cl_board *b = plans[0]->board;
	unsigned i;
	int rc = 0;

	for (i = 0; i < nplan && !rc; i++)
		rc = cl_load_result_init(ctx, plans[i], &res[i]);
	if (!rc && b->release == CL_RELEASE_EXEC && argmask)
		rc = cl_seterr(ctx, CL_E_USAGE, "board '%s' releases its card "
			       "with FEL EXEC, which passes no arguments: "
			       "--arg cannot reach the payload (pass values "
			       "in the parameter block, or use release = "
			       "mailbox); nothing written", b->name);
	if (!rc && !o->no_start) /* a card that will not run: nothing written */
		rc = cl_card_may_release(ctx, b, tp);
	if (!rc)
		rc = cl_card_hold(ctx, b, tp, entry, arg);
	for (i = 0; i < nplan && !rc; i++)
		rc = cl_load_image(ctx, plans[i], tp, o, &res[i], NULL);
	for (i = 0; i < ndata && !rc; i++)
		rc = write_checked(ctx, tp, data[i].addr, data[i].bytes,
				   data[i].size, data[i].name);
	for (i = 0; i < nplan && !rc; i++)
		rc = write_params(ctx, plans[i], tp, &res[i]);
	if (!rc && cl_interrupted(ctx))
		rc = CL_E_INTR; /* last chance before the card may run */
	if (!rc)
		rc = stage_and_release(ctx, b, entry, arg, argmask, tp, o,
				       &res[0]);
	return rc;
}

int cl_load(struct cl_ctx *ctx, struct cl_plan *plan, struct cl_tp *tp,
	    const struct cl_load_opts *opts, struct cl_load_result *res)
{
	return cl_load_boot(ctx, &plan, 1, NULL, 0, plan->entry, plan->arg,
			    plan->argmask, tp, opts, res);
}

void cl_load_result_free(struct cl_load_result *res)
{
	if (res) {
		free(res->seg_digest);
		res->seg_digest = NULL;
	}
}
