/* SPDX-License-Identifier: BSD-2-Clause */
/* card.c - parameter block, console (UART + ring), status and exit on the card
 *
 * The QEMU virt machine gives us an ns16550 UART and the SiFive test device
 * (a register that powers the machine off); cardboot.h gives the mailbox,
 * the console ring and the boot-parameter block. Board addresses are
 * -D overridable.
 *
 * Nothing in this file writes a global in .data (there is none): only the
 * stack, .bss and device registers, so a payload may print before it has
 * checked the image digest.
 */
#include "card.h"

#ifndef CARD_UART_BASE
#define CARD_UART_BASE		0x10000000ul	/* ns16550 */
#endif
#ifndef CARD_TEST_BASE
#define CARD_TEST_BASE		0x100000ul	/* SiFive test / finisher */
#endif
#ifndef CARDBOOT_MAILBOX_ADDR
#define CARDBOOT_MAILBOX_ADDR	0x87c00000ul
#endif

#define UART_THR		0	/* transmit holding register */
#define UART_LSR		5	/* line status register */
#define UART_LSR_THRE		0x20	/* THR empty: room for a byte */

#define TEST_PASS		0x5555u
#define TEST_FAIL		0x3333u	/* | code << 16 */

/* The block the loader fills. In .bss: zero until the host writes it,
 * which it does after zeroing .bss. The notes tell the loader that this
 * payload speaks the handoff ABI and where the block is. */
struct cardboot_params boot_params;

CARDBOOT_NOTE_ABI_C();
CARDBOOT_NOTE_PARAMS_C(boot_params);

/* Called by card_trap_entry in start.S with a fresh stack. */
__attribute__((noreturn)) void card_trap(uint64_t mcause, uint64_t mepc,
					 uint64_t mtval);

static int in_trap;

const struct cardboot_params *card_params(void)
{
	if (boot_params.magic != CARDBOOT_PARAMS_MAGIC)
		return NULL;
	return &boot_params;
}

/* ---- console ------------------------------------------------------------ */

static void uart_putc(uint8_t c)
{
	volatile uint8_t *uart = (volatile uint8_t *)CARD_UART_BASE;

	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = c;
}

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
	__asm__ volatile("fence w,w" ::: "memory");
	*head = h + 1;
}

void card_putc(int c)
{
	volatile uint8_t *ring = console_ring();

	uart_putc((uint8_t)c);
	if (ring)
		console_putc(ring, (uint8_t)c);
}

void card_puts(const char *s)
{
	volatile uint8_t *ring = console_ring();

	for (; *s; s++) {
		uart_putc((uint8_t)*s);
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
	__asm__ volatile("fence rw,w" ::: "memory");
	mb->status = status;
	__asm__ volatile("fence w,rw" ::: "memory");
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
	volatile uint32_t *test = (volatile uint32_t *)CARD_TEST_BASE;

	*test = code == 0 ? TEST_PASS : exit_code16(code) << 16 | TEST_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

void card_exit(int code)
{
	card_status(card_exit_status(code));
	power_off(code);
}

void card_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
	/* A trap while reporting a trap: just stop. */
	if (in_trap++)
		power_off(CARD_EXIT_TRAP);
	card_printf("card: unexpected trap mcause=0x%lx mepc=0x%lx "
		    "mtval=0x%lx\n", mcause, mepc, mtval);
	card_exit(CARD_EXIT_TRAP);
}
