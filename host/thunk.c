/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thunk.c - argument registers for a release that passes none (FEL EXEC)
 *
 * FEL EXEC jumps to an address with nothing in the argument registers.
 * When a boot on a release = fel-exec board has arguments (--arg, a DTB
 * in a1, ...), cardload places a few instructions of its own in free card
 * RAM, EXECs those, and they load the arguments and jump to the entry.
 * PURE: bytes in, bytes out. Each thunk is position independent and
 * carries its entry and four arguments after its code, little-endian:
 *
 *   riscv64 (RV64I, no compressed instructions):
 *     0x00 auipc t0, 0         0x14 ld   t0, 32(t0)
 *     0x04 ld   a0, 40(t0)     0x18 jalr zero, 0(t0)
 *     0x08 ld   a1, 48(t0)     0x1c nop
 *     0x0c ld   a2, 56(t0)     0x20 entry, 0x28 a0 .. 0x40 a3 (u64)
 *     0x10 ld   a3, 64(t0)
 *   aarch64 (A64):
 *     0x00 ldr x0, .+0x20      0x10 ldr x16, .+8
 *     0x04 ldr x1, .+0x24      0x14 br  x16
 *     0x08 ldr x2, .+0x28      0x18 entry, 0x20 x0 .. 0x38 x3 (u64)
 *     0x0c ldr x3, .+0x2c
 *   arm (A32; the entry's bit 0 selects Thumb, as ldr pc does):
 *     0x00 ldr r0, [pc, #12]   0x10 ldr pc, [pc, #12]
 *     0x04 ldr r1, [pc, #12]   0x14 r0 .. 0x20 r3, 0x24 entry (u32)
 *     0x08 ldr r2, [pc, #12]
 *     0x0c ldr r3, [pc, #12]
 * An argument not given is not loaded: its load becomes a no-op, and the
 * register keeps what the ROM left in it (the test card's ROM: a0 = hart
 * id, a1 = platform DTB).
 */
#include <elf.h>
#include <inttypes.h>
#include <string.h>
#include "internal.h"

static const uint32_t rv64[] = {
	0x00000297, 0x0282b503, 0x0302b583, 0x0382b603,
	0x0402b683, 0x0202b283, 0x00028067, 0x00000013,
};
static const uint32_t a64[] = {
	0x58000100, 0x58000121, 0x58000142, 0x58000163,
	0x58000050, 0xd61f0200,
};
static const uint32_t a32[] = {
	0xe59f000c, 0xe59f100c, 0xe59f200c, 0xe59f300c, 0xe59ff00c,
};

int cl_thunk_build(struct cl_ctx *ctx, int machine, int elfclass,
		   uint64_t entry, const uint64_t *arg, uint32_t argmask,
		   uint8_t *out, size_t *len)
{
	const uint32_t *code;
	size_t ncode, i;
	unsigned word = 8;	/* bytes of an address and an argument */
	unsigned first;		/* index of the load of argument 0 */
	uint32_t nop;

	if (machine == EM_RISCV && elfclass == ELFCLASS64) {
		code = rv64;
		ncode = sizeof(rv64) / 4;
		first = 1;
		nop = 0x00000013;	/* addi zero, zero, 0 */
	} else if (machine == EM_AARCH64 && elfclass == ELFCLASS64) {
		code = a64;
		ncode = sizeof(a64) / 4;
		first = 0;
		nop = 0xd503201f;	/* nop */
	} else if (machine == EM_ARM && elfclass == ELFCLASS32) {
		code = a32;
		ncode = sizeof(a32) / 4;
		first = 0;
		nop = 0xe1a00000;	/* mov r0, r0 */
		word = 4;
	} else {
		return cl_seterr(ctx, CL_E_USAGE, "FEL EXEC passes no "
				 "arguments, and cardload has no thunk to load "
				 "them for %s images (riscv64, aarch64 and arm "
				 "only); drop --arg or use release = mailbox",
				 cl_machine_name(machine, elfclass));
	}
	if (word == 4 && entry > UINT32_MAX)
		return cl_seterr(ctx, CL_E_USAGE, "entry 0x%" PRIx64 " does not "
				 "fit an arm thunk", entry);
	memset(out, 0, CL_THUNK_MAX);
	for (i = 0; i < ncode; i++)
		le32_put(out + 4 * i, i >= first && i < first + CL_THUNK_ARGS &&
			 !(argmask >> (i - first) & 1) ? nop : code[i]);
	*len = 4 * ncode;
	if (word == 4) { /* arguments, then the entry */
		for (i = 0; i < CL_THUNK_ARGS; i++, *len += 4)
			le32_put(out + *len, argmask >> i & 1 ?
				 (uint32_t)arg[i] : 0);
		le32_put(out + *len, (uint32_t)entry);
		*len += 4;
		return 0;
	}
	le64_put(out + *len, entry); /* the entry, then the arguments */
	*len += 8;
	for (i = 0; i < CL_THUNK_ARGS; i++, *len += 8)
		le64_put(out + *len, argmask >> i & 1 ? arg[i] : 0);
	return 0;
}
