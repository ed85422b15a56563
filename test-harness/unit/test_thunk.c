/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_thunk.c - host/thunk.c: each thunk decoded here, instruction by
 * instruction, from the architectures' encodings: every load reads the
 * word that holds its argument (or is a no-op when the argument is not
 * given), the jump goes through the word holding the entry */
#include <elf.h>
#include <string.h>
#include "internal.h"
#include "tap.h"

static const uint64_t args[4] = { 0x1111222233334444ull, 0x55,
				  0x6666777788889999ull, 0xabcdef };

/* RV64I: auipc t0,0; ld aN, off(t0) x4; ld t0, off(t0); jalr x0,0(t0) */
static void test_riscv64(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	uint8_t t[CL_THUNK_MAX];
	size_t len = 0;
	unsigned i, good = 1;
	uint32_t w;

	ok(!cl_thunk_build(ctx, EM_RISCV, ELFCLASS64, 0x80200000, args, 0xd,
			   t, &len), "riscv64: built");
	ok(le32_get(t) == 0x00000297, "riscv64: auipc t0, 0 first");
	for (i = 0; i < 4; i++) {
		w = le32_get(t + 4 + 4 * i);
		if (!(0xdu >> i & 1)) {
			good &= w == 0x00000013;
			continue;
		}
		good &= (w & 0x7f) == 0x03 && (w >> 12 & 7) == 3 && /* ld */
			(w >> 7 & 31) == 10 + i && (w >> 15 & 31) == 5 &&
			le64_get(t + (w >> 20)) == args[i];
	}
	ok(good, "riscv64: ld a0, a2, a3 from their words; a1 (not given) "
	   "a nop");
	w = le32_get(t + 20);
	ok((w & 0x7f) == 0x03 && (w >> 7 & 31) == 5 && (w >> 15 & 31) == 5 &&
	   le64_get(t + (w >> 20)) == 0x80200000, "riscv64: ld t0 of the entry");
	w = le32_get(t + 24);
	ok((w & 0x7f) == 0x67 && (w >> 7 & 31) == 0 && (w >> 15 & 31) == 5 &&
	   !(w >> 20), "riscv64: jalr zero, 0(t0)");
	ok(len == 0x48 && len <= CL_THUNK_MAX, "riscv64: 72 bytes");
	cl_ctx_free(ctx);
}

/* A64: LDR (literal) xN, label x4; LDR x16, entry; BR x16 */
static void test_aarch64(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	uint8_t t[CL_THUNK_MAX];
	size_t len = 0;
	unsigned i, good = 1;
	uint32_t w;

	ok(!cl_thunk_build(ctx, EM_AARCH64, ELFCLASS64, 0x40080000, args, 0xf,
			   t, &len), "aarch64: built");
	for (i = 0; i < 5; i++) {
		uint64_t want = i < 4 ? args[i] : 0x40080000;

		w = le32_get(t + 4 * i);
		good &= (w & 0xff000000) == 0x58000000 &&
			(w & 31) == (i < 4 ? i : 16) &&
			le64_get(t + 4 * i + 4 * (w >> 5 & 0x7ffff)) == want;
	}
	ok(good, "aarch64: ldr x0..x3 and x16 read their words");
	ok(le32_get(t + 20) == 0xd61f0200, "aarch64: br x16");
	ok(!cl_thunk_build(ctx, EM_AARCH64, ELFCLASS64, 0x40080000, args, 0x1,
			   t, &len) && le32_get(t + 4) == 0xd503201f &&
	   le32_get(t + 12) == 0xd503201f, "aarch64: x1..x3 not given: nops");
	cl_ctx_free(ctx);
}

/* A32: LDR rN, [pc, #imm] x4; LDR pc, [pc, #imm] */
static void test_arm(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	uint8_t t[CL_THUNK_MAX];
	size_t len = 0;
	unsigned i, good = 1;
	uint32_t w;

	ok(!cl_thunk_build(ctx, EM_ARM, ELFCLASS32, 0x4a000001, args, 0xf, t,
			   &len), "arm: built");
	for (i = 0; i < 5; i++) {
		uint32_t want = i < 4 ? (uint32_t)args[i] : 0x4a000001;

		w = le32_get(t + 4 * i);
		good &= (w & 0xfff00000) == 0xe5900000 &&
			(w >> 16 & 15) == 15 && (w >> 23 & 1) &&
			(w >> 12 & 15) == (i < 4 ? i : 15) &&
			le32_get(t + 4 * i + 8 + (w & 0xfff)) == want;
	}
	ok(good, "arm: ldr r0..r3 and pc read their words (the entry keeps "
	   "its Thumb bit)");
	ok(len == 0x28, "arm: 40 bytes");
	ok(cl_thunk_build(ctx, EM_ARM, ELFCLASS32, 0x100000000ull, args, 1, t,
			  &len) == CL_E_USAGE, "arm: an entry above 4 GiB is "
	   "refused");
	cl_ctx_free(ctx);
}

static void test_refused(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	uint8_t t[CL_THUNK_MAX];
	size_t len;
	int rc = cl_thunk_build(ctx, EM_RISCV, ELFCLASS32, 0x80000000, args, 1,
				t, &len);

	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "no thunk"),
	   "riscv32: no thunk, said so: %s", cl_errmsg(ctx));
	ok(cl_thunk_build(ctx, EM_X86_64, ELFCLASS64, 0x100000, args, 1, t,
			  &len) == CL_E_USAGE, "x86_64: no thunk");
	cl_ctx_free(ctx);
}

int main(void)
{
	test_riscv64();
	test_aarch64();
	test_arm();
	test_refused();
	return tap_done();
}
