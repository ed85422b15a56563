/* SPDX-License-Identifier: BSD-2-Clause */
/* start.S - _start of a card payload: stack, trap vector, card_main, card_exit
 *
 * Works unchanged in a position-independent (ET_DYN) and a fixed-address
 * (ET_EXEC) payload: every address is formed PC-relative (lla), so nothing
 * here needs a relocation.
 *
 * On entry (from the card ROM, see cardboot.h) a0..a3 hold the argument
 * registers the host staged, or the defaults a0 = hart id, a1 = platform
 * DTB, a2 = a3 = 0. They are passed untouched to
 *     int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
 * whose return value goes to card_exit(), which does not return.
 *
 * .bss is NOT zeroed here. The host loader zeroes every PT_LOAD's
 * memsz - filesz tail before it releases the CPU, and then writes the boot
 * parameter block into .bss. Zeroing it here would wipe those parameters
 * (and would cost the slow card CPU time the fast host already spent).
 * A payload started by something that does not zero bss is on its own.
 *
 * The stack (CARD_STACK_SIZE bytes, 16 KiB unless the linker script is
 * given STACK_SIZE) is in .bss too: __stack_top comes from ld/pie.ld or
 * ld/exec.ld and is 16-byte aligned.
 *
 * The card runs in M-mode (the ROM jumps here straight from QEMU's reset
 * vector), so we also point mtvec at a handler that reports an unexpected
 * trap on the UART and in the mailbox and powers the machine off, rather
 * than letting the hart loop through address 0 forever.
 */
	.option	norelax

	.section .text.start, "ax", %progbits
	.globl	_start
	.hidden	_start
	.type	_start, %function
_start:
	lla	sp, __stack_top
	li	s0, 0			/* frame pointer chain ends here */
	li	ra, 0
	lla	t0, card_trap_entry
	csrw	mtvec, t0		/* direct mode: bits 1:0 are zero */
	call	card_main		/* a0..a3 are still the ROM's */
	tail	card_exit		/* a0 = card_main's return value */
	.size	_start, . - _start

	/* mtvec base must be 4-byte aligned. The handler takes a fresh stack
	 * at the top of ours: whatever was on it is lost, but sp may be the
	 * very thing that went wrong. */
	.balign	4
	.type	card_trap_entry, %function
card_trap_entry:
	lla	sp, __stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	tail	card_trap		/* in card.c, does not return */
	.size	card_trap_entry, . - card_trap_entry
