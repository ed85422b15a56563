/* SPDX-License-Identifier: BSD-2-Clause */
/* stage1.c - first stage of a two-stage chain: report, then jump to a2
 *
 * The host loads this as image 0 and the next stage as image 1 of the same
 * boot, and passes the next stage's entry in a2:
 *     cardload boot stage1.elf.gz --image hello-dyn.elf.gz --arg 2=@image1
 * a0 and a1 stay what the ROM gave (hart id, platform DTB, unless the host
 * set them), so the next stage starts as if the ROM had started it: same
 * a0 and a1, a2 = a3 = 0. Both images were written and verified by the host
 * before the CPU ran, so there is nothing to copy or relocate here.
 *
 * UART lines (parsed by test-harness/e2e/qemu-params.sh):
 *   stage1: a0=0x.. a1=0x.. next=0x..
 *   stage1: no next stage                  (a2 = 0: card_exit(3))
 */
#include "card.h"

#define STAGE1_NO_NEXT	3

/* A pointer in initialised data: an R_RISCV_RELATIVE relocation, so the
 * lines below only read right when the host relocated this image (and
 * tools/check-payload.sh wants every ET_DYN payload to have one). */
static const char *const stage1_name = "stage1";
/* (read through volatile, or the compiler would use the string directly) */
#define me (*(const char *const volatile *)&stage1_name)

/* Jump to entry with a0, a1 as given and a2 = a3 = 0; never returns. Our
 * stack and trap vector are left behind: the next stage sets its own. */
static __attribute__((noreturn)) void jump(uint64_t entry, uint64_t a0,
					   uint64_t a1)
{
	register uint64_t r_entry __asm__("t0") = entry;
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;

	/* fence: our UART/status stores before the next stage's. fence.i:
	 * the next stage's code as written (the host wrote it before the
	 * ROM's own fence.i, but a stage that moved code would need this). */
	__asm__ volatile("li a2, 0\n\t"
			 "li a3, 0\n\t"
			 "fence rw, rw\n\t"
			 "fence.i\n\t"
			 "jr %0"
			 :
			 : "r"(r_entry), "r"(r_a0), "r"(r_a1)
			 : "a2", "a3", "memory");
	__builtin_unreachable();
}

int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a3;
	card_printf("%s: a0=0x%lx a1=0x%lx next=0x%lx\n", me, a0, a1, a2);
	if (!a2) {
		card_printf("%s: no next stage\n", me);
		return STAGE1_NO_NEXT;
	}
	jump(a2, a0, a1);
}
