/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbregs.c - the halted CPU's registers through a GDB remote stub: the
 * target description read and parsed, the program counter and argument
 * registers found by name, and set
 *
 * The description comes from qXfer:features:read (target.xml and the
 * documents it includes, each read in pieces until the 'l' reply); a stub
 * that serves none gets GDB's own register numbers for the board's machine
 * (gdb_tdesc_fallback). Registers are set with P; a stub that does not
 * know P (empty reply) gets g, the register's bytes changed, and G.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gdbregs.h"
#include "util.h"

#define DOC_MAX (256u << 10)   /* one description document */
#define DOCS_MAX 16

struct fetch {
	struct gdb_link *l;
	char *doc[DOCS_MAX];
	unsigned ndoc;
	int err;
};

/* One document by qXfer, read in pieces of what a reply can carry. */
static int read_doc(struct gdb_link *l, const char *annex, char **out,
		    size_t *outlen)
{
	size_t len = 0, piece = l->pktsize > 64 ? l->pktsize - 16 : 48;
	char req[192], what[160], *doc = NULL;

	*out = NULL;
	for (;;) {
		const char *data;
		size_t dlen;
		char *grown;
		int kind, rc;

		snprintf(req, sizeof(req), "qXfer:features:read:%s:%zx,%zx",
			 annex, len, piece);
		snprintf(what, sizeof(what), "qXfer:features:read:%s", annex);
		rc = gdb_link_req(l, req, strlen(req), what);
		if (rc) {
			free(doc);
			return rc;
		}
		kind = gdb_xfer_reply(l->reply, l->rlen, &data, &dlen);
		if (!kind || len + dlen > DOC_MAX) {
			free(doc);
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: %s to '%s'",
					 l->addr, kind ? "a description "
					 "larger than 256 KiB" :
					 "an unexpected reply", what);
		}
		grown = realloc(doc, len + dlen + 1);
		if (!grown) {
			free(doc);
			return cl_seterr(l->ctx, CL_E_NOMEM, "out of memory");
		}
		doc = grown;
		memcpy(doc + len, data, dlen);
		len += dlen;
		doc[len] = 0;
		if (kind == 'l' || !dlen)
			break;
	}
	*out = doc;
	*outlen = len;
	return 0;
}

static int fetch_include(void *arg, const char *href, const char **text,
			 size_t *len)
{
	struct fetch *f = arg;
	char *doc;

	if (f->ndoc == DOCS_MAX || strpbrk(href, ":/")) {
		f->err = cl_seterr(f->l->ctx, CL_E_IO, "gdb %s: target "
				   "description include '%.60s' refused (%s)",
				   f->l->addr, href, f->ndoc == DOCS_MAX ?
				   "too many documents" : "not a plain name");
		return -1;
	}
	f->err = read_doc(f->l, href, &doc, len);
	if (f->err)
		return -1;
	f->doc[f->ndoc++] = doc;
	*text = doc;
	return 0;
}

static int describe(struct gdb_link *l, const char *machine,
		    struct gdb_tdesc *td)
{
	struct fetch f = { .l = l };
	char why[96], *top;
	size_t len;
	unsigned i;
	int rc;

	memset(td, 0, sizeof(*td));
	if (!l->feat.xfer_features) {
		if (machine && !gdb_tdesc_fallback(td, machine))
			return 0;
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the stub sends no "
				 "target description and machine '%s' has no "
				 "register table here", l->addr,
				 machine ? machine : "(none)");
	}
	rc = read_doc(l, "target.xml", &top, &len);
	if (rc)
		return rc;
	if (gdb_tdesc_parse(td, top, len, fetch_include, &f, 0, why,
			    sizeof(why)))
		rc = f.err ? f.err : cl_seterr(l->ctx, CL_E_IO, "gdb %s: "
					       "target description: %s",
					       l->addr, why);
	free(top);
	for (i = 0; i < f.ndoc; i++)
		free(f.doc[i]);
	return rc;
}

/* The first of names the description has. */
static const struct gdb_reg *find_any(const struct gdb_tdesc *td,
				      const char *const *names)
{
	const struct gdb_reg *r = NULL;

	for (; *names && !r; names++)
		r = gdb_tdesc_find(td, *names);
	return r;
}

static const char *const pc_names[] = { "pc", "rip", "eip", NULL };
static const char *const arg_names[][4][3] = {
	{ { "a0", "x10" }, { "a1", "x11" }, { "a2", "x12" }, { "a3", "x13" } },
	{ { "x0" }, { "x1" }, { "x2" }, { "x3" } },
	{ { "r0" }, { "r1" }, { "r2" }, { "r3" } },
};

/* Row of arg_names for a machine or architecture name; 3: none. */
static unsigned args_of(const char *name)
{
	if (!strncmp(name, "riscv", 5))
		return 0;
	if (!strncmp(name, "aarch64", 7))
		return 1;
	if (!strncmp(name, "arm", 3))
		return 2;
	return 3;
}

int gdb_regs_attach(struct gdb_link *l, const char *machine,
		    struct gdb_regs *g)
{
	const struct gdb_reg *r;
	unsigned i, k;
	int rc;

	memset(g, 0, sizeof(*g));
	rc = describe(l, machine, &g->td);
	if (rc)
		return rc;
	if (machine && !gdb_arch_fits(g->td.arch, machine))
		return cl_seterr(l->ctx, CL_E_NODEV, "gdb %s: the target is "
				 "'%s', the board's machine '%s': not the card "
				 "the board describes", l->addr, g->td.arch,
				 machine);
	r = find_any(&g->td, pc_names);
	if (r)
		g->pc = *r;
	g->has_pc = r != NULL;
	/* the calling convention's names: by the board's machine, else by
	 * the description's architecture (aarch64 also has an x10) */
	k = args_of(machine ? machine : g->td.arch);
	for (i = 0; i < 4 && k < 3; i++) {
		r = find_any(&g->td, arg_names[k][i]);
		if (r) {
			g->arg[i] = *r;
			g->argmask |= 1u << i;
		}
	}
	return 0;
}

/* G fallback: the g packet's bytes, register by register in number
 * order, each bits/8 wide; reg's bytes replaced by value. */
static int set_by_g(struct gdb_link *l, const struct gdb_tdesc *td,
		    const struct gdb_reg *reg, uint64_t value)
{
	size_t off = 0, n = reg->bits / 8, hexlen;
	uint8_t bytes[16] = { 0 };
	char *req;
	unsigned i;
	int rc;

	for (i = 0; i < td->nreg; i++)
		if (td->reg[i].regnum < reg->regnum)
			off += td->reg[i].bits / 8;
	rc = gdb_link_req(l, "g", 1, "g");
	if (rc)
		return rc;
	hexlen = l->rlen;
	if (hexlen % 2 || hexlen < 2 * (off + n) || hexlen + 5 > l->pktsize)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the 'g' reply "
				 "(%zu digits) does not hold register '%s'",
				 l->addr, hexlen, reg->name);
	for (i = 0; i < n && i < 8; i++)
		bytes[td->big_endian ? n - 1 - i : i] = (uint8_t)(value >> (8 * i));
	req = malloc(hexlen + 2);
	if (!req)
		return cl_seterr(l->ctx, CL_E_NOMEM, "out of memory");
	req[0] = 'G';
	memcpy(req + 1, l->reply, hexlen);
	gdb_hex_put(req + 1 + 2 * off, bytes, n);
	rc = gdb_link_req(l, req, hexlen + 1, "G");
	free(req);
	if (!rc && strcmp(l->reply, "OK"))
		rc = cl_seterr(l->ctx, CL_E_IO, "gdb %s: 'G' answered "
			       "'%.20s'", l->addr, l->reply);
	return rc;
}

int gdb_regs_set(struct gdb_link *l, struct gdb_regs *g,
		 const struct gdb_reg *reg, uint64_t value)
{
	char req[64], what[48];
	unsigned code;
	size_t n;
	int rc;

	snprintf(what, sizeof(what), "P %s=0x%" PRIx64, reg->name, value);
	if (g->no_p)
		return set_by_g(l, &g->td, reg, value);
	n = gdb_req_reg(req, sizeof(req), reg->regnum, reg->bits, value,
			g->td.big_endian);
	if (!n)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: register '%s' of "
				 "%u bits cannot be set", l->addr, reg->name,
				 reg->bits);
	rc = gdb_link_req(l, req, n, what);
	if (rc)
		return rc;
	if (!strcmp(l->reply, "OK"))
		return 0;
	if (!l->rlen) {
		g->no_p = true;
		return set_by_g(l, &g->td, reg, value);
	}
	if (gdb_reply_error(l->reply, l->rlen, &code))
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: '%s' refused "
				 "(E%02x)", l->addr, what, code);
	return cl_seterr(l->ctx, CL_E_IO, "gdb %s: '%.20s' in reply to '%s'",
			 l->addr, l->reply, what);
}
