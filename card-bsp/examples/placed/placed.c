/* SPDX-License-Identifier: BSD-2-Clause */
/* placed.c - payload that says where it must go: PLACEMENT and BOARD notes
 *
 * Position independent (ET_DYN), but it tells the loader through cardboot.h
 * notes that its lowest byte must land on a 2 MiB boundary in
 * [0x81000000, 0x82000000] (the whole image below 0x82000000), and that it
 * is for the qemu-virt-riscv64 board only. Without --base cardload puts it
 * at 0x81000000; a --base outside the range or another board is refused.
 *
 * UART lines (parsed by test-harness/e2e/qemu-params.sh):
 *   placed: start
 *   placed: load=0x.. entry=0x..
 *   placed: relocations ok | placed: relocations BROKEN got 0x.. want 0x..
 *   placed: done status=0x..
 * Exits 0 when its relocation is right, else 1.
 */
#include "card.h"

CARDBOOT_NOTE_PLACEMENT_C(0x200000, 0x81000000, 0x82000000);
CARDBOOT_NOTE_BOARD_C("qemu-virt-riscv64");

/* The run-time address of a symbol, PC-relative (no relocation). */
#define PCREL(sym) ({							\
	void *p_;							\
	__asm__("lla %0, " #sym : "=r"(p_));				\
	p_;								\
})

/* The same address through an R_RISCV_RELATIVE relocation the host
 * applied. */
static const void *const image_start_ptr = __image_start;

int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const void *const volatile *ptr = &image_start_ptr;
	int code = 0;

	(void)a0, (void)a1, (void)a2, (void)a3;
	card_puts("placed: start\n");
	card_status(CARDBOOT_STATUS_RUNNING);
	card_printf("placed: load=%p entry=%p\n", PCREL(__image_start),
		    PCREL(_start));
	if (*ptr == PCREL(__image_start)) {
		card_puts("placed: relocations ok\n");
	} else {
		card_printf("placed: relocations BROKEN got %p want %p\n",
			    *ptr, PCREL(__image_start));
		code = 1;
	}
	card_printf("placed: done status=0x%x\n", card_exit_status(code));
	return code;
}
