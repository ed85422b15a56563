/* SPDX-License-Identifier: BSD-2-Clause */
/* gunzip.c - the gzip wrapper (RFC 1952) around the card's DEFLATE decoder
 *
 * Written from RFC 1952. Accepts exactly one member filling the whole
 * buffer: header (ID1 ID2 CM=8 FLG MTIME XFL OS, then FEXTRA, FNAME,
 * FCOMMENT and FHCRC as FLG says), DEFLATE data, CRC-32 and ISIZE. The
 * trailer is the last 8 bytes, so the DEFLATE stream must end exactly
 * where it begins; anything between is "trailing data" (a second member
 * included: the host loader refuses those too). The CRC-32 is the one of
 * cardboot.h's image digest (card_crc32), computed over the output once
 * it is complete.
 */
#include "card.h"
#include "deflate.h"

#define GZ_ID1		0x1f
#define GZ_ID2		0x8b
#define GZ_CM_DEFLATE	8
#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0
#define GZ_FIXED_HDR	10
#define GZ_TRAILER	8

static const char *const messages[INF_ERR_COUNT] = {
	[-INF_ERR_DATA - 1]      = "invalid deflate data",
	[-INF_ERR_DISTANCE - 1]  = "distance reaches before the output",
	[-INF_ERR_OVERFLOW - 1]  = "output does not fit",
	[-INF_ERR_TRUNCATED - 1] = "compressed data truncated",
	[-INF_ERR_HEADER - 1]    = "not a gzip member (bad header)",
	[-INF_ERR_HCRC - 1]      = "gzip header crc mismatch",
	[-INF_ERR_CRC - 1]       = "crc-32 mismatch",
	[-INF_ERR_ISIZE - 1]     = "size mismatch (isize)",
	[-INF_ERR_TRAILING - 1]  = "trailing data after the deflate stream",
};

const char *inflate_strerror(int err)
{
	if (err < 0 && err >= -INF_ERR_COUNT && messages[-err - 1])
		return messages[-err - 1];
	return err ? "unknown error" : "success";
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Skip a NUL-terminated field at *pos, within [0, end). */
static int skip_string(const uint8_t *gz, size_t *pos, size_t end)
{
	while (*pos < end)
		if (gz[(*pos)++] == 0)
			return 0;
	return INF_ERR_HEADER;
}

/* The header's length in *hdr_len, the header checked. */
static int parse_header(const uint8_t *gz, size_t end, size_t *hdr_len)
{
	size_t pos = GZ_FIXED_HDR;
	uint8_t flg;

	if (end < GZ_FIXED_HDR || gz[0] != GZ_ID1 || gz[1] != GZ_ID2 ||
	    gz[2] != GZ_CM_DEFLATE)
		return INF_ERR_HEADER;
	flg = gz[3];
	if (flg & GZ_FRESERVED)
		return INF_ERR_HEADER;
	if (flg & GZ_FEXTRA) {
		size_t xlen;

		if (end - pos < 2)
			return INF_ERR_HEADER;
		xlen = gz[pos] | (size_t)gz[pos + 1] << 8;
		pos += 2;
		if (end - pos < xlen)
			return INF_ERR_HEADER;
		pos += xlen;
	}
	if ((flg & GZ_FNAME) && skip_string(gz, &pos, end))
		return INF_ERR_HEADER;
	if ((flg & GZ_FCOMMENT) && skip_string(gz, &pos, end))
		return INF_ERR_HEADER;
	if (flg & GZ_FHCRC) {
		uint32_t want;

		if (end - pos < 2)
			return INF_ERR_HEADER;
		want = gz[pos] | (uint32_t)gz[pos + 1] << 8;
		if ((card_crc32(0, gz, pos) & 0xffff) != want)
			return INF_ERR_HCRC;
		pos += 2;
	}
	*hdr_len = pos;
	return 0;
}

int gunzip(const uint8_t *gz, size_t gz_len, uint8_t *out, size_t out_cap,
	   size_t *out_len)
{
	size_t hdr, used, n;
	const uint8_t *trailer;
	int rc;

	if (gz_len < GZ_FIXED_HDR + GZ_TRAILER)
		return INF_ERR_HEADER;
	rc = parse_header(gz, gz_len - GZ_TRAILER, &hdr);
	if (rc)
		return rc;
	rc = deflate_decode(gz + hdr, gz_len - GZ_TRAILER - hdr, &used,
			    out, out_cap, &n);
	if (rc)
		return rc;
	if (hdr + used != gz_len - GZ_TRAILER)
		return INF_ERR_TRAILING;
	trailer = gz + gz_len - GZ_TRAILER;
	if (card_crc32(0, out, n) != le32(trailer))
		return INF_ERR_CRC;
	if ((uint32_t)n != le32(trailer + 4))
		return INF_ERR_ISIZE;
	*out_len = n;
	return 0;
}
