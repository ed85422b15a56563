/* SPDX-License-Identifier: BSD-2-Clause */
/* start-aarch64.S - _start of an aarch64 card payload: stack, vectors, card_main
 *
 * The aarch64 twin of start.S. Works unchanged in a position-independent
 * (ET_DYN) and a fixed-address (ET_EXEC) payload: every address is formed
 * PC-relative (adrp + add), so nothing here needs a relocation.
 *
 * On entry x0..x3 hold the argument registers the host set (through the
 * GDB remote transport, or a boot ROM), by default x0 = core id 0 and
 * x1 = platform DTB, x2 = x3 = 0. They are passed untouched to
 *     int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
 * whose return value goes to card_exit(), which does not return.
 *
 * The CPU is expected at EL1 with the MMU and caches off (QEMU -M virt
 * with no firmware), SP_EL1 selected. Interrupts are masked here and stay
 * so. .bss is NOT zeroed (see start.S: the host did it and then wrote the
 * parameter block there); the stack (__stack_top, 16-byte aligned, from
 * ld/pie.ld or ld/exec.ld) is at the end of .bss.
 *
 * VBAR_EL1 points at card_vectors: any exception prints ESR, ELR and FAR
 * on the UART, posts FAIL(0x7e) and powers off (card_trap in card.c), on a
 * fresh stack at the top of ours. card_park_vectors, which power-off
 * installs, parks the CPU instead.
 *
 * Compile C for this with -mgeneral-regs-only (FP/SIMD may trap: CPACR_EL1
 * is not set up) and -mstrict-align (with the MMU off all memory is Device
 * memory, where an unaligned access faults).
 */
	.section .text.start, "ax", %progbits
	.globl	_start
	.hidden	_start
	.type	_start, %function
_start:
	msr	daifset, #0xf		/* D, A, I, F masked */
	adrp	x9, __stack_top
	add	x9, x9, :lo12:__stack_top
	mov	sp, x9
	mov	x29, #0			/* frame record chain ends here */
	mov	x30, #0
	adrp	x9, card_vectors
	add	x9, x9, :lo12:card_vectors
	msr	vbar_el1, x9
	isb
	bl	card_main		/* x0..x3 are still the host's */
	b	card_exit		/* x0 = card_main's return value */
	.size	_start, . - _start

	/* 16 entries of 0x80 bytes, the table 2 KiB aligned (VBAR_EL1 bits
	 * 10:0 are RES0). From EL1 with SP_EL1 only the entries at 0x200
	 * (sync, IRQ, FIQ, SError) can be taken; all lead to the handler. */
	.section .text.vectors, "ax", %progbits
	.balign	2048
	.type	card_vectors, %object
card_vectors:
	.rept	16
	.balign	0x80
	b	card_trap_entry
	.endr
	.size	card_vectors, . - card_vectors

	.globl	card_park_vectors
	.hidden	card_park_vectors
	.balign	2048
	.type	card_park_vectors, %object
card_park_vectors:
	.rept	16
	.balign	0x80
1:	wfi
	b	1b
	.endr
	.size	card_park_vectors, . - card_park_vectors

	.text
	.type	card_trap_entry, %function
card_trap_entry:
	adrp	x9, __stack_top
	add	x9, x9, :lo12:__stack_top
	mov	sp, x9
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	card_trap		/* in card.c, does not return */
	.size	card_trap_entry, . - card_trap_entry
