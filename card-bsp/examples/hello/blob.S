/* blob.S - the bulk of big-dyn.elf: BIG_BLOB (a generated file) in .rodata */
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
