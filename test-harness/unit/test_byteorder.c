/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_byteorder.c - byteorder.h's helpers and img_get/img_put: the bytes
 * each one lays down in memory, round trips, every width, any alignment */
#include <elf.h>
#include <string.h>
#include "internal.h"
#include "tap.h"

/* Every byte different, so a swapped or misplaced byte shows. */
#define V 0x0102030405060708ull

/* The bytes of V, least significant first. */
static const uint8_t le8[8] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02,
				0x01 };

/* The bytes of the low w bytes of V in order be (or little-endian). */
static void expect(uint8_t *out, unsigned w, bool be)
{
	unsigned i;

	for (i = 0; i < w; i++)
		out[i] = be ? le8[w - 1 - i] : le8[i];
}

static uint64_t low(unsigned w)
{
	return w == 8 ? V : V & ((1ull << (8 * w)) - 1);
}

/* The fixed-width helpers: layout and round trip, at an odd address. */
static void test_fixed(void)
{
	uint8_t buf[16], want[8];
	uint8_t *p = buf + 1; /* unaligned on purpose */

	memset(buf, 0xee, sizeof(buf));
	le16_put(p, (uint16_t)V);
	expect(want, 2, false);
	ok(!memcmp(p, want, 2) && p[2] == 0xee, "le16_put: 08 07, nothing "
	   "past it");
	is_u64(le16_get(p), 0x0708, "le16_get reads it back");
	be16_put(p, (uint16_t)V);
	expect(want, 2, true);
	ok(!memcmp(p, want, 2) && p[2] == 0xee, "be16_put: 07 08");
	is_u64(be16_get(p), 0x0708, "be16_get reads it back");

	le32_put(p, (uint32_t)V);
	expect(want, 4, false);
	ok(!memcmp(p, want, 4) && p[4] == 0xee, "le32_put: 08 07 06 05");
	is_u64(le32_get(p), 0x05060708, "le32_get reads it back");
	be32_put(p, (uint32_t)V);
	expect(want, 4, true);
	ok(!memcmp(p, want, 4) && p[4] == 0xee, "be32_put: 05 06 07 08");
	is_u64(be32_get(p), 0x05060708, "be32_get reads it back");

	le64_put(p, V);
	expect(want, 8, false);
	ok(!memcmp(p, want, 8) && p[8] == 0xee && buf[0] == 0xee,
	   "le64_put: 08 07 .. 01, nothing outside");
	is_u64(le64_get(p), V, "le64_get reads it back");
	is_u64(be64_get(p), 0x0807060504030201ull,
	       "be64_get of the same bytes is the byte-swapped value");
	be64_put(p, V);
	expect(want, 8, true);
	ok(!memcmp(p, want, 8) && p[8] == 0xee, "be64_put: 01 02 .. 08");
	is_u64(be64_get(p), V, "be64_get reads it back");
	is_u64(le64_get(p), 0x0807060504030201ull,
	       "le64_get of the same bytes is the byte-swapped value");
}

/* The run-time width helpers: widths 1 to 8, both orders; for 1, 2, 4
 * and 8 they agree with the fixed ones; only the low bytes of the value
 * are stored. */
static void test_width(void)
{
	uint8_t buf[16], want[8], fixed[8];
	unsigned w, be;

	for (w = 1; w <= 8; w++) {

		for (be = 0; be < 2; be++) {
			const char *o = be ? "be" : "le";

			memset(buf, 0xee, sizeof(buf));
			if (be)
				be_put(buf + 3, w, V);
			else
				le_put(buf + 3, w, V);
			expect(want, w, be);
			ok(!memcmp(buf + 3, want, w) && buf[3 + w] == 0xee &&
			   buf[2] == 0xee, "%s_put width %u: the low %u bytes "
			   "of the value, in order, nothing outside", o, w, w);
			is_u64(be ? be_get(buf + 3, w) : le_get(buf + 3, w),
			       low(w), "%s_get width %u reads it back", o, w);
			if (w & (w - 1))
				continue; /* no fixed helper */
			memset(fixed, 0, sizeof(fixed));
			switch (w * 2 + be) {
			case 2: fixed[0] = (uint8_t)V; break;
			case 3: fixed[0] = (uint8_t)V; break;
			case 4: le16_put(fixed, (uint16_t)V); break;
			case 5: be16_put(fixed, (uint16_t)V); break;
			case 8: le32_put(fixed, (uint32_t)V); break;
			case 9: be32_put(fixed, (uint32_t)V); break;
			case 16: le64_put(fixed, V); break;
			case 17: be64_put(fixed, V); break;
			}
			ok(!memcmp(fixed, buf + 3, w), "%s_put width %u lays "
			   "down what %s%u_put does", o, w, o, w * 8);
		}
	}
	is_u64(le_get(buf, 0), 0, "width 0 reads 0");
}

/* img_get/img_put follow the image's byte order. */
static void test_image_order(void)
{
	struct cl_image img;
	uint8_t buf[8], want[8];

	memset(&img, 0, sizeof(img));
	img.endian = ELFDATA2LSB;
	img_put(&img, buf, 8, V);
	expect(want, 8, false);
	ok(!memcmp(buf, want, 8), "img_put, ELFDATA2LSB: little-endian");
	is_u64(img_get(&img, buf, 8), V, "img_get, ELFDATA2LSB: round trip");
	is_u64(img_get(&img, buf, 4), 0x05060708, "img_get width 4");
	img.endian = ELFDATA2MSB;
	img_put(&img, buf, 8, V);
	expect(want, 8, true);
	ok(!memcmp(buf, want, 8), "img_put, ELFDATA2MSB: big-endian");
	is_u64(img_get(&img, buf, 8), V, "img_get, ELFDATA2MSB: round trip");
	img_put(&img, buf, 2, V);
	is_u64(be16_get(buf), 0x0708, "img_put width 2, big-endian");
}

int main(void)
{
	test_fixed();
	test_width();
	test_image_order();
	return tap_done();
}
