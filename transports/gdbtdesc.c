/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbtdesc.c - GDB target descriptions (target.xml and its includes):
 * architecture and registers by name, the per-architecture fallback when
 * a stub sends none, and whether an architecture fits a board's machine
 * (pure: no I/O, no allocation; the API is in gdbproto.h) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "gdbproto.h"

static bool is_name(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(p, name, n);
}

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

static bool xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Decimal s[0..n) into *out, at most max. Return 0 or -1. */
static int dec(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* The next attribute of a tag at *p (before end, the tag's '>'): 1 with
 * name and value, 0 at the tag's end, -1 when malformed. */
static int next_attr(const char **p, const char *end, const char **name,
		     size_t *nl, const char **val, size_t *vl)
{
	const char *s = *p, *q;

	while (s < end && xml_space(*s))
		s++;
	if (s >= end || *s == '/')
		return 0;
	*name = s;
	while (s < end && *s != '=' && !xml_space(*s))
		s++;
	*nl = (size_t)(s - *name);
	while (s < end && xml_space(*s))
		s++;
	if (!*nl || s >= end || *s++ != '=')
		return -1;
	while (s < end && xml_space(*s))
		s++;
	if (s >= end || (*s != '"' && *s != '\''))
		return -1;
	q = memchr(s + 1, *s, (size_t)(end - s - 1));
	if (!q)
		return -1;
	*val = s + 1;
	*vl = (size_t)(q - s - 1);
	*p = q + 1;
	return 1;
}

/* The value of attribute want in the tag [p, end): 1 found, 0 not, -1
 * malformed. */
static int attr(const char *p, const char *end, const char *want,
		const char **val, size_t *vl)
{
	const char *name;
	size_t nl;
	int r;

	while ((r = next_attr(&p, end, &name, &nl, val, vl)) == 1)
		if (is_name(name, nl, want))
			return 1;
	return r;
}

static int tdesc_reg(struct gdb_tdesc *td, const char *a, const char *end,
		     char *why, size_t whylen)
{
	const char *name = NULL, *v = "";
	size_t nl = 0, vl;
	unsigned bits = 0, regnum = td->next_regnum;
	struct gdb_reg *r;

	if (attr(a, end, "name", &name, &nl) != 1 || !nl)
		return fail(why, whylen, "reg without name");
	if (attr(a, end, "bitsize", &v, &vl) != 1) {
		v = "";
		vl = 0;
	}
	if (dec(v, vl, 1u << 16, &bits) || !bits)
		return fail(why, whylen, "bitsize '%.*s' of '%.*s'",
			    vl > 16 ? 16 : (int)vl, v, (int)nl, name);
	switch (attr(a, end, "regnum", &v, &vl)) {
	case 1:
		if (dec(v, vl, 1u << 16, &regnum))
			return fail(why, whylen, "regnum '%.*s' of '%.*s'",
				    vl > 16 ? 16 : (int)vl, v, (int)nl, name);
		break;
	case 0:
		break;
	default:
		return fail(why, whylen, "malformed attribute of '%.*s'",
			    (int)nl, name);
	}
	if (regnum >= 1u << 16)
		return fail(why, whylen, "register number %u of '%.*s' past "
			    "65535", regnum, (int)nl, name);
	td->next_regnum = regnum + 1;
	/* a name too long for the table cannot be asked for: counted in
	 * the numbering, not kept */
	if (nl >= GDB_TDESC_NAME)
		return 0;
	if (td->nreg >= GDB_TDESC_MAX_REGS)
		return fail(why, whylen, "too many registers");
	r = &td->reg[td->nreg++];
	memcpy(r->name, name, nl);
	r->name[nl] = 0;
	r->regnum = regnum;
	r->bits = bits;
	return 0;
}

static int tdesc_include(struct gdb_tdesc *td, const char *a, const char *end,
			 gdb_include_fn fetch, void *arg, int depth,
			 char *why, size_t whylen)
{
	char href[128];
	const char *v, *text;
	size_t vl, len;

	if (attr(a, end, "href", &v, &vl) != 1 || !vl)
		return fail(why, whylen, "include without href");
	if (vl >= sizeof(href))
		return fail(why, whylen, "include href '%.32s...' too long",
			    v);
	memcpy(href, v, vl);
	href[vl] = 0;
	if (depth >= GDB_TDESC_MAX_DEPTH)
		return fail(why, whylen, "include '%s' nested too deep", href);
	if (!fetch || fetch(arg, href, &text, &len))
		return fail(why, whylen, "cannot fetch include '%s'", href);
	return gdb_tdesc_parse(td, text, len, fetch, arg, depth + 1, why,
			       whylen);
}

static int tdesc_arch(struct gdb_tdesc *td, const char *s, const char *end,
		      char *why, size_t whylen)
{
	const char *e = memmem(s, (size_t)(end - s), "</architecture",
			       strlen("</architecture"));

	if (!e)
		return fail(why, whylen, "unterminated <architecture>");
	while (s < e && xml_space(*s))
		s++;
	while (e > s && xml_space(e[-1]))
		e--;
	if ((size_t)(e - s) >= sizeof(td->arch))
		return fail(why, whylen, "architecture '%.*s' too long",
			    (int)sizeof(td->arch), s);
	memcpy(td->arch, s, (size_t)(e - s));
	td->arch[e - s] = 0;
	return 0;
}

int gdb_tdesc_parse(struct gdb_tdesc *td, const char *xml, size_t n,
		    gdb_include_fn fetch, void *arg, int depth, char *why,
		    size_t whylen)
{
	const char *p = xml, *end = xml + n;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
		const char *skip = NULL, *name, *gt, *q;
		size_t nl;
		char quote = 0;
		int r = 0;

		if (starts(p, end, "<!--"))
			skip = "-->";
		else if (starts(p, end, "<![CDATA["))
			skip = "]]>";
		else if (starts(p, end, "<?"))
			skip = "?>";
		if (skip) {
			q = memmem(p + 2, (size_t)(end - p - 2), skip,
				   strlen(skip));
			if (!q)
				return fail(why, whylen, "unterminated %s",
					    skip[0] == '-' ? "comment" :
					    "tag");
			p = q + strlen(skip);
			continue;
		}
		/* the tag's end: the first '>' outside quotes */
		for (gt = p + 1; gt < end; gt++) {
			if (quote) {
				if (*gt == quote)
					quote = 0;
			} else if (*gt == '"' || *gt == '\'') {
				quote = *gt;
			} else if (*gt == '>') {
				break;
			}
		}
		if (gt >= end)
			return fail(why, whylen, "unterminated tag");
		name = p + 1;
		for (q = name; q < gt && !xml_space(*q) && *q != '/'; q++)
			;
		nl = (size_t)(q - name);
		if (is_name(name, nl, "reg"))
			r = tdesc_reg(td, q, gt, why, whylen);
		else if (is_name(name, nl, "xi:include"))
			r = tdesc_include(td, q, gt, fetch, arg, depth, why,
					  whylen);
		else if (is_name(name, nl, "architecture") && gt[-1] != '/')
			r = tdesc_arch(td, gt + 1, end, why, whylen);
		if (r)
			return -1;
		p = gt + 1;
	}
	return 0;
}

const struct gdb_reg *gdb_tdesc_find(const struct gdb_tdesc *td,
				     const char *name)
{
	unsigned i;

	for (i = 0; i < td->nreg; i++)
		if (!strcmp(td->reg[i].name, name))
			return &td->reg[i];
	return NULL;
}

static void fallback_reg(struct gdb_tdesc *td, const char *prefix,
			 unsigned idx, unsigned regnum, unsigned bits)
{
	struct gdb_reg *r = &td->reg[td->nreg++];

	if (prefix)
		snprintf(r->name, sizeof(r->name), "%s%u", prefix, idx);
	else
		snprintf(r->name, sizeof(r->name), "pc");
	r->regnum = regnum;
	r->bits = bits;
	if (regnum >= td->next_regnum)
		td->next_regnum = regnum + 1;
}

int gdb_tdesc_fallback(struct gdb_tdesc *td, const char *machine)
{
	bool big = td->big_endian;
	unsigned i;

	memset(td, 0, sizeof(*td));
	td->big_endian = big;
	if (!strcmp(machine, "riscv64") || !strcmp(machine, "riscv32")) {
		unsigned bits = machine[5] == '6' ? 64 : 32;

		strcpy(td->arch, bits == 64 ? "riscv:rv64" : "riscv:rv32");
		fallback_reg(td, NULL, 0, 32, bits);
		for (i = 0; i < 8; i++) {
			fallback_reg(td, "a", i, 10 + i, bits);
			fallback_reg(td, "x", 10 + i, 10 + i, bits);
		}
	} else if (!strcmp(machine, "aarch64")) {
		strcpy(td->arch, "aarch64");
		fallback_reg(td, NULL, 0, 32, 64);
		for (i = 0; i < 8; i++)
			fallback_reg(td, "x", i, i, 64);
	} else if (!strcmp(machine, "arm")) {
		strcpy(td->arch, "arm");
		fallback_reg(td, NULL, 0, 15, 32);
		for (i = 0; i < 4; i++)
			fallback_reg(td, "r", i, i, 32);
	} else {
		return -1;
	}
	return 0;
}

bool gdb_arch_fits(const char *arch, const char *machine)
{
	if (!arch[0])
		return true;
	if (!strcmp(machine, "riscv64"))
		return !strcmp(arch, "riscv:rv64");
	if (!strcmp(machine, "riscv32"))
		return !strcmp(arch, "riscv:rv32");
	if (!strcmp(machine, "aarch64"))
		return !strcmp(arch, "aarch64");
	if (!strcmp(machine, "arm"))
		return !strcmp(arch, "arm") || !strncmp(arch, "armv", 4);
	if (!strcmp(machine, "x86_64"))
		return !strcmp(arch, "i386:x86-64");
	return false;
}
