/* release.h - release methods: how the card CPU is held and let go */
#ifndef CL_RELEASE_H
#define CL_RELEASE_H

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

/* regseq.c: run a board's register sequence (hold-step, start-step) */
int cl_regseq_run(struct cl_ctx *ctx, struct cl_tp *tp,
		  const struct cl_regstep *steps, unsigned n, uint64_t entry,
		  const uint64_t *args);

/* console.c: the console ring of cardboot.h */
int cl_console_init(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp);

#endif /* CL_RELEASE_H */
