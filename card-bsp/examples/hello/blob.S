/* SPDX-License-Identifier: BSD-2-Clause */
/* blob.S - the bulk of big-dyn.elf: BIG_BLOB (a generated file) in .rodata
 *
 * Also of bulk-exec.elf, which adds BIG_BSS bytes of .bss (big_bss).
 */
#ifndef BIG_BLOB
#error "BIG_BLOB must name the generated blob file"
#endif
	.section .rodata.big_blob, "a", %progbits
	.balign	8
	.globl	big_blob, big_blob_end
	.hidden	big_blob, big_blob_end
big_blob:
	.incbin	BIG_BLOB
big_blob_end:

#ifdef BIG_BSS
	.section .bss.big_bss, "aw", %nobits
	.balign	4096
	.globl	big_bss
	.hidden	big_bss
big_bss:
	.skip	BIG_BSS
#endif
