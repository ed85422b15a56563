/* SPDX-License-Identifier: GPL-2.0-or-later */
/* release.h - release methods: how the card CPU is held and let go */
#ifndef CL_RELEASE_H
#define CL_RELEASE_H

#include <stddef.h>
#include "cardload.h"

struct cl_tp;

/* mailbox.c: the cardboot.h handshake, written through the transport */
int cl_mailbox_hold(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp);
int cl_mailbox_stage(struct cl_ctx *ctx, const struct cl_board *b,
		     struct cl_tp *tp, uint64_t entry, const uint64_t *arg,
		     uint32_t argmask);
int cl_mailbox_go(struct cl_ctx *ctx, const struct cl_board *b,
		  struct cl_tp *tp);
void cl_mailbox_unstage(const struct cl_board *b, struct cl_tp *tp);
int cl_mailbox_read(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, struct cl_card_status *st);
/* The ROM has announced itself in st: cardboot.h's magic and version, and
 * READY. Return: true; else false with what is missing in why, a phrase
 * for a message ("magic unset", "ready word unset", "version 2, not 1"). */
bool cl_mailbox_ready(const struct cl_card_status *st, char *why,
		      size_t len);
/* The board's mailbox is written at hold and release: as its ROM's
 * contract (release = mailbox), or as the record of what was staged and
 * released (release = gdb on a board with a mailbox: no ROM reads it, but
 * status, start and a later session's detach read it back). */
bool cl_mailbox_used(const struct cl_board *b);

/* card.c: hold and release, one path for load, boot, start and hold */
/* As cl_hold, with the entry and arguments a load will stage, for hold
 * steps that name them (cl_hold passes 0). */
int cl_card_hold(struct cl_ctx *ctx, const struct cl_board *b,
		 struct cl_tp *tp, uint64_t entry, const uint64_t *arg);
/* May the card be released? Yes on a board without release = mailbox,
 * on a card whose ROM has announced READY, and on one whose CPU the
 * transport holds and starts itself (release-step = qmp with -O
 * mem.qmp=SOCKET: the ROM announces only once it runs). Reads only.
 * Return: 0, CL_E_STATE saying what is missing, or the transport's error. */
int cl_card_may_release(struct cl_ctx *ctx, const struct cl_board *b,
			struct cl_tp *tp);
/* Let the CPU go: cl_card_may_release again, the board's start steps,
 * the transport's release (QMP cont), and on mailbox boards GO, written
 * last. Return: 0; on any error the mailbox is unstaged (held, nothing
 * staged) and the error returned. */
int cl_card_release(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, uint64_t entry, const uint64_t *arg,
		    uint32_t argmask);

/* regseq.c: run a board's register sequence (hold-step, start-step) */
int cl_regseq_run(struct cl_ctx *ctx, struct cl_tp *tp,
		  const struct cl_regstep *steps, unsigned n, uint64_t entry,
		  const uint64_t *args);

/* console.c: the console ring of cardboot.h */
int cl_console_init(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp);

#endif /* CL_RELEASE_H */
