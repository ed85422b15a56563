/* SPDX-License-Identifier: GPL-2.0-or-later */
/* console.c - the console ring of cardboot.h, and waiting for the payload's
 * status word
 *
 * The payload stores byte k of its output at data[k % size] and then
 * advances head to k + 1 (a free-running 32-bit count). A reader that
 * remembers the head it read last (the cursor) gets exactly what was
 * written since; what the ring no longer holds is counted as lost.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"
#include "release.h"
#include "transport.h"

static uint32_t size_of(const struct cl_board *b)
{
	return (uint32_t)(b->console_size - CARDBOOT_CONSOLE_DATA_OFF);
}

int cl_console_init(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp)
{
	uint8_t hdr[CARDBOOT_CONSOLE_DATA_OFF] = { 0 };
	struct cl_put put = { .what = "console ring header" };

	le32_put(hdr + CARDBOOT_CONSOLE_MAGIC_OFF, CARDBOOT_CONSOLE_MAGIC);
	le32_put(hdr + CARDBOOT_CONSOLE_SIZE_OFF, size_of(b));
	return cl_put(ctx, tp, b->console, hdr, sizeof(hdr), &put);
}

/* The ring's head count, once its header is checked. */
static int ring_head(struct cl_ctx *ctx, const struct cl_board *b,
		     struct cl_tp *tp, uint32_t *head)
{
	uint8_t hdr[CARDBOOT_CONSOLE_DATA_OFF];
	int rc;

	if (!b->has_console)
		return cl_seterr(ctx, CL_E_USAGE, "board '%s' has no console "
				 "ring", b->name);
	rc = cl_tp_read(tp, b->console, hdr, sizeof(hdr));
	if (rc)
		return rc;
	if (le32_get(hdr + CARDBOOT_CONSOLE_MAGIC_OFF) !=
	    CARDBOOT_CONSOLE_MAGIC ||
	    le32_get(hdr + CARDBOOT_CONSOLE_SIZE_OFF) != size_of(b))
		return cl_seterr(ctx, CL_E_STATE, "no console ring at 0x%" PRIx64
				 " (not initialised by a load)", b->console);
	*head = le32_get(hdr + CARDBOOT_CONSOLE_HEAD_OFF);
	return 0;
}

/* Bytes [from, from + n) of the output (head counts, n <= size) into out. */
static int ring_copy(struct cl_tp *tp, const struct cl_board *b,
		     uint32_t from, uint32_t n, char *out)
{
	uint32_t size = size_of(b), done = 0;
	int rc = 0;

	while (done < n && !rc) {
		uint32_t k = from + done, at = k % size, wrap = 0u - k;
		uint32_t chunk = size - at < n - done ? size - at : n - done;

		/* the count wrapping at 2^32 moves on to data[0] */
		if (wrap && wrap < chunk)
			chunk = wrap;

		rc = cl_tp_read(tp, b->console + CARDBOOT_CONSOLE_DATA_OFF + at,
				out + done, chunk);
		done += chunk;
	}
	return rc;
}

int cl_console_follow(struct cl_ctx *ctx, const struct cl_board *b,
		      struct cl_tp *tp, uint64_t *cursor, char **text,
		      size_t *len, uint64_t *lost)
{
	uint32_t size = size_of(b), head, again, from, n, gone;
	uint32_t since = (uint32_t)(*cursor);
	char *out;
	int rc;

	*text = NULL;
	*len = 0;
	*lost = 0;
	rc = ring_head(ctx, b, tp, &head);
	if (rc)
		return rc;
	if (*cursor == UINT64_MAX || (uint32_t)(head - since) > INT32_MAX) {
		/* everything there is: a first call, or a ring restarted */
		from = head > size ? head - size : 0;
		*lost = from;
	} else if (head - since > size) {
		from = head - size;
		*lost = from - since;
	} else {
		from = since;
	}
	n = head - from;
	out = malloc((size_t)n + 1);
	if (!out)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = ring_copy(tp, b, from, n, out);
	if (!rc)
		rc = ring_head(ctx, b, tp, &again);
	if (rc) {
		free(out);
		return rc;
	}
	/* the payload wrote on meanwhile: its newest bytes may have landed
	 * over the oldest ones just read */
	gone = again - from > size ? again - from - size : 0;
	if (gone > n || (uint32_t)(again - head) > INT32_MAX)
		gone = n; /* restarted under us: read it anew next time */
	memmove(out, out + gone, n - gone);
	n -= gone;
	*lost += gone;
	out[n] = 0;
	*text = out;
	*len = n;
	*cursor = (uint32_t)(again - head) > INT32_MAX ? 0 : head;
	return 0;
}

int cl_console_read(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, char **text, size_t *len, uint64_t *lost)
{
	uint64_t cursor = UINT64_MAX;

	return cl_console_follow(ctx, b, tp, &cursor, text, len, lost);
}

/* Why the payload posted no DONE or FAIL, as far as the card tells. */
static void silence(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, const struct cl_card_status *st,
		    char *buf, size_t len)
{
	uint32_t head = 0;
	char why[96];

	if (!cl_mailbox_ready(st, why, sizeof(why)))
		snprintf(buf, len, "the card did not start: its ROM has not "
			 "announced READY in the mailbox at 0x%" PRIx64 " (%s)",
			 b->mailbox, why);
	else if (st->go != CARDBOOT_GO)
		snprintf(buf, len, "the card is not released: the go word is "
			 "0x%08x, not GO", st->go);
	else if (st->status == CARDBOOT_STATUS_RUNNING)
		snprintf(buf, len, "the payload posted RUNNING, then neither "
			 "DONE nor FAIL");
	else if (st->status)
		snprintf(buf, len, "the payload's status word is neither DONE "
			 "nor FAIL");
	else if (b->has_console && !ring_head(ctx, b, tp, &head) && head)
		snprintf(buf, len, "the payload ran (%" PRIu32 " bytes on its "
			 "console ring) but posted no status", head);
	else
		snprintf(buf, len, "no sign that the card started: GO is set, "
			 "but there is no status%s (is its ROM spinning on the "
			 "mailbox?)", b->has_console ?
			 " and nothing on the console ring" : "");
}

int cl_wait(struct cl_ctx *ctx, const struct cl_board *b, struct cl_tp *tp,
	    unsigned timeout_ms, uint32_t *status)
{
	const struct timespec tick = { 0, 2 * 1000 * 1000 };
	double until = cl_now_ms() + timeout_ms;
	struct cl_card_status st;
	char why[256];
	int rc;

	if (!b->has_mailbox)
		return cl_seterr(ctx, CL_E_USAGE, "board '%s' has no mailbox "
				 "to wait on", b->name);
	for (;;) {
		if (cl_interrupted(ctx))
			return CL_E_INTR;
		rc = cl_mailbox_read(ctx, b, tp, &st);
		if (rc)
			return rc;
		*status = st.status;
		if (CARDBOOT_STATUS_KIND(st.status) == CARDBOOT_STATUS_DONE(0))
			return 0;
		if (CARDBOOT_STATUS_KIND(st.status) == CARDBOOT_STATUS_FAIL(0))
			return cl_seterr(ctx, CL_E_CARD, "the payload reported "
					 "failure: status 0x%08x (code %u)",
					 st.status, st.status & 0xffff);
		if (cl_now_ms() >= until) {
			silence(ctx, b, tp, &st, why, sizeof(why));
			return cl_seterr(ctx, CL_E_TIMEOUT, "no status from the "
					 "payload after %u ms (status word 0x%08x"
					 "): %s", timeout_ms, st.status, why);
		}
		nanosleep(&tick, NULL);
	}
}
