/* SPDX-License-Identifier: BSD-2-Clause */
/* rom.S - boot ROM of the QEMU virt riscv64 card: announce, spin, jump
 *
 * QEMU (-M virt -bios none, this image in pflash unit 0) runs its reset
 * vector and then jumps here, to 0x20000000, in M-mode with
 *   a0 = hart id, a1 = address of the platform DTB (near the top of RAM).
 *
 * Hart 0 fills the ROM's half of the mailbox (struct cardboot_mailbox in
 * cardboot.h), says READY, and spins until the host writes GO. It then
 * loads the entry and argument registers the host staged and jumps.
 * Every other hart parks for good.
 *
 * The ROM touches no RAM besides the mailbox and has no stack: everything
 * lives in registers. It writes only magic, version, hartid, platform_dtb
 * and ready. It never writes go, staged, entry, argmask, arg[] or status,
 * because the host may have written them before this CPU even started (a
 * host that holds the CPU in reset writes the whole mailbox, GO included,
 * and then lets it run).
 *
 * Register use:
 *   s0 = hart id (from a0)       s1 = platform DTB (from a1)
 *   t0 = mailbox address         t1, t2 = scratch
 */
#include "cardboot.h"

#ifndef CARDBOOT_MAILBOX_ADDR
#define CARDBOOT_MAILBOX_ADDR 0x87c00000
#endif

	.section .text.rom, "ax", %progbits
	.globl	rom_start
	.type	rom_start, %function
rom_start:
	/* Only hart 0 boots; the others sleep here forever. wfi may return
	 * spuriously (or on an interrupt), so it sits in a loop. */
	bnez	a0, park

	mv	s0, a0
	mv	s1, a1
	li	t0, CARDBOOT_MAILBOX_ADDR

	/* Announce ourselves: identity first ... */
	li	t1, CARDBOOT_MB_MAGIC
	sw	t1, CARDBOOT_MB_MAGIC_OFF(t0)
	li	t1, CARDBOOT_MB_VERSION
	sw	t1, CARDBOOT_MB_VERSION_OFF(t0)
	sd	s0, CARDBOOT_MB_HARTID_OFF(t0)
	sd	s1, CARDBOOT_MB_PLATFORM_DTB_OFF(t0)
	/* ... then, once those are visible, READY. */
	fence
	li	t1, CARDBOOT_READY
	sw	t1, CARDBOOT_MB_READY_OFF(t0)
	fence

	/* Spin until the 32-bit go word reads GO. lwu zero-extends, and li
	 * of the unsigned constant gives the same zero-extended value, so the
	 * comparison is exact whatever bit 31 of the magic is. The load is a
	 * real load every time round: the host's write to the shared RAM
	 * shows up here without any help from this hart. */
	li	t1, CARDBOOT_GO
1:	lwu	t2, CARDBOOT_MB_GO_OFF(t0)
	bne	t2, t1, 1b

	/* GO seen. Order every later load after it (entry, args, and the
	 * image itself), and drop anything stale from the instruction side:
	 * the image was written into RAM by someone else. */
	fence
	fence.i

	/* Argument registers: arg[n] where argmask bit n is set, else the
	 * defaults a0 = hart id, a1 = platform DTB, a2 = a3 = 0. */
	lwu	t2, CARDBOOT_MB_ARGMASK_OFF(t0)
	mv	a0, s0
	mv	a1, s1
	li	a2, 0
	li	a3, 0

	andi	t1, t2, 1
	beqz	t1, 2f
	ld	a0, (CARDBOOT_MB_ARG_OFF + 0 * 8)(t0)
2:	andi	t1, t2, 2
	beqz	t1, 3f
	ld	a1, (CARDBOOT_MB_ARG_OFF + 1 * 8)(t0)
3:	andi	t1, t2, 4
	beqz	t1, 4f
	ld	a2, (CARDBOOT_MB_ARG_OFF + 2 * 8)(t0)
4:	andi	t1, t2, 8
	beqz	t1, 5f
	ld	a3, (CARDBOOT_MB_ARG_OFF + 3 * 8)(t0)
5:
	/* Jump to the entry. Clear the scratch registers on the way so the
	 * payload starts from a known state besides a0..a3 (and sp, ra, gp,
	 * tp, which it must set up itself if it needs them). */
	ld	t1, CARDBOOT_MB_ENTRY_OFF(t0)
	li	t0, 0
	li	t2, 0
	li	s0, 0
	li	s1, 0
	jr	t1

park:
	wfi
	j	park
	.size	rom_start, . - rom_start
