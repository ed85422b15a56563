/* SPDX-License-Identifier: GPL-2.0-or-later */
/* card.c - the card's state without an image: hold, release, start,
 * status, and card memory read and written by address
 *
 * One hold and one release serve load, boot, start and hold:
 *   hold:    the transport's (QMP stop and reset), the board's hold steps,
 *            the mailbox (nothing staged, GO withdrawn, status cleared),
 *            the console ring's header
 *   release: only a card that will run what is staged (its ROM announced
 *            READY, or the transport starts its CPU), then the start
 *            steps, the transport's release (QMP cont) and GO, last
 * Writes by address go through the checks a load's placement makes: one
 * RAM window, no reserved range, not the mailbox or console ring (unless
 * forced), all checked before the card is touched.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"
#include "release.h"
#include "transport.h"

int cl_card_hold(struct cl_ctx *ctx, const struct cl_board *b,
		 struct cl_tp *tp, uint64_t entry, const uint64_t *arg)
{
	int rc = cl_tp_hold(tp);

	if (!rc && b->nhold)
		rc = cl_regseq_run(ctx, tp, b->hold, b->nhold, entry, arg);
	if (!rc && cl_mailbox_used(b))
		rc = cl_mailbox_hold(ctx, b, tp);
	if (!rc && b->has_console)
		rc = cl_console_init(ctx, b, tp);
	return rc;
}

int cl_hold(struct cl_ctx *ctx, const struct cl_board *board,
	    struct cl_tp *tp)
{
	return cl_card_hold(ctx, board, tp, 0, NULL);
}

/* The transport stops the CPU at hold and starts it at release (QEMU's
 * QMP stop, system_reset, cont): its ROM runs, and announces, only then. */
static bool transport_starts_cpu(const struct cl_board *b,
				 const struct cl_tp *tp)
{
	return b->release_step == CL_STEP_QMP && cl_tp_param(tp, "mem.qmp");
}

static int not_ready(struct cl_ctx *ctx, const struct cl_board *b,
		     const char *why)
{
	return cl_seterr(ctx, CL_E_STATE, "the card's ROM has not announced "
			 "READY in the mailbox at 0x%" PRIx64 " (%s); not "
			 "released: %s", b->mailbox, why,
			 b->release_step == CL_STEP_QMP ?
			 "start the card, or give -O mem.qmp=SOCKET so that "
			 "cardload holds and starts its CPU" :
			 "is the card powered and its ROM running?");
}

static bool needs_ready_rom(const struct cl_board *b, const struct cl_tp *tp)
{
	return b->release == CL_RELEASE_MAILBOX && !transport_starts_cpu(b, tp);
}

/* The release check on a mailbox already read. */
static int ready(struct cl_ctx *ctx, const struct cl_board *b,
		 const struct cl_tp *tp, const struct cl_card_status *st)
{
	char why[96];

	if (needs_ready_rom(b, tp) && !cl_mailbox_ready(st, why, sizeof(why)))
		return not_ready(ctx, b, why);
	return 0;
}

int cl_card_may_release(struct cl_ctx *ctx, const struct cl_board *b,
			struct cl_tp *tp)
{
	struct cl_card_status st;
	int rc;

	if (!needs_ready_rom(b, tp))
		return 0;
	rc = cl_mailbox_read(ctx, b, tp, &st);
	return rc ? rc : ready(ctx, b, tp, &st);
}

int cl_card_release(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, uint64_t entry, const uint64_t *arg,
		    uint32_t argmask)
{
	int rc = cl_card_may_release(ctx, b, tp);

	if (!rc && b->nstart)
		rc = cl_regseq_run(ctx, tp, b->start, b->nstart, entry, arg);
	/* release = gdb: GO is only a record, written while the CPU is
	 * still halted; a ROM reads it, so there it goes last */
	if (!rc && b->release == CL_RELEASE_GDB && cl_mailbox_used(b))
		rc = cl_mailbox_go(ctx, b, tp); /* unstages itself on error */
	if (!rc)
		rc = cl_tp_release(tp, entry, arg, argmask);
	if (!rc && b->release == CL_RELEASE_MAILBOX)
		rc = cl_mailbox_go(ctx, b, tp);
	else if (rc && cl_mailbox_used(b))
		cl_mailbox_unstage(b, tp);
	return rc;
}

/* [a, a+n) shares a byte with [r, r+rn), in card addresses or through
 * windows that map the same backing bytes (ranges.c's cl_clash). */
static bool clashes(const struct cl_board *b, uint64_t a, uint64_t n,
		    uint64_t r, uint64_t rn)
{
	struct cl_clash k;

	return cl_clash(b, a, n, r, rn, &k);
}

/* The staged entry must be somewhere a load could have put it: if not,
 * the mailbox changed since (CL_E_STATE, as for the mailbox's other
 * words; a load again is the remedy, not other placement options). */
static int check_entry(struct cl_ctx *ctx, const struct cl_board *b,
		       uint64_t entry)
{
	uint64_t off;
	int w = cl_window_find(b, entry, 1, &off);
	const char *what = NULL;
	const struct cl_reserved *r;
	struct cl_clash k;

	if (w < 0)
		return cl_seterr(ctx, CL_E_STATE, "staged entry 0x%" PRIx64
				 " is outside every RAM window of board '%s'; "
				 "not released", entry, b->name);
	r = cl_reserved_hit(b, true, entry, 1, &k);
	if (r)
		return cl_seterr(ctx, CL_E_STATE, "staged entry 0x%" PRIx64
				 " is inside reserved '%s' [0x%" PRIx64 ", 0x%"
				 PRIx64 ") of board '%s'; not released", entry,
				 r->name, r->addr,
				 cl_range_end(r->addr, r->size), b->name);
	if (clashes(b, entry, 1, b->mailbox, CARDBOOT_MB_SIZE))
		what = "mailbox";
	else if (b->has_console && clashes(b, entry, 1,
					   b->console, b->console_size))
		what = "console ring";
	if (what)
		return cl_seterr(ctx, CL_E_STATE, "staged entry 0x%" PRIx64
				 " is inside the %s of board '%s'; not "
				 "released", entry, what, b->name);
	return 0;
}

/* What start needs of the mailbox: cardboot's, staged, not released. */
static int check_staged(struct cl_ctx *ctx, const struct cl_board *b,
			const struct cl_card_status *st)
{
	if ((st->magic || st->version) && (st->magic != CARDBOOT_MB_MAGIC ||
					   st->version != CARDBOOT_MB_VERSION))
		return cl_seterr(ctx, CL_E_STATE, "mailbox at 0x%" PRIx64 " of "
				 "board '%s' is not cardboot's: magic 0x%08x, "
				 "version %u (want 0x%08x, version %u); not "
				 "released", b->mailbox, b->name, st->magic,
				 st->version, CARDBOOT_MB_MAGIC,
				 CARDBOOT_MB_VERSION);
	if (st->go != CARDBOOT_HOLD)
		return cl_seterr(ctx, CL_E_STATE, "%s (go word 0x%08x in the "
				 "mailbox at 0x%" PRIx64 "); not released "
				 "again: load it anew, or 'cardload hold' "
				 "first", st->go == CARDBOOT_GO ?
				 "card was released already" :
				 "card is not held", st->go, b->mailbox);
	if (st->staged != CARDBOOT_STAGED)
		return cl_seterr(ctx, CL_E_STATE, "no image is staged in the "
				 "mailbox at 0x%" PRIx64 " of board '%s'; run "
				 "'cardload load' first", b->mailbox, b->name);
	if (st->argmask >> CARDBOOT_NARGS)
		return cl_seterr(ctx, CL_E_STATE, "staged argmask 0x%08x in "
				 "the mailbox at 0x%" PRIx64 " has bits beyond "
				 "the %d arguments; not released", st->argmask,
				 b->mailbox, CARDBOOT_NARGS);
	return check_entry(ctx, b, st->entry);
}

int cl_start(struct cl_ctx *ctx, const struct cl_board *board,
	     struct cl_tp *tp)
{
	struct cl_card_status st;
	int rc;

	if (!cl_mailbox_used(board))
		return cl_seterr(ctx, CL_E_USAGE, "board '%s' has no release "
				 "method to start a staged image", board->name);
	rc = cl_mailbox_read(ctx, board, tp, &st);
	if (!rc)
		rc = check_staged(ctx, board, &st);
	if (!rc) /* here, where a refusal still leaves the staging alone */
		rc = ready(ctx, board, tp, &st);
	if (!rc)
		rc = cl_card_release(ctx, board, tp, st.entry, st.arg,
				     st.argmask);
	return rc;
}

int cl_status(struct cl_ctx *ctx, const struct cl_board *board,
	      struct cl_tp *tp, struct cl_card_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!board->has_mailbox)
		return 0;
	return cl_mailbox_read(ctx, board, tp, st);
}

/* [addr, addr+len) inside one RAM window, or an error. */
static int in_window(struct cl_ctx *ctx, const struct cl_board *b,
		     const char *what, uint64_t addr, uint64_t len)
{
	uint64_t end, off;

	if (!len)
		return cl_seterr(ctx, CL_E_USAGE, "nothing to %s at 0x%" PRIx64
				 " (0 bytes)", what, addr);
	if (cl_add_ovf(addr, len, &end))
		return cl_seterr(ctx, CL_E_PLACE, "%s of 0x%" PRIx64 " bytes "
				 "at 0x%" PRIx64 " wraps past the end of the "
				 "address space", what, len, addr);
	if (cl_window_find(b, addr, len, &off) < 0)
		return cl_seterr(ctx, CL_E_PLACE, "%s [0x%" PRIx64 ", 0x%"
				 PRIx64 ") is not inside one RAM window of "
				 "board '%s'", what, addr, end, b->name);
	return 0;
}

int cl_card_read(struct cl_ctx *ctx, const struct cl_board *board,
		 struct cl_tp *tp, uint64_t addr, void *buf, size_t len)
{
	int rc = in_window(ctx, board, "read", addr, len);

	return rc ? rc : cl_tp_read(tp, addr, buf, len);
}

/* what: "reserved 'mailbox'", "the console ring" */
static int refuse_write(struct cl_ctx *ctx, uint64_t addr, uint64_t len,
			const char *what, uint64_t r, uint64_t rn)
{
	return cl_seterr(ctx, CL_E_PLACE, "write [0x%" PRIx64 ", 0x%" PRIx64
			 ") overlaps %s [0x%" PRIx64 ", 0x%" PRIx64 "); "
			 "nothing written (--force writes there)", addr,
			 addr + len, what, r, cl_range_end(r, rn));
}

int cl_card_write_check(struct cl_ctx *ctx, const struct cl_board *board,
			uint64_t addr, uint64_t len, unsigned flags)
{
	const struct cl_board *b = board;
	char what[CL_NAME_MAX + 16];
	const struct cl_reserved *r;
	struct cl_clash k;
	int rc;

	if (flags & ~(CL_WRITE_FORCE | CL_WRITE_NO_HOLD))
		return cl_seterr(ctx, CL_E_USAGE, "unknown write flags 0x%x",
				 flags);
	rc = in_window(ctx, b, "write", addr, len);
	if (rc || (flags & CL_WRITE_FORCE))
		return rc;
	r = cl_reserved_hit(b, true, addr, len, &k);
	if (r) {
		snprintf(what, sizeof(what), "reserved '%s'", r->name);
		return refuse_write(ctx, addr, len, what, r->addr, r->size);
	}
	if (b->has_mailbox &&
	    clashes(b, addr, len, b->mailbox, CARDBOOT_MB_SIZE))
		return refuse_write(ctx, addr, len, "the mailbox", b->mailbox,
				    CARDBOOT_MB_SIZE);
	if (b->has_console &&
	    clashes(b, addr, len, b->console, b->console_size))
		return refuse_write(ctx, addr, len, "the console ring",
				    b->console, b->console_size);
	return 0;
}

int cl_card_write(struct cl_ctx *ctx, const struct cl_board *board,
		  struct cl_tp *tp, uint64_t addr, const void *buf, size_t len,
		  unsigned flags)
{
	struct cl_put put = { 0 };
	uint8_t got = 0;
	int rc = cl_card_write_check(ctx, board, addr, len, flags);

	if (!rc && !(flags & CL_WRITE_NO_HOLD))
		rc = cl_hold(ctx, board, tp);
	if (!rc)
		rc = cl_put(ctx, tp, addr, buf, len, &put);
	if (rc != CL_E_VERIFY)
		return rc;
	cl_tp_read(tp, addr + (uint64_t)put.bad, &got, 1);
	return cl_seterr(ctx, CL_E_VERIFY, "write [0x%" PRIx64 ", 0x%" PRIx64
			 ") reads back differently, first difference at 0x%"
			 PRIx64 " (wrote 0x%02x, read 0x%02x)", addr,
			 addr + len, addr + (uint64_t)put.bad,
			 ((const uint8_t *)buf)[put.bad], got);
}
