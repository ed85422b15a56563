/* console.c - the console ring of cardboot.h, and waiting for the payload's
 * status word */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "cardboot.h"
#include "internal.h"
#include "release.h"
#include "transport.h"

static uint32_t size_of(const struct cl_board *b)
{
	return (uint32_t)(b->console_size - CARDBOOT_CONSOLE_DATA_OFF);
}

int cl_console_init(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp)
{
	uint8_t hdr[CARDBOOT_CONSOLE_DATA_OFF] = { 0 }, got[sizeof(hdr)];
	int rc;

	cl_put_word(hdr + CARDBOOT_CONSOLE_MAGIC_OFF, 4, 1, CARDBOOT_CONSOLE_MAGIC);
	cl_put_word(hdr + CARDBOOT_CONSOLE_SIZE_OFF, 4, 1, size_of(b));
	rc = cl_tp_write(tp, b->console, hdr, sizeof(hdr));
	if (!rc)
		rc = cl_tp_flush(tp);
	if (!rc)
		rc = cl_tp_read(tp, b->console, got, sizeof(got));
	if (!rc && memcmp(got, hdr, sizeof(hdr)))
		rc = cl_seterr(ctx, CL_E_VERIFY, "console ring header at 0x%"
			       PRIx64 " reads back differently; card left "
			       "held", b->console);
	return rc;
}

int cl_console_read(struct cl_ctx *ctx, const struct cl_board *b,
		    struct cl_tp *tp, char **text, size_t *len, uint64_t *lost)
{
	uint8_t hdr[CARDBOOT_CONSOLE_DATA_OFF];
	uint32_t size, head, n, start;
	char *out;
	int rc;

	*text = NULL;
	*len = 0;
	*lost = 0;
	if (!b->has_console)
		return cl_seterr(ctx, CL_E_USAGE, "board '%s' has no console "
				 "ring", b->name);
	rc = cl_tp_read(tp, b->console, hdr, sizeof(hdr));
	if (rc)
		return rc;
	size = (uint32_t)cl_get_word(hdr + CARDBOOT_CONSOLE_SIZE_OFF, 4, 1);
	head = (uint32_t)cl_get_word(hdr + CARDBOOT_CONSOLE_HEAD_OFF, 4, 1);
	if (cl_get_word(hdr, 4, 1) != CARDBOOT_CONSOLE_MAGIC ||
	    size != size_of(b))
		return cl_seterr(ctx, CL_E_STATE, "no console ring at 0x%" PRIx64
				 " (not initialised by a load)", b->console);
	n = head < size ? head : size;
	*lost = head - n;
	out = malloc((size_t)n + 1);
	if (!out)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	start = head - n; /* oldest byte still in the ring */
	for (uint32_t done = 0; done < n && !rc;) {
		uint32_t at = (start + done) % size;
		uint32_t chunk = size - at < n - done ? size - at : n - done;

		rc = cl_tp_read(tp, b->console + CARDBOOT_CONSOLE_DATA_OFF + at,
				out + done, chunk);
		done += chunk;
	}
	if (rc) {
		free(out);
		return rc;
	}
	out[n] = 0;
	*text = out;
	*len = n;
	return 0;
}

int cl_wait(struct cl_ctx *ctx, const struct cl_board *b, struct cl_tp *tp,
	    unsigned timeout_ms, uint32_t *status)
{
	const struct timespec tick = { 0, 2 * 1000 * 1000 };
	double until = cl_now_ms() + timeout_ms;
	struct cl_card_status st;
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
		if (cl_now_ms() >= until)
			return cl_seterr(ctx, CL_E_TIMEOUT, "no status from the "
					 "payload after %u ms (status word 0x%08x"
					 ")", timeout_ms, st.status);
		nanosleep(&tick, NULL);
	}
}
