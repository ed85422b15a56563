/* SPDX-License-Identifier: BSD-2-Clause */
/* card.c - parameter block, console (UART + ring), status and exit on the card
 *
 * cardboot.h gives the mailbox, the console ring and the boot-parameter
 * block. The CPU and board bits (UART, memory barriers, power off) come
 * from a header chosen by the target: arch-riscv64.h (QEMU virt riscv64:
 * ns16550, SiFive test device) or arch-aarch64.h (QEMU virt aarch64:
 * PL011, PSCI). Board addresses are -D overridable.
 *
 * Nothing in this file writes a global in .data (there is none): only the
 * stack, .bss and device registers, so a payload may print before it has
 * checked the image digest.
 */
#include "card.h"

#if defined(__riscv)
#include "arch-riscv64.h"
#elif defined(__aarch64__)
#include "arch-aarch64.h"
#else
#error "card.c: no arch-*.h for this target (riscv64 or aarch64)"
#endif

/* The block the loader fills. In .bss: zero until the host writes it,
 * which it does after zeroing .bss. The notes tell the loader that this
 * payload speaks the handoff ABI and where the block is. */
struct cardboot_params boot_params;

CARDBOOT_NOTE_ABI_C();
CARDBOOT_NOTE_PARAMS_C(boot_params);

/* Called by card_trap_entry (crt/start.S, crt/start-aarch64.S) with a fresh
 * stack. */
__attribute__((noreturn)) void card_trap(uint64_t cause, uint64_t pc,
					 uint64_t addr);

static int in_trap;

const struct cardboot_params *card_params(void)
{
	if (boot_params.magic != CARDBOOT_PARAMS_MAGIC)
		return NULL;
	return &boot_params;
}

/* ---- console ------------------------------------------------------------ */

/* The console ring, if the host set one up (it writes the header). */
static volatile uint8_t *console_ring(void)
{
	const struct cardboot_params *p = card_params();
	volatile uint8_t *ring;

	if (!p || !p->console)
		return NULL;
	ring = (volatile uint8_t *)(uintptr_t)p->console;
	if (*(volatile uint32_t *)(ring + CARDBOOT_CONSOLE_MAGIC_OFF) !=
	    CARDBOOT_CONSOLE_MAGIC ||
	    *(volatile uint32_t *)(ring + CARDBOOT_CONSOLE_SIZE_OFF) == 0)
		return NULL;
	return ring;
}

/* cardboot.h: store data[head % size], make it visible, then head + 1. */
static void console_putc(volatile uint8_t *ring, uint8_t c)
{
	volatile uint32_t *size = (volatile uint32_t *)
		(ring + CARDBOOT_CONSOLE_SIZE_OFF);
	volatile uint32_t *head = (volatile uint32_t *)
		(ring + CARDBOOT_CONSOLE_HEAD_OFF);
	uint32_t h = *head;

	ring[CARDBOOT_CONSOLE_DATA_OFF + h % *size] = c;
	arch_fence_w_w();
	*head = h + 1;
}

void card_putc(int c)
{
	volatile uint8_t *ring = console_ring();

	arch_uart_putc((uint8_t)c);
	if (ring)
		console_putc(ring, (uint8_t)c);
}

void card_puts(const char *s)
{
	volatile uint8_t *ring = console_ring();

	for (; *s; s++) {
		arch_uart_putc((uint8_t)*s);
		if (ring)
			console_putc(ring, (uint8_t)*s);
	}
}

/* ---- mailbox status and exit --------------------------------------------- */

volatile struct cardboot_mailbox *card_mailbox(void)
{
	const struct cardboot_params *p = card_params();
	uintptr_t mb = p && p->mailbox ? (uintptr_t)p->mailbox
				       : (uintptr_t)CARDBOOT_MAILBOX_ADDR;

	return (volatile struct cardboot_mailbox *)mb;
}

void card_status(uint32_t status)
{
	volatile struct cardboot_mailbox *mb = card_mailbox();

	/* Everything written before (console bytes, results) first. */
	arch_fence_rw_w();
	mb->status = status;
	arch_fence_w_rw();
}

/* 16 bits of code travel in the status word and the test device; a non-zero
 * code whose low 16 bits are zero must still read as a failure. */
static uint32_t exit_code16(int code)
{
	uint32_t c = (uint32_t)code & 0xffffu;

	return code != 0 && c == 0 ? 0xffffu : c;
}

uint32_t card_exit_status(int code)
{
	return code == 0 ? CARDBOOT_STATUS_DONE(0)
			 : CARDBOOT_STATUS_FAIL(exit_code16(code));
}

static __attribute__((noreturn)) void power_off(int code)
{
	arch_power_off(code == 0 ? 0 : exit_code16(code));
}

void card_exit(int code)
{
	card_status(card_exit_status(code));
	power_off(code);
}

/* cause, pc, addr: riscv mcause, mepc, mtval; aarch64 ESR, ELR, FAR. */
void card_trap(uint64_t cause, uint64_t pc, uint64_t addr)
{
	/* A trap while reporting a trap: just stop. */
	if (in_trap++)
		power_off(CARD_EXIT_TRAP);
	card_printf(CARD_TRAP_FMT, cause, pc, addr);
	card_exit(CARD_EXIT_TRAP);
}
