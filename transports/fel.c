/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fel.c - the Allwinner FEL boot protocol's messages, as bytes (fel.h) */
#include <string.h>
#include "util.h"
#include "fel.h"

/*
 * AWUC, 32 bytes:
 *   0   "AWUC" and four zero bytes
 *   8   u32 length of the data phase
 *   12  u32 0x0c000000 (the value host tools send)
 *   16  u16 direction: FEL_USB_READ or FEL_USB_WRITE
 *   18  u32 the length again
 *   22  ten zero bytes
 */
void fel_awuc(uint8_t out[FEL_AWUC_LEN], bool write, uint32_t len)
{
	memset(out, 0, FEL_AWUC_LEN);
	memcpy(out, "AWUC", 4);
	le32_put(out + 8, len);
	le32_put(out + 12, 0x0c000000);
	le16_put(out + 16, write ? FEL_USB_WRITE : FEL_USB_READ);
	le32_put(out + 18, len);
}

/* AWUS, 13 bytes: "AWUS", then the tag and status the ROM keeps zero. */
bool fel_awus_ok(const uint8_t *in, size_t n)
{
	return n == FEL_AWUS_LEN && !memcmp(in, "AWUS", 4);
}

/* FEL message, 16 bytes: u32 type, u32 address, u32 length, u32 zero. */
void fel_request(uint8_t out[FEL_REQ_LEN], uint32_t type, uint32_t addr,
		 uint32_t len)
{
	memset(out, 0, FEL_REQ_LEN);
	le32_put(out, type);
	le32_put(out + 4, addr);
	le32_put(out + 8, len);
}

/*
 * VERSION's answer, 32 bytes:
 *   0   "AWUSBFEX"
 *   8   u32 SoC word: the SoC id in bits 8..23
 *   12  u32 firmware version
 *   16  u16 protocol
 *   18  two bytes
 *   20  u32 scratchpad address
 *   24  eight bytes
 */
bool fel_version_parse(const uint8_t *in, size_t n, struct fel_version *v)
{
	memset(v, 0, sizeof(*v));
	if (n != FEL_VERSION_LEN || memcmp(in, "AWUSBFEX", 8))
		return false;
	v->soc_id = le32_get(in + 8) >> 8 & 0xffff;
	v->firmware = le32_get(in + 12);
	v->protocol = le16_get(in + 16);
	v->scratchpad = le32_get(in + 20);
	return true;
}

bool fel_piece(uint64_t addr, uint64_t len, uint64_t done, uint32_t max,
	       uint32_t *at, uint32_t *n)
{
	if (done >= len)
		return false;
	*at = (uint32_t)(addr + done);
	*n = len - done < max ? (uint32_t)(len - done) : max;
	return true;
}

uint64_t fel_messages(uint64_t addr, uint64_t len, uint32_t max)
{
	uint64_t end;

	if (!len || !max || cl_add_ovf(addr, len, &end) ||
	    end > UINT64_C(1) << 32)
		return 0;
	return (len + max - 1) / max;
}
