/* SPDX-License-Identifier: GPL-2.0-or-later */
/* regseq.c - register sequences from board files: parse and run
 *
 * Cards that hold and release their CPU through registers describe it as a
 * few steps on a BAR (board keys hold-step and start-step):
 *
 *   write8|write16|write32|write64 BAR:OFF VALUE
 *   entry32|entry64 BAR:OFF        the entry (low 32 bits, or all 64)
 *   entry-hi32 BAR:OFF             the entry's high 32 bits
 *   arg32|arg64 N BAR:OFF          argument register N (0..3)
 *   poll8|poll16|poll32|poll64 BAR:OFF MASK WANT TIMEOUT_MS
 *                                  until (value & MASK) == WANT
 *   delay MS
 *
 * Running goes through the transport's register hooks, which check every
 * access against the BAR's size.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "release.h"
#include "transport.h"

#define MAX_TIMEOUT_MS 600000

__attribute__((format(printf, 3, 4)))
static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* "BAR:OFF" with BAR 0..5 */
static int parse_ref(const char *s, struct cl_regref *r)
{
	const char *colon = strchr(s, ':');
	char bar[8];
	uint64_t b;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(bar))
		return -1;
	memcpy(bar, s, (size_t)(colon - s));
	bar[colon - s] = 0;
	if (cl_parse_num(bar, &b) || b > 5 || cl_parse_num(colon + 1, &r->off))
		return -1;
	r->bar = (int)b;
	return 0;
}

/* "write32" -> 4 when the word starts with prefix */
static unsigned width_of(const char *word, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(word, prefix, n))
		return 0;
	if (!strcmp(word + n, "8"))
		return 1;
	if (!strcmp(word + n, "16"))
		return 2;
	if (!strcmp(word + n, "32"))
		return 4;
	if (!strcmp(word + n, "64"))
		return 8;
	return 0;
}

int cl_regstep_parse(const char *text, struct cl_regstep *out, char *err,
		     size_t errlen)
{
	char buf[256], *w[7], *save = NULL, *tok;
	unsigned n = 0, want;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	out->reg.bar = -1;
	if (strlen(text) >= sizeof(buf))
		return bad(err, errlen, "step too long");
	strcpy(buf, text);
	for (tok = strtok_r(buf, " \t", &save); tok && n < 7;
	     tok = strtok_r(NULL, " \t", &save))
		w[n++] = tok;
	if (tok || !n)
		return bad(err, errlen, "bad step '%s'", text);
	if ((out->width = width_of(w[0], "write"))) {
		out->op = CL_REG_WRITE;
		want = 3;
	} else if ((out->width = width_of(w[0], "poll"))) {
		out->op = CL_REG_POLL;
		want = 5;
	} else if (!strcmp(w[0], "entry32") || !strcmp(w[0], "entry64")) {
		out->op = CL_REG_ENTRY;
		out->width = w[0][5] == '3' ? 4 : 8;
		want = 2;
	} else if (!strcmp(w[0], "entry-hi32")) {
		out->op = CL_REG_ENTRY_HI;
		out->width = 4;
		want = 2;
	} else if (!strcmp(w[0], "arg32") || !strcmp(w[0], "arg64")) {
		out->op = CL_REG_ARG;
		out->width = w[0][3] == '3' ? 4 : 8;
		want = 3;
	} else if (!strcmp(w[0], "delay")) {
		out->op = CL_REG_DELAY;
		want = 2;
	} else {
		return bad(err, errlen, "unknown step '%s' (want write<W>, "
			   "entry32, entry64, entry-hi32, arg32, arg64, "
			   "poll<W> or delay)", w[0]);
	}
	if (n != want)
		return bad(err, errlen, "step '%s' takes %u words, got %u", w[0],
			   want - 1, n - 1);
	switch (out->op) {
	case CL_REG_DELAY:
		if (cl_parse_num(w[1], &v) || v > MAX_TIMEOUT_MS)
			return bad(err, errlen, "bad delay '%s' (ms)", w[1]);
		out->timeout_ms = (unsigned)v;
		return 0;
	case CL_REG_ARG:
		if (cl_parse_num(w[1], &v) || v > 3)
			return bad(err, errlen, "bad argument number '%s' "
				   "(0..3)", w[1]);
		out->argn = (unsigned)v;
		w[1] = w[2];
		break;
	default:
		break;
	}
	if (parse_ref(w[1], &out->reg))
		return bad(err, errlen, "bad register '%s' (want BAR:OFFSET, "
			   "BAR 0..5)", w[1]);
	if (out->reg.off % out->width)
		return bad(err, errlen, "register %s is not %u-byte aligned",
			   w[1], out->width);
	if (out->op == CL_REG_WRITE && cl_parse_num(w[2], &out->value))
		return bad(err, errlen, "bad value '%s'", w[2]);
	if (out->op == CL_REG_POLL &&
	    (cl_parse_num(w[2], &out->mask) || cl_parse_num(w[3], &out->want) ||
	     cl_parse_num(w[4], &v) || v > MAX_TIMEOUT_MS))
		return bad(err, errlen, "bad poll '%s %s %s' (want MASK WANT "
			   "TIMEOUT_MS)", w[2], w[3], w[4]);
	if (out->op == CL_REG_POLL)
		out->timeout_ms = (unsigned)v;
	if (out->width < 8) {
		uint64_t lim = (1ull << (8 * out->width)) - 1;

		if (out->value > lim || out->mask > lim || out->want > lim)
			return bad(err, errlen, "value wider than %u bytes",
				   out->width);
	}
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int poll_reg(struct cl_ctx *ctx, struct cl_tp *tp,
		    const struct cl_regstep *s)
{
	double until = cl_now_ms() + s->timeout_ms;
	uint64_t v = 0;
	int rc;

	for (;;) {
		rc = cl_tp_reg_read(tp, s->reg.bar, s->reg.off, s->width, &v);
		if (rc || (v & s->mask) == s->want)
			return rc;
		if (cl_now_ms() >= until)
			return cl_seterr(ctx, CL_E_TIMEOUT, "register %d:0x%"
					 PRIx64 " reads 0x%" PRIx64 ", waited "
					 "%u ms for (value & 0x%" PRIx64 ") == "
					 "0x%" PRIx64, s->reg.bar, s->reg.off,
					 v, s->timeout_ms, s->mask, s->want);
		sleep_ms(1);
	}
}

int cl_regseq_run(struct cl_ctx *ctx, struct cl_tp *tp,
		  const struct cl_regstep *steps, unsigned n, uint64_t entry,
		  const uint64_t *args)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		const struct cl_regstep *s = &steps[i];
		uint64_t v = s->value;

		switch (s->op) {
		case CL_REG_DELAY:
			sleep_ms(s->timeout_ms);
			continue;
		case CL_REG_POLL:
			rc = poll_reg(ctx, tp, s);
			continue;
		case CL_REG_ENTRY:
			v = entry;
			break;
		case CL_REG_ENTRY_HI:
			v = entry >> 32;
			break;
		case CL_REG_ARG:
			v = args ? args[s->argn] : 0;
			break;
		case CL_REG_WRITE:
			break;
		}
		if (s->width < 8)
			v &= (1ull << (8 * s->width)) - 1;
		rc = cl_tp_reg_write(tp, s->reg.bar, s->reg.off, s->width, v);
		if (!rc)
			rc = cl_tp_flush(tp);
	}
	return rc;
}
