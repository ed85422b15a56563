/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text.c - human output: names from the outside world printed safely, and
 * the progress bar
 *
 * A file name, a board file's text or a card's console can hold anything.
 * In messages, control characters (C0, DEL and C1) are printed as \n, \t,
 * \r or \xHH, and every byte that is not part of valid UTF-8 as \xHH, so a
 * name cannot fake a line of its own or send a terminal escape; --json
 * strings use the same \xHH for invalid bytes (json.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#define SAFE_BUFS 4
#define SAFE_LEN 8192

/* Append the escaped form of s[0..len) to out (outlen bytes, NUL-terminated,
 * truncated with "..." when full). */
static void escape(const char *str, size_t len, char *out, size_t outlen,
		   bool keep_newlines)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, k;

	while (len) {
		char tmp[16];
		const char *add = tmp;
		size_t alen;

		k = utf8_seq_len(s, len);
		if (k == 1 && *s == '\n' && keep_newlines)
			add = "\n";
		else if (k == 1 && *s == '\n')
			add = "\\n";
		else if (k == 1 && *s == '\t')
			add = keep_newlines ? "\t" : "\\t";
		else if (k == 1 && *s == '\r')
			add = "\\r";
		else if (!k || (k == 1 && (*s < 0x20 || *s == 0x7f)))
			snprintf(tmp, sizeof(tmp), "\\x%02x", *s);
		else if (k == 2 && s[0] == 0xc2 && s[1] < 0xa0) /* C1 */
			snprintf(tmp, sizeof(tmp), "\\xc2\\x%02x", s[1]);
		else {
			memcpy(tmp, s, k);
			tmp[k] = 0;
		}
		alen = strlen(add);
		if (o + alen + 4 >= outlen) {
			memcpy(out + o, "...", 4);
			return;
		}
		memcpy(out + o, add, alen);
		o += alen;
		k = k ? k : 1;
		s += k;
		len -= k;
	}
	out[o] = 0;
}

const char *cli_safe(const char *s)
{
	static char buf[SAFE_BUFS][SAFE_LEN];
	static unsigned next;
	char *out = buf[next++ % SAFE_BUFS];

	escape(s ? s : "(null)", s ? strlen(s) : 6, out, SAFE_LEN, false);
	return out;
}

/* Console text and the like: newlines and tabs kept, the rest escaped. */
void cli_put_safe(FILE *f, const char *s, size_t len, bool keep_newlines)
{
	static char out[4 * SAFE_LEN + 8];

	while (len) {
		size_t n = len > SAFE_LEN ? SAFE_LEN : len;

		/* never split a UTF-8 sequence between two pieces */
		while (n < len && n > SAFE_LEN - 4 &&
		       ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		escape(s, n, out, sizeof(out), keep_newlines);
		fputs(out, f);
		s += n;
		len -= n;
	}
}

/* ---- progress ------------------------------------------------------------
 * One line on stderr, redrawn in place: stage, bar, percent, bytes, rate and
 * time left; ended with a newline by cli_progress_end, which also covers the
 * read-back that follows (or runs beside) the writes. */

static struct {
	bool on;
	double t0, last_draw;
	uint64_t total;
	bool drawn;
} bar;

static double now_s(void)
{
	return cl_now_ms() / 1e3;
}

static void draw(const char *stage, uint64_t done, uint64_t total)
{
	double el = now_s() - bar.t0, rate = el > 0 ? done / el : 0;
	int pct = total ? (int)(done * 100 / total) : 100, i;
	char hashes[31], left[32];

	for (i = 0; i < 30; i++)
		hashes[i] = i < pct * 30 / 100 ? '#' : ' ';
	hashes[30] = 0;
	if (rate > 0 && done < total)
		snprintf(left, sizeof(left), "%.0f s left",
			 (total - done) / rate + 0.5);
	else
		snprintf(left, sizeof(left), "%.1f s", el);
	fprintf(stderr, "\r%-7s [%s] %3d%% %7.1f/%.1f MiB %7.1f MiB/s %-12s",
		stage, hashes, pct, done / 1048576.0, total / 1048576.0,
		rate / 1048576.0, left);
	bar.drawn = true;
}

static void on_progress(void *arg, const char *stage, uint64_t done,
			uint64_t total)
{
	double t = now_s();

	(void)arg;
	bar.total = total;
	if (done >= total) {
		draw("verify", done, total);
		return;
	}
	if (t - bar.last_draw < 0.1)
		return;
	bar.last_draw = t;
	draw(stage, done, total);
}

/* Show the bar for this load when stderr is a terminal or --progress. */
void cli_progress_start(struct cli *c)
{
	if (c->lib || c->no_progress || !(c->progress || isatty(STDERR_FILENO)))
		return;
	bar.on = true;
	bar.drawn = false;
	bar.t0 = now_s();
	bar.last_draw = 0;
	cl_set_progress(c->ctx, on_progress, c);
}

void cli_progress_end(struct cli *c, bool ok)
{
	if (!bar.on)
		return;
	bar.on = false;
	cl_set_progress(c->ctx, NULL, NULL);
	if (!bar.drawn)
		return;
	if (ok)
		draw("done", bar.total, bar.total);
	fputc('\n', stderr);
}
