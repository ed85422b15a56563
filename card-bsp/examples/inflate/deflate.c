/* SPDX-License-Identifier: BSD-2-Clause */
/* deflate.c - DEFLATE (RFC 1951) decoder for the card: table-driven Huffman
 *
 * Written from RFC 1951. The input is in memory; the output goes straight
 * to its final place and is the history window too (distances reach back
 * into what was already written), so a block is decoded with no copy.
 *
 * Bits are read LSB first into a 64-bit buffer, refilled a byte at a time
 * to at least 57 bits before each symbol: enough for the longest
 * length/distance pair (15 + 5 + 15 + 13 bits). Past the end of the input
 * the buffer is fed zero bytes, counted; consuming one of them is
 * "truncated", found when the stream ends, at a stored block, or as soon
 * as more than 8 have been fed (which also bounds every loop).
 *
 * Huffman codes decode through one lookup in a root table indexed by the
 * next ROOT bits, plus one in a subtable for codes longer than ROOT (up to
 * 15 bits). A table entry is a 32-bit word:
 *   bits  0..4   how many bits to drop (the code's length at this level)
 *   bits  5..7   kind: E_LIT, E_LEN, E_END, E_DIST, E_SYM, E_SUB or E_BAD
 *   bits  8..11  extra bits to read after the code (E_LEN, E_DIST), or
 *                the index bits of the subtable (E_SUB)
 *   bits 16..31  literal byte, base length or distance, code-length
 *                symbol, or the subtable's offset in the table
 * Entries no code reaches (a lone 1-bit code, no code, the two symbols
 * the fixed codes reserve) are E_BAD: invalid data if the stream gets
 * there.
 */
#include "card.h"
#include "deflate.h"

#define MAX_BITS	15	/* longest code RFC 1951 allows */
#define LIT_ROOT	10
#define DIST_ROOT	8
#define CL_ROOT		7	/* code-length codes are at most 7 bits */
#define LIT_SYMS	288	/* 286 usable, 2 more in the fixed code */
#define DIST_SYMS	32	/* 30 usable, 2 more in the fixed code */
#define CL_SYMS		19
#define MAX_LIT		286	/* HLIT + 257 at most */
#define MAX_DIST	30	/* HDIST + 1 at most */

/* A root table and at most one subtable (2^(MAX_BITS - ROOT) entries) per
 * symbol whose code is longer than ROOT; the fixed code has none longer
 * than 9 bits. */
#define LIT_TABLE	((1 << LIT_ROOT) + MAX_LIT * (1 << (MAX_BITS - LIT_ROOT)))
#define DIST_TABLE	((1 << DIST_ROOT) + \
			 MAX_DIST * (1 << (MAX_BITS - DIST_ROOT)))

enum { E_BAD, E_LIT, E_LEN, E_END, E_DIST, E_SYM, E_SUB };

#define ENTRY(kind, extra, val) \
	((uint32_t)(val) << 16 | (uint32_t)(extra) << 8 | (uint32_t)(kind) << 5)
#define E_NBITS(e)	((e) & 0x1f)
#define E_KIND(e)	(((e) >> 5) & 7)
#define E_EXTRA(e)	(((e) >> 8) & 0xf)
#define E_VAL(e)	((e) >> 16)

/* RFC 1951 3.2.5: length symbols 257..285, distance symbols 0..29. */
static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* 3.2.7: the order in which code-length code lengths are sent */
static const uint8_t cl_order[CL_SYMS] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* What each symbol means, without the bit count; built on first use. */
static uint32_t lit_info[LIT_SYMS], dist_info[DIST_SYMS], cl_info[CL_SYMS];
static int info_ready;

/* The tables of the block being decoded (in .bss: 56 KiB). */
static uint32_t lit_table[LIT_TABLE], dist_table[DIST_TABLE];

struct bits {
	const uint8_t *p, *end;
	uint64_t buf;		/* next bits of the stream, LSB first */
	unsigned n;		/* how many bits of buf are valid */
	unsigned fake;		/* zero bytes fed in past the end */
};

static void info_init(void)
{
	unsigned i;

	for (i = 0; i < 256; i++)
		lit_info[i] = ENTRY(E_LIT, 0, i);
	lit_info[256] = ENTRY(E_END, 0, 0);
	for (i = 0; i < 29; i++)
		lit_info[257 + i] = ENTRY(E_LEN, len_extra[i], len_base[i]);
	lit_info[286] = lit_info[287] = ENTRY(E_BAD, 0, 0);
	for (i = 0; i < 30; i++)
		dist_info[i] = ENTRY(E_DIST, dist_extra[i], dist_base[i]);
	dist_info[30] = dist_info[31] = ENTRY(E_BAD, 0, 0);
	for (i = 0; i < CL_SYMS; i++)
		cl_info[i] = ENTRY(E_SYM, 0, i);
	info_ready = 1;
}

/* ---- bit input ------------------------------------------------------ */

static inline void refill(struct bits *b)
{
	if (b->end - b->p >= 8) {
		while (b->n <= 56) {
			b->buf |= (uint64_t)*b->p++ << b->n;
			b->n += 8;
		}
		return;
	}
	while (b->n <= 56) {
		if (b->p < b->end)
			b->buf |= (uint64_t)*b->p++ << b->n;
		else
			b->fake++;
		b->n += 8;
	}
}

/* The next k (<= 16) bits; the caller made sure they are in buf. */
static inline uint32_t take(struct bits *b, unsigned k)
{
	uint32_t v = (uint32_t)b->buf & ((1u << k) - 1);

	b->buf >>= k;
	b->n -= k;
	return v;
}

/* Drop the bits up to the next byte boundary and hand the whole bytes
 * still in buf back to the input: p is then the next unread byte. */
static int byte_align(struct bits *b)
{
	unsigned whole;

	b->n &= ~7u;
	whole = b->n >> 3;
	if (b->fake > whole)
		return INF_ERR_TRUNCATED;
	b->p -= whole - b->fake;
	b->buf = 0;
	b->n = 0;
	b->fake = 0;
	return 0;
}

/* One symbol through table t (root bits wide); at least 15 bits in buf. */
static inline uint32_t decode(struct bits *b, const uint32_t *t, unsigned root)
{
	uint32_t e = t[b->buf & ((1u << root) - 1)];

	if (E_KIND(e) == E_SUB) {
		b->buf >>= root;
		b->n -= root;
		e = t[E_VAL(e) + (b->buf & ((1u << E_EXTRA(e)) - 1))];
	}
	b->buf >>= E_NBITS(e);
	b->n -= E_NBITS(e);
	return e;
}

/* ---- building decoding tables ----------------------------------------- */

static uint32_t reverse(uint32_t code, unsigned len)
{
	uint32_t r = 0;

	while (len--) {
		r = r << 1 | (code & 1);
		code >>= 1;
	}
	return r;
}

/* Build table t (cap entries, root bits) for the canonical Huffman code
 * of RFC 1951 3.2.2 given by lens[0..nsym); info[sym] says what symbol
 * sym means. Over-subscribed and incomplete codes are invalid, but for
 * the two incomplete ones RFC 1951 needs: one 1-bit code, and none. */
static int build(uint32_t *t, unsigned cap, unsigned root, const uint8_t *lens,
		 unsigned nsym, const uint32_t *info)
{
	uint16_t count[MAX_BITS + 1] = { 0 }, rem[MAX_BITS + 1];
	uint16_t offs[MAX_BITS + 1], sorted[LIT_SYMS];
	unsigned used = 1u << root, ncodes = 0, prev = 0, sub = 0, subbits = 0;
	uint32_t code = 0, prefix = ~0u;
	int left = 1;

	for (unsigned s = 0; s < nsym; s++)
		count[lens[s]]++;
	for (unsigned l = 1; l <= MAX_BITS; l++) {
		left = (left << 1) - count[l];
		if (left < 0)
			return INF_ERR_DATA;	/* over-subscribed */
		offs[l] = (uint16_t)ncodes;
		ncodes += count[l];
		rem[l] = count[l];
	}
	/* Incomplete codes are refused as zlib refuses them, except a lone
	 * 1-bit code (RFC 1951 3.2.7: one distance code is sent as one bit)
	 * and no code at all (a block of literals only has no distances). */
	if (left > 0 && !(ncodes == 0 || (ncodes == 1 && count[1] == 1)))
		return INF_ERR_DATA;
	/* Symbols in canonical order: by length, then by value. */
	for (unsigned s = 0; s < nsym; s++)
		if (lens[s])
			sorted[offs[lens[s]]++] = (uint16_t)s;
	for (unsigned i = 0; i < used; i++)
		t[i] = ENTRY(E_BAD, 0, 0);

	for (unsigned i = 0; i < ncodes; i++) {
		unsigned s = sorted[i], len = lens[s], step;
		uint32_t r;

		/* The next code: one more than the last, widened by the
		 * difference in length (codes are MSB first in RFC 1951). */
		code = i == 0 ? 0 : (code + 1) << (len - prev);
		prev = len;
		r = reverse(code, len);	/* as it arrives, LSB first */

		if (len <= root) {
			for (uint32_t k = r; k < 1u << root; k += 1u << len)
				t[k] = info[s] | len;
			rem[len]--;
			continue;
		}
		/* Codes sharing their first root bits are consecutive here.
		 * On a new prefix, size its subtable: as deep as it takes for
		 * the remaining codes of increasing length to fill it. */
		if ((r & ((1u << root) - 1)) != prefix) {
			int avail;

			prefix = r & ((1u << root) - 1);
			subbits = len - root;
			avail = 1 << subbits;
			for (unsigned l = len; root + subbits < MAX_BITS; l++) {
				avail -= rem[l];
				if (avail <= 0)
					break;
				subbits++;
				avail <<= 1;
			}
			if (used + (1u << subbits) > cap)
				return INF_ERR_DATA;	/* cannot happen */
			sub = used;
			used += 1u << subbits;
			for (unsigned k = 0; k < 1u << subbits; k++)
				t[sub + k] = ENTRY(E_BAD, 0, 0);
			t[prefix] = ENTRY(E_SUB, subbits, sub) | root;
		}
		step = 1u << (len - root);
		for (uint32_t k = r >> root; k < 1u << subbits; k += step)
			t[sub + k] = info[s] | (len - root);
		rem[len]--;
	}
	return 0;
}

static int build_fixed(void)
{
	uint8_t lens[LIT_SYMS];
	unsigned s;
	int rc;

	/* RFC 1951 3.2.6 */
	for (s = 0; s < 144; s++)
		lens[s] = 8;
	for (; s < 256; s++)
		lens[s] = 9;
	for (; s < 280; s++)
		lens[s] = 7;
	for (; s < LIT_SYMS; s++)
		lens[s] = 8;
	rc = build(lit_table, LIT_TABLE, LIT_ROOT, lens, LIT_SYMS, lit_info);
	if (rc)
		return rc;
	for (s = 0; s < DIST_SYMS; s++)
		lens[s] = 5;
	return build(dist_table, DIST_TABLE, DIST_ROOT, lens, DIST_SYMS,
		     dist_info);
}

/* 3.2.7: the code lengths of both codes, themselves Huffman coded. */
static int build_dynamic(struct bits *b)
{
	uint8_t cl_lens[CL_SYMS] = { 0 }, lens[MAX_LIT + MAX_DIST];
	uint32_t cl_table[1 << CL_ROOT];
	unsigned nlit, ndist, ncl, i = 0;
	int rc;

	refill(b);
	nlit = take(b, 5) + 257;
	ndist = take(b, 5) + 1;
	ncl = take(b, 4) + 4;
	if (nlit > MAX_LIT || ndist > MAX_DIST)
		return INF_ERR_DATA;
	for (unsigned k = 0; k < ncl; k++) {
		refill(b);
		cl_lens[cl_order[k]] = (uint8_t)take(b, 3);
	}
	rc = build(cl_table, 1 << CL_ROOT, CL_ROOT, cl_lens, CL_SYMS, cl_info);
	if (rc)
		return rc;

	while (i < nlit + ndist) {
		uint32_t e, sym, rep;
		uint8_t v = 0;

		refill(b);
		if (b->fake > 8)
			return INF_ERR_TRUNCATED;
		e = decode(b, cl_table, CL_ROOT);
		if (E_KIND(e) != E_SYM)
			return INF_ERR_DATA;
		sym = E_VAL(e);
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {	/* copy the previous length 3..6 times */
			if (i == 0)
				return INF_ERR_DATA;
			v = lens[i - 1];
			rep = 3 + take(b, 2);
		} else if (sym == 17) {	/* 3..10 zeros */
			rep = 3 + take(b, 3);
		} else {		/* 18: 11..138 zeros */
			rep = 11 + take(b, 7);
		}
		if (rep > nlit + ndist - i)
			return INF_ERR_DATA;
		while (rep--)
			lens[i++] = v;
	}
	if (lens[256] == 0)	/* no end-of-block code */
		return INF_ERR_DATA;
	rc = build(lit_table, LIT_TABLE, LIT_ROOT, lens, nlit, lit_info);
	if (rc)
		return rc;
	return build(dist_table, DIST_TABLE, DIST_ROOT, lens + nlit, ndist,
		     dist_info);
}

/* ---- blocks ------------------------------------------------------------- */

/* 3.2.4: a stored block, after its 3 header bits. */
static int stored(struct bits *b, uint8_t **op, uint8_t *oend)
{
	uint32_t len, nlen;
	int rc = byte_align(b);

	if (rc)
		return rc;
	if (b->end - b->p < 4)
		return INF_ERR_TRUNCATED;
	len = b->p[0] | (uint32_t)b->p[1] << 8;
	nlen = b->p[2] | (uint32_t)b->p[3] << 8;
	b->p += 4;
	if (len != (~nlen & 0xffff))
		return INF_ERR_DATA;
	if ((size_t)(b->end - b->p) < len)
		return INF_ERR_TRUNCATED;
	if ((size_t)(oend - *op) < len)
		return INF_ERR_OVERFLOW;
	memcpy(*op, b->p, len);
	*op += len;
	b->p += len;
	return 0;
}

/* The symbols of a Huffman-coded block, up to its end-of-block code. The
 * hot loop: the bit reader and output pointer live in locals. */
static int codes(struct bits *bp, uint8_t *out, uint8_t **op, uint8_t *oend)
{
	struct bits b = *bp;
	uint8_t *o = *op;
	int rc = 0;

	for (;;) {
		uint32_t e, len, dist;
		const uint8_t *from;

		refill(&b);
		if (b.fake > 8) {
			rc = INF_ERR_TRUNCATED;
			break;
		}
		e = decode(&b, lit_table, LIT_ROOT);
		if (E_KIND(e) == E_LIT) {
			if (o == oend) {
				rc = INF_ERR_OVERFLOW;
				break;
			}
			*o++ = (uint8_t)E_VAL(e);
			continue;
		}
		if (E_KIND(e) != E_LEN) {
			if (E_KIND(e) != E_END)
				rc = INF_ERR_DATA;
			break;
		}
		len = E_VAL(e) + take(&b, E_EXTRA(e));
		e = decode(&b, dist_table, DIST_ROOT);
		if (E_KIND(e) != E_DIST) {
			rc = INF_ERR_DATA;
			break;
		}
		dist = E_VAL(e) + take(&b, E_EXTRA(e));
		if (dist > (size_t)(o - out)) {
			rc = INF_ERR_DISTANCE;
			break;
		}
		if (len > (size_t)(oend - o)) {
			rc = INF_ERR_OVERFLOW;
			break;
		}
		/* Byte by byte: source and destination may overlap (a
		 * distance shorter than the length repeats a pattern). */
		from = o - dist;
		do
			*o++ = *from++;
		while (--len);
	}
	*bp = b;
	*op = o;
	return rc;
}

int deflate_decode(const uint8_t *in, size_t in_len, size_t *in_used,
		   uint8_t *out, size_t out_cap, size_t *out_len)
{
	struct bits b = { .p = in, .end = in + in_len };
	uint8_t *o = out;
	uint32_t final;
	int rc;

	if (!info_ready)
		info_init();
	do {
		uint32_t type;

		refill(&b);
		if (b.fake > 8)
			return INF_ERR_TRUNCATED;
		final = take(&b, 1);
		type = take(&b, 2);
		if (type == 0) {
			rc = stored(&b, &o, out + out_cap);
		} else if (type == 3) {
			rc = INF_ERR_DATA;
		} else {
			rc = type == 1 ? build_fixed() : build_dynamic(&b);
			if (!rc)
				rc = codes(&b, out, &o, out + out_cap);
		}
		if (rc)
			return rc;
	} while (!final);

	rc = byte_align(&b);
	if (rc)
		return rc;
	*in_used = (size_t)(b.p - in);
	*out_len = (size_t)(o - out);
	return 0;
}
