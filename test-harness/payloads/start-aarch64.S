/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start-aarch64.S - entry of the aarch64 test payload
 *
 * x0 = hart (core) id, x1 = DTB (from the card ROM). Sets up a stack in
 * .bss with a PC-relative address, calls main and parks the core.
 */
#include "payload.h"

	.section .text.start, "ax", %progbits
	.globl _start
	.hidden _start
	.type _start, %function
_start:
	adrp	x9, stack_top
	add	x9, x9, :lo12:stack_top
	mov	sp, x9
	bl	main
1:	wfi
	b	1b
	.size _start, . - _start

	.section .bss.stack, "aw", %nobits
	.balign 16
stack_bottom:
	.space PAYLOAD_STACK_SIZE
stack_top:
