/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mailbox.c - the "mailbox" release method of cardboot.h over any transport
 *
 * Hold: staged = 0, go = HOLD and status = 0, so a ROM spinning on the mailbox stays put
 * and a stale status from an earlier payload cannot be mistaken for a new
 * one. Stage: entry, arguments, argmask and STAGED. Release: GO, written
 * last, after a flush that orders everything before it.
 *
 * Every word written here is read back (cl_put): a card must never be released with
 * a corrupted entry or argument, nor be reported held or released when the
 * word that says so did not land. Ready: the ROM's magic, version and
 * READY words, which a release needs (card.c) unless the transport starts
 * the CPU itself.
 */
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"
#include "transport.h"
#include "release.h"

/* Write a mailbox field and read it back (cl_put); a difference names
 * the field with the value read and the value written. */
static int put(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
	       const uint8_t *want, size_t len, const char *what)
{
	uint8_t got[CARDBOOT_MB_SIZE] = { 0 };
	struct cl_put o = { .buf = got };
	int rc = cl_put(ctx, tp, addr, want, len, &o);

	if (rc != CL_E_VERIFY)
		return rc;
	/* got holds what was read back and compared */
	return cl_seterr(ctx, CL_E_VERIFY, "mailbox %s at 0x%" PRIx64 " reads "
			 "back 0x%" PRIx64 ", wrote 0x%" PRIx64 "; card left "
			 "held", what, addr, le_get(got, len > 8 ? 8 : len),
			 le_get(want, len > 8 ? 8 : len));
}

static int write_u32(struct cl_ctx *ctx, struct cl_tp *tp, uint64_t addr,
		     uint32_t v, const char *what)
{
	uint8_t b[4];

	le32_put(b, v);
	return put(ctx, tp, addr, b, sizeof(b), what);
}

int cl_mailbox_hold(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp)
{
	int rc;

	/* staged first: whatever fails later, 'start' finds nothing to run */
	rc = write_u32(ctx, tp, b->mailbox + CARDBOOT_MB_STAGED_OFF, 0,
		       "staged word");
	if (!rc)
		rc = write_u32(ctx, tp, b->mailbox + CARDBOOT_MB_GO_OFF,
			       CARDBOOT_HOLD, "go word");
	if (!rc)
		rc = write_u32(ctx, tp, b->mailbox + CARDBOOT_MB_STATUS_OFF,
			       CARDBOOT_STATUS_NONE, "status word");
	return rc;
}

int cl_mailbox_stage(struct cl_ctx *ctx, const struct cl_board *b,
		     struct cl_tp *tp, uint64_t entry, const uint64_t *arg,
		     uint32_t argmask)
{
	uint8_t buf[CARDBOOT_MB_STATUS_OFF - CARDBOOT_MB_ENTRY_OFF];
	unsigned i;
	int rc;

	memset(buf, 0, sizeof(buf));
	le64_put(buf, entry);
	le32_put(buf + CARDBOOT_MB_ARGMASK_OFF - CARDBOOT_MB_ENTRY_OFF,
		 argmask & ((1u << CARDBOOT_NARGS) - 1));
	for (i = 0; i < CARDBOOT_NARGS; i++)
		le64_put(buf + CARDBOOT_MB_ARG_OFF - CARDBOOT_MB_ENTRY_OFF +
			 8 * i, argmask >> i & 1 ? arg[i] : 0);
	/* entry, argmask, arg[] first; STAGED after them */
	rc = put(ctx, tp, b->mailbox + CARDBOOT_MB_ENTRY_OFF, buf, 8, "entry");
	if (!rc)
		rc = put(ctx, tp, b->mailbox + CARDBOOT_MB_ARGMASK_OFF, buf + 8,
			 4, "argmask");
	if (!rc)
		rc = put(ctx, tp, b->mailbox + CARDBOOT_MB_ARG_OFF,
			 buf + CARDBOOT_MB_ARG_OFF - CARDBOOT_MB_ENTRY_OFF,
			 8 * CARDBOOT_NARGS, "arguments");
	if (!rc)
		rc = write_u32(ctx, tp, b->mailbox + CARDBOOT_MB_STAGED_OFF,
			       CARDBOOT_STAGED, "staged word");
	return rc;
}

int cl_mailbox_go(struct cl_ctx *ctx, const struct cl_board *b,
		  struct cl_tp *tp)
{
	int rc;

	rc = cl_tp_flush(tp); /* everything before GO is visible first */
	if (!rc)
		rc = write_u32(ctx, tp, b->mailbox + CARDBOOT_MB_GO_OFF,
			       CARDBOOT_GO, "go word");
	if (rc)
		cl_mailbox_unstage(b, tp);
	return rc;
}

/* After a failure on the way to GO: back to held, nothing staged. Best
 * effort, keeping the first error (the transport reports into tp->ctx, so
 * its context is swapped for a scratch one meanwhile). */
void cl_mailbox_unstage(const struct cl_board *b, struct cl_tp *tp)
{
	struct cl_ctx scratch = { 0 }, *saved = tp->ctx;
	uint8_t zero[4] = { 0 };

	for (struct cl_tp *t = tp; t; t = t->inner)
		t->ctx = &scratch;
	cl_tp_write(tp, b->mailbox + CARDBOOT_MB_GO_OFF, zero, 4);
	cl_tp_write(tp, b->mailbox + CARDBOOT_MB_STAGED_OFF, zero, 4);
	cl_tp_flush(tp);
	for (struct cl_tp *t = tp; t; t = t->inner)
		t->ctx = saved;
}

int cl_mailbox_read(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, struct cl_card_status *st)
{
	uint8_t m[CARDBOOT_MB_SIZE];
	unsigned i;
	int rc;

	(void)ctx;
	rc = cl_tp_read(tp, b->mailbox, m, sizeof(m));
	if (rc)
		return rc;
	st->mailbox = true;
	st->magic = le32_get(m + CARDBOOT_MB_MAGIC_OFF);
	st->version = le32_get(m + CARDBOOT_MB_VERSION_OFF);
	st->ready = le32_get(m + CARDBOOT_MB_READY_OFF);
	st->go = le32_get(m + CARDBOOT_MB_GO_OFF);
	st->hartid = le64_get(m + CARDBOOT_MB_HARTID_OFF);
	st->platform_dtb = le64_get(m + CARDBOOT_MB_PLATFORM_DTB_OFF);
	st->entry = le64_get(m + CARDBOOT_MB_ENTRY_OFF);
	st->argmask = le32_get(m + CARDBOOT_MB_ARGMASK_OFF);
	st->staged = le32_get(m + CARDBOOT_MB_STAGED_OFF);
	for (i = 0; i < CARDBOOT_NARGS; i++)
		st->arg[i] = le64_get(m + CARDBOOT_MB_ARG_OFF + 8 * i);
	st->status = le32_get(m + CARDBOOT_MB_STATUS_OFF);
	return 0;
}

bool cl_mailbox_ready(const struct cl_card_status *st, char *why, size_t len)
{
	if (!st->magic)
		snprintf(why, len, "magic unset");
	else if (st->magic != CARDBOOT_MB_MAGIC)
		snprintf(why, len, "magic 0x%08x, not cardboot's 0x%08x",
			 st->magic, CARDBOOT_MB_MAGIC);
	else if (st->version != CARDBOOT_MB_VERSION)
		snprintf(why, len, "version %u, not %u", st->version,
			 CARDBOOT_MB_VERSION);
	else if (!st->ready)
		snprintf(why, len, "ready word unset");
	else if (st->ready != CARDBOOT_READY)
		snprintf(why, len, "ready word 0x%08x, not READY", st->ready);
	else
		return true;
	return false;
}

bool cl_mailbox_used(const struct cl_board *b)
{
	return b->release == CL_RELEASE_MAILBOX ||
	       (b->release == CL_RELEASE_GDB && b->has_mailbox);
}
