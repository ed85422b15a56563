/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start-riscv64.S - entry of the riscv64 test payload
 *
 * a0 = hart id, a1 = DTB (from the card ROM). Sets up a stack in .bss
 * with a PC-relative address (valid wherever the image is placed), calls
 * main and parks the hart.
 */
#include "payload.h"

	.section .text.start, "ax", %progbits
	.globl _start
	.hidden _start
	.type _start, %function
_start:
	lla	sp, stack_top
	call	main
1:	wfi
	j	1b
	.size _start, . - _start

	.section .bss.stack, "aw", %nobits
	.balign 16
stack_bottom:
	.space PAYLOAD_STACK_SIZE
stack_top:
