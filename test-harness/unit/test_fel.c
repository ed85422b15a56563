/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fel.c - transports/fel.c: the FEL protocol's bytes, byte by byte,
 * and how a card range is cut into FEL messages */
#include <string.h>
#include "util.h"
#include "fel.h"
#include "tap.h"

static void test_awuc(void)
{
	static const uint8_t want[FEL_AWUC_LEN] = {
		'A', 'W', 'U', 'C', 0, 0, 0, 0,
		0x78, 0x56, 0x34, 0x12,		/* length */
		0x00, 0x00, 0x00, 0x0c,		/* 0x0c000000 */
		0x12, 0x00,			/* host to device */
		0x78, 0x56, 0x34, 0x12,		/* length again */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t out[FEL_AWUC_LEN];

	memset(out, 0xee, sizeof(out));
	fel_awuc(out, true, 0x12345678);
	ok(!memcmp(out, want, sizeof(want)), "AWUC write: every byte");
	fel_awuc(out, false, 16);
	ok(out[16] == FEL_USB_READ && out[17] == 0 && le32_get(out + 8) == 16 &&
	   le32_get(out + 18) == 16, "AWUC read: direction 0x11, length "
	   "twice");
}

static void test_awus(void)
{
	uint8_t st[FEL_AWUS_LEN] = { 'A', 'W', 'U', 'S' };

	ok(fel_awus_ok(st, sizeof(st)), "AWUS: accepted");
	ok(!fel_awus_ok(st, sizeof(st) - 1), "AWUS: 12 bytes refused");
	st[3] = 'C';
	ok(!fel_awus_ok(st, sizeof(st)), "AWUS: a wrong signature refused");
}

static void test_request(void)
{
	static const uint8_t want[FEL_REQ_LEN] = {
		0x01, 0x01, 0, 0,		/* WRITE */
		0x00, 0x00, 0x00, 0x80,		/* address */
		0x00, 0x10, 0x00, 0x00,		/* length */
		0, 0, 0, 0 };
	uint8_t out[FEL_REQ_LEN];

	memset(out, 0xee, sizeof(out));
	fel_request(out, FEL_WRITE, 0x80000000, 0x1000);
	ok(!memcmp(out, want, sizeof(want)), "FEL WRITE request: every byte");
	fel_request(out, FEL_EXEC, 0x80200000, 0);
	ok(le32_get(out) == 0x102 && le32_get(out + 4) == 0x80200000 &&
	   !le32_get(out + 8) && !le32_get(out + 12), "FEL EXEC request");
}

static void test_version(void)
{
	uint8_t in[FEL_VERSION_LEN] = { 'A', 'W', 'U', 'S', 'B', 'F', 'E',
					'X' };
	struct fel_version v;

	le32_put(in + 8, 0x00185900);	/* D1 */
	le32_put(in + 12, 1);
	le16_put(in + 16, 1);
	le32_put(in + 20, 0x7e00);
	ok(fel_version_parse(in, sizeof(in), &v) && v.soc_id == 0x1859 &&
	   v.firmware == 1 && v.protocol == 1 && v.scratchpad == 0x7e00,
	   "VERSION: SoC id 0x1859 from bits 8..23, firmware, protocol, "
	   "scratchpad");
	ok(!fel_version_parse(in, sizeof(in) - 1, &v) && !v.soc_id,
	   "VERSION: 31 bytes refused, nothing left in v");
	in[7] = 'Y';
	ok(!fel_version_parse(in, sizeof(in), &v), "VERSION: a wrong "
	   "signature refused");
}

static void test_messages(void)
{
	static const struct {
		uint64_t addr, len;
		uint32_t max;
		uint64_t want;
		const char *what;
	} t[] = {
		{ 0x80000000, 1, 65536, 1, "one byte" },
		{ 0x80000000, 65536, 65536, 1, "exactly one message" },
		{ 0x80000000, 65537, 65536, 2, "one byte more" },
		{ 0x80000000, 40 << 20, 1 << 20, 40, "40 MiB in 1 MiB" },
		{ 0xffff0000, 0x10000, 4096, 16, "up to the top of 32 bits" },
		{ 0xffff0000, 0x10001, 4096, 0, "one byte past 32 bits" },
		{ 0x100000000ull, 1, 4096, 0, "above 32 bits" },
		{ UINT64_MAX, 2, 4096, 0, "wrapping" },
		{ 0x80000000, 0, 4096, 0, "empty" },
		{ 0x80000000, 16, 0, 0, "no message size" },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(fel_messages(t[i].addr, t[i].len, t[i].max) == t[i].want,
		   "messages: %s", t[i].what);
}

/* fel_piece cuts a range as fel_messages counts it: consecutive, each at
 * most max, the last one the remainder. */
static void test_pieces(void)
{
	static const struct {
		uint64_t addr, len;
		uint32_t max;
	} t[] = {
		{ 0x80000000, 1, 4096 },
		{ 0x80000000, 4096, 4096 },
		{ 0x80000000, 4097, 4096 },
		{ 0x80000001, 40u << 20, 4u << 20 },
		{ 0x80000000, (40u << 20) + 13, 4u << 20 },
		{ 0xfffff000, 0x1000, 0x300 },
		{ 0, 100, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t done = 0, count = 0, expect_at = t[i].addr;
		uint32_t at, n;
		bool good = true;

		while (fel_piece(t[i].addr, t[i].len, done, t[i].max, &at, &n)) {
			good = good && at == (uint32_t)expect_at && n &&
			       n <= t[i].max;
			expect_at += n;
			done += n;
			count++;
		}
		ok(good && done == t[i].len &&
		   count == fel_messages(t[i].addr, t[i].len, t[i].max),
		   "pieces of [0x%llx, +%llu) by %u: %llu consecutive messages",
		   (unsigned long long)t[i].addr, (unsigned long long)t[i].len,
		   t[i].max, (unsigned long long)count);
	}
	ok(!fel_piece(0x80000000, 16, 16, 4, &(uint32_t){ 0 },
		      &(uint32_t){ 0 }), "pieces: none once done reaches len");
}

int main(void)
{
	test_awuc();
	test_awus();
	test_request();
	test_version();
	test_messages();
	test_pieces();
	return tap_done();
}
