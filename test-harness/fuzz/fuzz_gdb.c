/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_gdb.c - libFuzzer target: what a GDB stub sends -> the pure core of
 * the gdb transport (gdbproto.c, gdbtdesc.c): the receive state machine and
 * the reply parsers, target descriptions with their includes, and the
 * escape -> frame -> receive round trip
 *
 * Input: HDR[4] BODY. HDR[0] & 63 is the small receive buffer's size (0
 * included); HDR[1..3] are the sizes of the chunks BODY is fed in, in turn
 * (each % 64 + 1). BODY is, all at once:
 *   - stub traffic, fed through gdb_rx twice with the small buffer (in
 *     chunks, and in one piece: the events must be the same) and once with
 *     a large one (the same events, except that the small buffer may say
 *     TOOBIG where the large one has a packet or a bad run length); every
 *     packet goes through the reply parsers, as gdblink.c would;
 *   - target descriptions: BODY split at NUL bytes into the top document
 *     (0) and the documents an <xi:include href="N"> or "N.xml" fetches
 *     (at most 16 fetches, as gdbregs.c allows);
 *   - binary data: escaped (and, as a reply, run-length encoded), framed
 *     and received back, which must give exactly BODY; and an X request
 *     of it, received back.
 * A violated invariant is __builtin_trap(). FUZZ_DEBUG=1 prints, per
 * input, the events and what the description parse gave.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gdbproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 4
#define LARGE_CAP 65536
#define MAX_EVENTS 4096
#define MAX_DOCS 64
#define MAX_FETCHES 16	/* gdbregs.c: DOCS_MAX */

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct events {
	unsigned n;
	uint8_t ev[MAX_EVENTS];
	uint32_t hash[MAX_EVENTS];	/* of a packet's data */
	uint32_t len[MAX_EVENTS];
};

static int debug = -1;

static bool debugging(void)
{
	if (debug < 0)
		debug = getenv("FUZZ_DEBUG") != NULL;
	return debug;
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The request sizes a stub's PacketSize gives (gdbmem.c): the largest
 * read whose reply fits, the largest M request that fits, and not one
 * byte more. */
static void sizes(size_t pktsize, size_t seed)
{
	uint64_t addr = 0x80000000u + (uint64_t)seed * 0x1001;
	size_t rmax = gdb_read_max(pktsize), wmax, cap = pktsize - 3, l;
	uint8_t *data = calloc(1, pktsize);
	char *out = malloc(cap);

	check(data && out);
	check(rmax >= 1 && 2 * rmax + 4 <= pktsize);
	check(2 * (rmax + 1) + 4 > pktsize);
	l = gdb_req_read(out, cap, addr, rmax);
	check(l && l < cap && out[l] == 0 && out[0] == 'm');
	wmax = gdb_write_hex_max(pktsize, addr);
	check(wmax >= 1 && wmax < pktsize);
	l = gdb_req_write_hex(out, cap, addr, data, wmax);
	check(l && l + 4 <= pktsize && out[l] == 0 && out[0] == 'M');
	check(!gdb_req_write_hex(out, cap, addr, data, wmax + 1));
	free(data);
	free(out);
}

/* A packet as gdblink.c and its callers take it. */
static void packet(const struct gdb_rx *rx)
{
	const char *p = (const char *)rx->buf, *d;
	size_t n = rx->len, dl, i;
	struct gdb_features f;
	unsigned code, sig;
	uint8_t *bin;
	char *hex;
	int k;

	check(rx->cap && n < rx->cap && rx->buf[n] == 0);
	if (gdb_reply_error(p, n, &code))
		check(p[0] == 'E' && code < 256);
	k = gdb_reply_stop(p, n, &sig);
	check(!k || (k == p[0] && sig < 256));
	if (!gdb_supported_parse(p, n, &f)) {
		check(!f.packet_size || (f.packet_size >= 64 &&
					 f.packet_size <= (1u << 20)));
		if (f.packet_size)
			sizes(f.packet_size, n);
	}
	k = gdb_xfer_reply(p, n, &d, &dl);
	check(!k || (k == p[0] && d == p + 1 && dl == n - 1));
	/* a memory read's reply; exactly sized, so over-runs show */
	bin = malloc(n / 2 + 1);
	hex = malloc(n + 1);
	check(bin && hex);
	if (!gdb_hex_get(p, n, bin, n / 2)) {
		check(n % 2 == 0);
		gdb_hex_put(hex, bin, n / 2);
		for (i = 0; i < n; i++)
			check(hex[i] == lower((unsigned char)p[i]));
	}
	free(bin);
	free(hex);
}

/* BODY through gdb_rx with a cap-byte buffer, in chunks from hdr (or in
 * one piece when hdr is NULL), every event handled; recorded in *e. */
static void receive(const uint8_t *body, size_t n, size_t cap,
		    const uint8_t *hdr, struct events *e)
{
	uint8_t *buf = malloc(cap ? cap : 1);
	struct gdb_rx rx;
	size_t pos = 0, end = 0, used;
	unsigned chunk = 0;

	check(buf);
	gdb_rx_init(&rx, buf, cap);
	e->n = 0;
	while (pos < n) {
		enum gdb_rx_event ev;
		size_t avail;

		if (pos == end) {
			end = hdr ? pos + hdr[1 + chunk++ % 3] % 64 + 1 : n;
			if (end > n)
				end = n;
		}
		avail = end - pos;
		ev = gdb_rx_feed(&rx, body + pos, avail, &used);
		check(used <= avail);
		pos += used;
		if (ev == GDB_RX_MORE) {
			check(used == avail);
			continue;
		}
		check(used >= 1);
		check((int)ev >= GDB_RX_PACKET && (int)ev <= GDB_RX_BADRLE);
		if (ev == GDB_RX_PACKET)
			packet(&rx);
		else if (ev != GDB_RX_ACK && ev != GDB_RX_NAK)
			check(rx.len == 0);
		if (e->n < MAX_EVENTS) {
			e->ev[e->n] = (uint8_t)ev;
			e->len[e->n] = ev == GDB_RX_PACKET ? (uint32_t)rx.len : 0;
			e->hash[e->n] = ev == GDB_RX_PACKET ?
					fnv(buf, rx.len) : 0;
			e->n++;
		}
	}
	free(buf);
}

static void traffic(const uint8_t *hdr, const uint8_t *body, size_t n)
{
	static struct events a, b, c;
	size_t small = hdr[0] & 63;
	unsigned i;

	receive(body, n, small, hdr, &a);
	receive(body, n, small, NULL, &b);
	receive(body, n, LARGE_CAP, hdr, &c);
	/* chunking changes nothing */
	check(a.n == b.n && !memcmp(a.ev, b.ev, a.n) &&
	      !memcmp(a.hash, b.hash, a.n * sizeof(a.hash[0])) &&
	      !memcmp(a.len, b.len, a.n * sizeof(a.len[0])));
	/* a smaller buffer only turns packets (or bad run lengths, found
	 * later in the packet) into TOOBIG */
	check(a.n == c.n);
	for (i = 0; i < a.n; i++) {
		if (a.ev[i] == c.ev[i]) {
			check(a.len[i] == c.len[i] && a.hash[i] == c.hash[i]);
			continue;
		}
		check(a.ev[i] == GDB_RX_TOOBIG);
		check(c.ev[i] == GDB_RX_BADRLE ||
		      (c.ev[i] == GDB_RX_PACKET && c.len[i] >= small));
	}
	if (debugging()) {
		fprintf(stderr, "fuzz_gdb: events");
		for (i = 0; i < c.n; i++)
			fprintf(stderr, " %u", c.ev[i]);
		fprintf(stderr, "\n");
	}
}

/* ---- target descriptions ---------------------------------------------- */

struct docs {
	char *doc[MAX_DOCS];
	size_t len[MAX_DOCS];
	unsigned n, fetches;
};

/* href "N" or "N.xml": document N; anything else fails. */
static int fetch(void *arg, const char *href, const char **text, size_t *len)
{
	struct docs *d = arg;
	unsigned idx = 0;
	const char *s = href;

	check(strlen(href) < 128);
	if (d->fetches >= MAX_FETCHES || *s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9' && idx < MAX_DOCS)
		idx = idx * 10 + (unsigned)(*s++ - '0');
	if ((*s && strcmp(s, ".xml")) || idx >= d->n)
		return -1;
	d->fetches++;
	*text = d->doc[idx];
	*len = d->len[idx];
	return 0;
}

static void tdesc(const uint8_t *body, size_t n)
{
	static const char *const names[] = { "pc", "a0", "x10", "x0", "r0",
					     "sp", "" };
	static const char *const machines[] = { "riscv64", "riscv32",
						"aarch64", "arm", "x86_64",
						"mips" };
	static struct gdb_tdesc td, fb;
	struct docs d = { .n = 0 };
	const struct gdb_reg *r;
	char why[96];
	size_t pos = 0;
	unsigned i;
	int rc;

	/* each document in its own exactly sized block */
	while (d.n < MAX_DOCS) {
		const uint8_t *z = memchr(body + pos, 0, n - pos);
		size_t l = z ? (size_t)(z - (body + pos)) : n - pos;

		d.doc[d.n] = malloc(l ? l : 1);
		check(d.doc[d.n]);
		memcpy(d.doc[d.n], body + pos, l);
		d.len[d.n++] = l;
		if (!z)
			break;
		pos += l + 1;
	}
	memset(&td, 0, sizeof(td));
	memset(why, 0x55, sizeof(why));
	rc = gdb_tdesc_parse(&td, d.doc[0], d.len[0], fetch, &d, 0, why,
			     sizeof(why));
	check(rc == 0 || rc == -1);
	if (rc)
		check(memchr(why, 0, sizeof(why)));
	if (debugging())
		fprintf(stderr, "fuzz_gdb: %u documents, %u fetches, arch '%s', "
			"%u regs: %s\n", d.n, d.fetches, td.arch, td.nreg,
			rc ? why : "ok");
	check(td.nreg <= GDB_TDESC_MAX_REGS);
	check(memchr(td.arch, 0, sizeof(td.arch)));
	for (i = 0; i < td.nreg; i++) {
		size_t nl = strnlen(td.reg[i].name, GDB_TDESC_NAME);

		check(nl > 0 && nl < GDB_TDESC_NAME);
		check(td.reg[i].bits > 0 && td.reg[i].bits <= (1u << 16));
	}
	if (td.nreg) {
		r = gdb_tdesc_find(&td, td.reg[0].name);
		check(r == &td.reg[0]);
		r = gdb_tdesc_find(&td, td.reg[td.nreg - 1].name);
		check(r && !strcmp(r->name, td.reg[td.nreg - 1].name));
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		r = gdb_tdesc_find(&td, names[i]);
		check(!r || !strcmp(r->name, names[i]));
	}
	/* P requests for the first registers, as gdbregs.c sets them */
	for (i = 0; i < td.nreg && i < 8; i++) {
		unsigned bits = td.reg[i].bits;
		char req[64];
		size_t l = gdb_req_reg(req, sizeof(req), td.reg[i].regnum, bits,
				       0x8000000000001234u, i & 1);

		check(l < sizeof(req));
		if (bits >= 8 && bits <= 128 && bits % 8 == 0)
			check(l && req[0] == 'P' && req[l] == 0 &&
			      req[l - 2 * (bits / 8) - 1] == '=');
		else
			check(!l);
	}
	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		(void)gdb_arch_fits(td.arch, machines[i]);
		memset(&fb, 0, sizeof(fb));
		if (!gdb_tdesc_fallback(&fb, machines[i]))
			check(gdb_arch_fits(fb.arch, machines[i]) &&
			      gdb_tdesc_find(&fb, "pc"));
	}
	for (i = 0; i < d.n; i++)
		free(d.doc[i]);
}

/* ---- round trips ------------------------------------------------------ */

/* frame[0..fl) through gdb_rx into a cap-byte buffer: exactly one packet,
 * its data want[0..wl). */
static void receive_exactly(const uint8_t *frame, size_t fl, size_t cap,
			    const uint8_t *want, size_t wl)
{
	uint8_t *buf = malloc(cap);
	struct gdb_rx rx;
	size_t used;

	check(buf);
	gdb_rx_init(&rx, buf, cap);
	check(gdb_rx_feed(&rx, frame, fl, &used) == GDB_RX_PACKET);
	check(used == fl && rx.len == wl && !memcmp(buf, want, wl) &&
	      buf[wl] == 0);
	free(buf);
}

/* BODY escaped and run-length encoded as gdbserver sends replies: a run
 * of 4 or more of c is c '*' (repeats + 29), at most 97 repeats, never
 * 6 or 7 (the counts '#' and '$'). out: 2n bytes. Return: its length. */
static size_t rle(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		size_t rep = 0;

		while (i + 1 + rep < n && in[i + 1 + rep] == in[i] && rep < 97)
			rep++;
		if (rep == 6 || rep == 7)
			rep = 5;
		o += gdb_escape(in + i, 1, out + o, 2, &k);
		if (rep >= 3) {
			out[o++] = '*';
			out[o++] = (uint8_t)(rep + 29);
			i += rep;
		}
		i++;
	}
	return o;
}

static void roundtrip(const uint8_t *hdr, const uint8_t *body, size_t n)
{
	uint8_t *esc = malloc(2 * n + 1), *frame = malloc(2 * n + 4);
	size_t el, fl, k, cap, taken;
	uint64_t addr;

	check(esc && frame);
	el = gdb_escape(body, n, esc, 2 * n, &k);
	check(k == n && el >= n && el <= 2 * n);
	fl = gdb_frame(esc, el, frame, el + 4);
	check(fl == el + 4);
	check(gdb_frame(esc, el, frame, el + 3) == 0);
	receive_exactly(frame, fl, n + 1, body, n);

	/* run-length encoded */
	el = rle(body, n, esc);
	check(el <= 2 * n);
	fl = gdb_frame(esc, el, frame, 2 * n + 4);
	check(fl == el + 4);
	receive_exactly(frame, fl, n + 1, body, n);

	/* a prefix into a short buffer: whole bytes only */
	cap = n ? (hdr[1] | (size_t)hdr[2] << 8) % (2 * n) : 0;
	el = gdb_escape(body, n, esc, cap, &k);
	check(k <= n && el <= cap && (k == n || cap - el < 2));
	fl = gdb_frame(esc, el, frame, 2 * n + 4);
	check(fl == el + 4);
	receive_exactly(frame, fl, k + 1, body, k);

	/* an X request of BODY in a packet of cap bytes */
	addr = 0x80000000u + ((uint64_t)hdr[3] << 24);
	cap = (hdr[1] | (size_t)hdr[2] << 8) % (2 * n + 32);
	el = gdb_req_write_bin(esc, cap < 2 * n ? cap : 2 * n, addr, body, n,
			       &taken);
	check(taken <= n && el <= cap);
	if (el) {
		char hdrtxt[48];
		size_t hl = 0;
		uint8_t *want = malloc(n + sizeof(hdrtxt));

		check(want);
		hl = (size_t)snprintf(hdrtxt, sizeof(hdrtxt), "X%llx,%zx:",
				      (unsigned long long)addr, taken);
		memcpy(want, hdrtxt, hl);
		memcpy(want + hl, body, taken);
		fl = gdb_frame(esc, el, frame, 2 * n + 4);
		check(fl == el + 4);
		receive_exactly(frame, fl, hl + taken + 1, want, hl + taken);
		free(want);
	}
	free(esc);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR)
		return 0;
	traffic(data, data + HDR, size - HDR);
	tdesc(data + HDR, size - HDR);
	roundtrip(data, data + HDR, size - HDR);
	return 0;
}
