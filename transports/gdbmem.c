/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbmem.c - card memory through a GDB remote stub: X (binary) or M (hex)
 * writes and m reads, pipelined
 *
 * A stub answers requests in the order they came, so up to gdb->window of
 * them go out before the first reply is read: the stub works while the
 * host builds the next packets, instead of each request waiting a round
 * trip. The first write goes alone, to learn whether the stub knows X (an
 * empty answer: M from then on, that write sent again as M). A stub that
 * answers a read with fewer bytes than asked is asked again from there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "gdb.h"
#include "util.h"

/* The stub's answer to a request that wants "OK". */
static int want_ok(struct gdb_link *l, const char *what, uint64_t addr)
{
	unsigned code;

	if (!strcmp(l->reply, "OK"))
		return 0;
	if (gdb_reply_error(l->reply, l->rlen, &code))
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the stub refused "
				 "'%s' at 0x%" PRIx64 " (E%02x)", l->addr, what,
				 addr, code);
	return cl_seterr(l->ctx, CL_E_IO, "gdb %s: '%.20s' in reply to '%s' "
			 "at 0x%" PRIx64, l->addr, l->reply, what, addr);
}

/* One X or M request for p[0..len) into g->req: its length, and *taken
 * bytes of p it carries. */
static size_t build_write(struct gdb *g, uint64_t addr, const uint8_t *p,
			  size_t len, size_t *taken)
{
	struct gdb_link *l = &g->l;

	if (!g->no_x)
		return gdb_req_write_bin(g->req, l->pktsize - 4, addr, p, len,
					 taken); /* the frame: "$" data "#cc" */
	*taken = gdb_write_hex_max(l->pktsize, addr);
	if (*taken > len)
		*taken = len;
	return *taken ? gdb_req_write_hex((char *)g->req, l->pktsize + 1,
					  addr, p, *taken) : 0;
}

static void write_what(const struct gdb *g, char *buf, size_t len,
		       uint64_t addr, size_t n)
{
	snprintf(buf, len, "%c 0x%" PRIx64 ",%zu", g->no_x ? 'M' : 'X', addr,
		 n);
}

/* The first write goes alone: an empty answer to X means M from then
 * on, and that write is sent again as M. */
static int write_first(struct gdb *g, uint64_t addr, const uint8_t *p,
		       size_t len, size_t *taken)
{
	struct gdb_link *l = &g->l;
	char what[64];
	int rc;

	for (;;) {
		size_t n = build_write(g, addr, p, len, taken);

		write_what(g, what, sizeof(what), addr, *taken);
		if (!n || !*taken)
			return cl_seterr(l->ctx, CL_E_INTERNAL, "gdb: '%s' does "
					 "not fit a packet of %zu", what,
					 l->pktsize);
		rc = gdb_link_req(l, g->req, n, what);
		if (rc || l->rlen || g->no_x)
			return rc ? rc : want_ok(l, what, addr);
		g->no_x = true;
		cl_log(l->ctx, CL_LOG_INFO, "gdb %s: no X packet; writing "
		       "with M", l->addr);
	}
}

/* Requests in flight, answered in order. */
struct flight {
	uint64_t addr[GDB_WINDOW_MAX];
	size_t len[GDB_WINDOW_MAX];
	unsigned head, n;
};

static int write_collect(struct gdb *g, struct flight *f)
{
	uint64_t addr = f->addr[f->head];
	char what[64];
	int rc;

	write_what(g, what, sizeof(what), addr, f->len[f->head]);
	f->head = (f->head + 1) % GDB_WINDOW_MAX;
	f->n--;
	rc = gdb_link_recv(&g->l, what);
	return rc ? rc : want_ok(&g->l, what, addr);
}

int gdb_mem_write(struct gdb *g, uint64_t addr, const uint8_t *p,
		  size_t len)
{
	struct flight f = { .n = 0 };
	size_t taken = 0;
	int rc = 0;

	if (len && !g->probed) {
		rc = write_first(g, addr, p, len, &taken);
		g->probed = true;
		addr += taken;
		p += taken;
		len -= taken;
	}
	while (!rc && len) {
		char what[64];
		size_t n = build_write(g, addr, p, len, &taken);
		unsigned slot = (f.head + f.n) % GDB_WINDOW_MAX;

		write_what(g, what, sizeof(what), addr, taken);
		if (!n || !taken) {
			rc = cl_seterr(g->l.ctx, CL_E_INTERNAL, "gdb: '%s' does "
				       "not fit a packet of %zu", what,
				       g->l.pktsize);
			break;
		}
		rc = gdb_link_send(&g->l, g->req, n, what);
		f.addr[slot] = addr;
		f.len[slot] = taken;
		f.n++;
		if (!rc && f.n == g->window)
			rc = write_collect(g, &f);
		addr += taken;
		p += taken;
		len -= taken;
	}
	while (!rc && f.n)
		rc = write_collect(g, &f);
	return rc;
}

/* The reply to "m addr,len" into p: *got bytes (a stub may send fewer). */
static int read_reply(struct gdb *g, uint64_t addr, uint8_t *p, size_t len,
		      size_t *got)
{
	struct gdb_link *l = &g->l;
	char what[64];
	unsigned code;
	int rc;

	snprintf(what, sizeof(what), "m 0x%" PRIx64 ",%zu", addr, len);
	rc = gdb_link_recv(l, what);
	if (rc)
		return rc;
	if (gdb_reply_error(l->reply, l->rlen, &code))
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the stub refused "
				 "'%s' (E%02x)", l->addr, what, code);
	if (!l->rlen || l->rlen % 2 || l->rlen > 2 * len ||
	    gdb_hex_get(l->reply, l->rlen, p, l->rlen / 2))
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: a malformed reply "
				 "to '%s' (%zu characters: '%.16s')", l->addr,
				 what, l->rlen, l->reply);
	*got = l->rlen / 2;
	return 0;
}

/* Up to window m requests from addr on, then their replies in order;
 * *done: bytes read contiguously from addr (less than asked when a stub
 * answered one of them short: the caller asks again from there). */
static int read_batch(struct gdb *g, uint64_t addr, uint8_t *p, size_t len,
		      size_t *done)
{
	size_t max = gdb_read_max(g->l.pktsize), off = 0, sent = 0;
	size_t piece[GDB_WINDOW_MAX];
	unsigned i, k;
	bool whole = true;
	int rc = 0;

	for (k = 0; k < g->window && sent < len && !rc; k++) {
		char req[64];
		size_t n = gdb_req_read(req, sizeof(req), addr + sent,
					piece[k] = len - sent < max ?
					len - sent : max);

		rc = gdb_link_send(&g->l, req, n, req);
		sent += piece[k];
	}
	for (i = 0; i < k && !rc; i++) {
		size_t got = 0;

		rc = read_reply(g, addr + off, p + off, piece[i], &got);
		if (whole)
			off += got;
		whole = whole && got == piece[i];
	}
	*done = off;
	return rc;
}

int gdb_mem_read(struct gdb *g, uint64_t addr, uint8_t *p, size_t len)
{
	int rc = 0;

	while (!rc && len) {
		size_t done = 0;

		rc = read_batch(g, addr, p, len, &done);
		addr += done;
		p += done;
		len -= done;
	}
	return rc;
}
