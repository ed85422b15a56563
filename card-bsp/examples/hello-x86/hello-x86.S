/* SPDX-License-Identifier: BSD-2-Clause */
/* hello-x86.S - the x86 card's test payload: print the entry registers, power off
 *
 * Entered by the x86 card ROM (rom-x86/rom.S) in 32-bit protected mode,
 * paging off, flat segments, with the mailbox arguments in
 * %ebx, %esi, %edi, %ebp (arg0..arg3). It prints on the 16550 at port 0x3f8
 *
 *   hello-x86: entry=0x01000000 ebx=0x00001234 esi=0x00000000 edi=... ebp=...
 *   hello-x86: done
 *
 * posts CARDBOOT_STATUS_DONE(0) in the mailbox (so `cardload boot --wait`
 * returns), and writes 0 to QEMU's isa-debug-exit port (0xf4, which
 * card.sh gives the x86 card): QEMU then exits with status (0 << 1) | 1 = 1.
 *
 * The file is an ELF64 x86_64 image (the board's machine is x86_64, like
 * Linux's vmlinux) holding 32-bit code, linked at 0x1000000 (16 MiB, where
 * kernels load). It has no stack of its own use beyond calls: 4 KiB in .bss.
 */
#include "cardboot.h"

#ifndef CARDBOOT_MAILBOX_ADDR
#define CARDBOOT_MAILBOX_ADDR 0x100000
#endif

#define COM1      0x3f8
#define COM1_LSR  (COM1 + 5)
#define LSR_THRE  0x20
#define EXIT_PORT 0xf4

	.code32
	.text
	.globl	_start
_start:
	movl	$stack_top, %esp
	/* keep the entry registers: the print helpers use %eax..%edx only */
	movl	$msg_entry, %ecx
	call	puts
	movl	$_start, %eax
	call	puthex
	movl	$msg_ebx, %ecx
	call	puts
	movl	%ebx, %eax
	call	puthex
	movl	$msg_esi, %ecx
	call	puts
	movl	%esi, %eax
	call	puthex
	movl	$msg_edi, %ecx
	call	puts
	movl	%edi, %eax
	call	puthex
	movl	$msg_ebp, %ecx
	call	puts
	movl	%ebp, %eax
	call	puthex
	movl	$msg_done, %ecx
	call	puts

	movl	$CARDBOOT_STATUS_DONE(0), \
		(CARDBOOT_MAILBOX_ADDR + CARDBOOT_MB_STATUS_OFF)
	xorl	%eax, %eax
	outl	%eax, $EXIT_PORT
	/* not QEMU with isa-debug-exit: stop here */
1:	cli
	hlt
	jmp	1b

/* putc: %al -> COM1, waiting for the transmitter. Clobbers %edx. */
putc:
	pushl	%eax
	movw	$COM1_LSR, %dx
1:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	1b
	popl	%eax
	movw	$COM1, %dx
	outb	%al, %dx
	ret

/* puts: NUL-terminated string at %ecx. Clobbers %eax, %ecx, %edx. */
puts:
1:	movb	(%ecx), %al
	testb	%al, %al
	jz	2f
	call	putc
	incl	%ecx
	jmp	1b
2:	ret

/* puthex: %eax as 0x and eight hex digits. Clobbers %eax, %ecx, %edx. */
puthex:
	pushl	%eax
	movb	$'0', %al
	call	putc
	movb	$'x', %al
	call	putc
	popl	%eax
	movl	$8, %ecx
1:	roll	$4, %eax
	pushl	%eax
	andl	$0xf, %eax
	movb	hexdigits(%eax), %al
	call	putc
	popl	%eax
	decl	%ecx
	jnz	1b
	ret

	.section .rodata
hexdigits:	.ascii	"0123456789abcdef"
msg_entry:	.asciz	"hello-x86: entry="
msg_ebx:	.asciz	" ebx="
msg_esi:	.asciz	" esi="
msg_edi:	.asciz	" edi="
msg_ebp:	.asciz	" ebp="
msg_done:	.asciz	"\r\nhello-x86: done\r\n"

	.bss
	.balign	16
stack:	.skip	4096
stack_top:
