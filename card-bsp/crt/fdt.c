/* SPDX-License-Identifier: BSD-2-Clause */
/* fdt.c - a small read-only flattened device tree reader for card payloads
 *
 * Enough to find one property of one node (say /chosen bootargs) in a DTB
 * the host placed in card RAM: the header is checked, and every read stays
 * inside the structure and strings blocks, which must lie inside the
 * header's totalsize, which must fit in the bytes the caller vouches for.
 * All fields are big-endian and read byte by byte, so a blob at any
 * address works. Format: Devicetree Specification v0.4, chapter 5
 * (version 17, the one dtc and QEMU write).
 */
#include "card.h"

#define FDT_HEADER_SIZE		40
#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP		3
#define FDT_NOP			4
#define FDT_END			9
#define FDT_MAX_DEPTH		16	/* path components we can match */

/* Header field offsets. */
#define FDT_OFF_MAGIC		0
#define FDT_OFF_TOTALSIZE	4
#define FDT_OFF_STRUCT		8
#define FDT_OFF_STRINGS		12
#define FDT_OFF_VERSION		20
#define FDT_OFF_LAST_COMP	24
#define FDT_OFF_SIZE_STRINGS	32
#define FDT_OFF_SIZE_STRUCT	36

uint32_t card_fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

uint64_t card_fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)card_fdt_be32(b) << 32 | card_fdt_be32(b + 4);
}

int card_fdt_int(const void *val, uint32_t len, uint64_t *out)
{
	if (len == 4)
		*out = card_fdt_be32(val);
	else if (len == 8)
		*out = card_fdt_be64(val);
	else
		return CARD_FDT_ERR_BADVALUE;
	return 0;
}

const char *card_fdt_strerror(int err)
{
	switch (err) {
	case 0:				return "ok";
	case CARD_FDT_ERR_NOTFOUND:	return "not found";
	case CARD_FDT_ERR_BADMAGIC:	return "bad magic";
	case CARD_FDT_ERR_BADVERSION:	return "unsupported version";
	case CARD_FDT_ERR_BADHEADER:	return "blocks outside totalsize";
	case CARD_FDT_ERR_TOOBIG:	return "totalsize beyond the limit";
	case CARD_FDT_ERR_TRUNCATED:	return "structure block truncated";
	case CARD_FDT_ERR_BADSTRUCT:	return "bad structure block";
	case CARD_FDT_ERR_BADVALUE:	return "bad property value";
	case CARD_FDT_ERR_BADPATH:	return "bad path";
	}
	return "unknown error";
}

/* The blob's layout, checked. Offsets are from the start of the blob. */
struct fdt_layout {
	const uint8_t *base;
	uint32_t totalsize;
	uint32_t str_off, str_end;	/* structure block */
	uint32_t strings_off, strings_size;
};

static int layout(const void *fdt, uint64_t limit, struct fdt_layout *l)
{
	const uint8_t *b = fdt;
	uint64_t st, ss, so, sz;

	if (limit < FDT_HEADER_SIZE)
		return CARD_FDT_ERR_TOOBIG;
	if (card_fdt_be32(b + FDT_OFF_MAGIC) != CARD_FDT_MAGIC)
		return CARD_FDT_ERR_BADMAGIC;
	if (card_fdt_be32(b + FDT_OFF_VERSION) < 17 ||
	    card_fdt_be32(b + FDT_OFF_LAST_COMP) > 17)
		return CARD_FDT_ERR_BADVERSION;
	l->base = b;
	l->totalsize = card_fdt_be32(b + FDT_OFF_TOTALSIZE);
	if (l->totalsize > limit)
		return CARD_FDT_ERR_TOOBIG;
	st = card_fdt_be32(b + FDT_OFF_STRUCT);
	sz = card_fdt_be32(b + FDT_OFF_SIZE_STRUCT);
	so = card_fdt_be32(b + FDT_OFF_STRINGS);
	ss = card_fdt_be32(b + FDT_OFF_SIZE_STRINGS);
	/* 64-bit sums of 32-bit fields: no overflow. */
	if (l->totalsize < FDT_HEADER_SIZE || st < FDT_HEADER_SIZE || st % 4 ||
	    st + sz > l->totalsize || so < FDT_HEADER_SIZE ||
	    so + ss > l->totalsize)
		return CARD_FDT_ERR_BADHEADER;
	l->str_off = (uint32_t)st;
	l->str_end = (uint32_t)(st + sz);
	l->strings_off = (uint32_t)so;
	l->strings_size = (uint32_t)ss;
	return 0;
}

int card_fdt_check(const void *fdt, uint64_t limit, uint32_t *totalsize)
{
	struct fdt_layout l;
	int err = layout(fdt, limit, &l);

	if (err)
		return err;
	if (totalsize)
		*totalsize = l.totalsize;
	return 0;
}

/* A path component: bytes [s, s + n) of the path. */
struct comp {
	const char *s;
	uint32_t n;
};

/* Split "/a/b@1/c" into its components; "/" has none. */
static int split_path(const char *path, struct comp *c, int *ncomp)
{
	int n = 0;

	if (!path || *path != '/')
		return CARD_FDT_ERR_BADPATH;
	for (;;) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		if (n == FDT_MAX_DEPTH)
			return CARD_FDT_ERR_BADPATH;
		c[n].s = path;
		while (*path && *path != '/')
			path++;
		c[n].n = (uint32_t)(path - c[n].s);
		n++;
	}
	*ncomp = n;
	return 0;
}

/* "memory" matches a node "memory@80000000"; "memory@80000000" only itself. */
static int name_matches(const struct comp *c, const char *name, uint32_t len)
{
	if (len < c->n || memcmp(c->s, name, c->n) != 0)
		return 0;
	if (len == c->n)
		return 1;
	if (name[c->n] != '@')
		return 0;
	for (uint32_t i = 0; i < c->n; i++)
		if (c->s[i] == '@')
			return 0;
	return 1;
}

/* A NUL-terminated string at [off, end) of the blob: its length, or -1. */
static int64_t str_in(const struct fdt_layout *l, uint32_t off, uint32_t end)
{
	uint32_t i;

	for (i = off; i < end; i++)
		if (l->base[i] == 0)
			return i - off;
	return -1;
}

/* The next 4-byte boundary at or after x (64-bit: no wrap-around). */
static uint64_t align4(uint64_t x)
{
	return (x + 3) & ~(uint64_t)3;
}

int card_fdt_getprop(const void *fdt, uint64_t limit, const char *path,
		     const char *name, const void **val, uint32_t *lenp)
{
	struct fdt_layout l;
	struct comp c[FDT_MAX_DEPTH];
	int ncomp, depth = -1, match = -1, err;
	uint32_t p, end;

	if ((err = layout(fdt, limit, &l)) != 0 ||
	    (err = split_path(path, c, &ncomp)) != 0)
		return err;
	p = l.str_off;
	end = l.str_end;
	for (;;) {
		uint32_t tag, len, nameoff;
		int64_t n;

		if (end - p < 4)
			return CARD_FDT_ERR_TRUNCATED;
		tag = card_fdt_be32(l.base + p);
		p += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			n = str_in(&l, p, end);
			if (n < 0)
				return CARD_FDT_ERR_TRUNCATED;
			depth++;
			if (depth == 0)
				match = 0; /* the root, whatever its name */
			else if (match == depth - 1 && depth <= ncomp &&
				 name_matches(&c[depth - 1],
					      (const char *)l.base + p,
					      (uint32_t)n))
				match = depth;
			if (match == ncomp && depth == ncomp && !name) {
				if (val)
					*val = NULL;
				if (lenp)
					*lenp = 0;
				return 0;
			}
			if (align4((uint64_t)p + (uint64_t)n + 1) > end)
				return CARD_FDT_ERR_TRUNCATED;
			p = (uint32_t)align4((uint64_t)p + (uint64_t)n + 1);
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return CARD_FDT_ERR_BADSTRUCT;
			if (match == depth)
				match--;
			depth--;
			break;
		case FDT_PROP:
			if (depth < 0)
				return CARD_FDT_ERR_BADSTRUCT;
			if (end - p < 8)
				return CARD_FDT_ERR_TRUNCATED;
			len = card_fdt_be32(l.base + p);
			nameoff = card_fdt_be32(l.base + p + 4);
			p += 8;
			if (len > end - p)
				return CARD_FDT_ERR_TRUNCATED;
			if (nameoff >= l.strings_size)
				return CARD_FDT_ERR_BADSTRUCT;
			n = str_in(&l, l.strings_off + nameoff,
				   l.strings_off + l.strings_size);
			if (n < 0)
				return CARD_FDT_ERR_BADSTRUCT;
			if (name && match == ncomp && depth == ncomp &&
			    (size_t)n == strlen(name) &&
			    memcmp(l.base + l.strings_off + nameoff, name,
				   (size_t)n) == 0) {
				if (val)
					*val = l.base + p;
				if (lenp)
					*lenp = len;
				return 0;
			}
			if (align4((uint64_t)p + len) > end)
				return CARD_FDT_ERR_TRUNCATED;
			p = (uint32_t)align4((uint64_t)p + len);
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == -1 ? CARD_FDT_ERR_NOTFOUND
					   : CARD_FDT_ERR_BADSTRUCT;
		default:
			return CARD_FDT_ERR_BADSTRUCT;
		}
	}
}
