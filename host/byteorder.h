/* SPDX-License-Identifier: GPL-2.0-or-later */
/* byteorder.h - fixed-order words in byte buffers, the order in the name
 *
 * le32_get(p) reads the little-endian 32-bit word at p, be64_put(p, v)
 * stores v big-endian at p, and so on: any alignment, any host order, one
 * load or store (and a byte swap where the orders differ). le_get, be_get,
 * le_put and be_put take a width known only at run time: 1, 2, 4 or 8
 * bytes go through the fixed helpers, any other width up to 8 byte by
 * byte.
 */
#ifndef CL_BYTEORDER_H
#define CL_BYTEORDER_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

/* le16_get le32_get le64_get be16_get be32_get be64_get (const void *p)
 * le16_put le32_put le64_put be16_put be32_put be64_put (void *p, v) */
#define CL_BYTEORDER_FIXED(bits)					\
static inline uint##bits##_t le##bits##_get(const void *p)		\
{									\
	uint##bits##_t v;						\
									\
	memcpy(&v, p, sizeof(v));					\
	return le##bits##toh(v);					\
}									\
static inline uint##bits##_t be##bits##_get(const void *p)		\
{									\
	uint##bits##_t v;						\
									\
	memcpy(&v, p, sizeof(v));					\
	return be##bits##toh(v);					\
}									\
static inline void le##bits##_put(void *p, uint##bits##_t v)		\
{									\
	v = htole##bits(v);						\
	memcpy(p, &v, sizeof(v));					\
}									\
static inline void be##bits##_put(void *p, uint##bits##_t v)		\
{									\
	v = htobe##bits(v);						\
	memcpy(p, &v, sizeof(v));					\
}

CL_BYTEORDER_FIXED(16)
CL_BYTEORDER_FIXED(32)
CL_BYTEORDER_FIXED(64)

#undef CL_BYTEORDER_FIXED

/* The width-byte word at p, least significant byte first. */
static inline uint64_t le_get(const void *p, unsigned width)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	switch (width) {
	case 1: return b[0];
	case 2: return le16_get(p);
	case 4: return le32_get(p);
	case 8: return le64_get(p);
	}
	while (width--)
		v = v << 8 | b[width];
	return v;
}

/* The width-byte word at p, most significant byte first. */
static inline uint64_t be_get(const void *p, unsigned width)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	unsigned i;

	switch (width) {
	case 1: return b[0];
	case 2: return be16_get(p);
	case 4: return be32_get(p);
	case 8: return be64_get(p);
	}
	for (i = 0; i < width; i++)
		v = v << 8 | b[i];
	return v;
}

/* Store the low width bytes of v at p, least significant first. */
static inline void le_put(void *p, unsigned width, uint64_t v)
{
	uint8_t *b = p;
	unsigned i;

	switch (width) {
	case 1: b[0] = (uint8_t)v; return;
	case 2: le16_put(p, (uint16_t)v); return;
	case 4: le32_put(p, (uint32_t)v); return;
	case 8: le64_put(p, v); return;
	}
	for (i = 0; i < width; i++, v >>= 8)
		b[i] = (uint8_t)v;
}

/* Store the low width bytes of v at p, most significant first. */
static inline void be_put(void *p, unsigned width, uint64_t v)
{
	uint8_t *b = p;

	switch (width) {
	case 1: b[0] = (uint8_t)v; return;
	case 2: be16_put(p, (uint16_t)v); return;
	case 4: be32_put(p, (uint32_t)v); return;
	case 8: be64_put(p, v); return;
	}
	while (width--) {
		b[width] = (uint8_t)v;
		v >>= 8;
	}
}

#endif /* CL_BYTEORDER_H */
