/* SPDX-License-Identifier: BSD-2-Clause */
/* arch-riscv64.h - card.c's CPU and board bits for QEMU virt riscv64
 *
 * The ns16550 UART, the SiFive test device (a register that powers the
 * machine off with an exit status), RISC-V fences. Included by card.c
 * only, when the compiler targets riscv. Addresses are -D overridable.
 */
#ifndef CARD_ARCH_RISCV64_H
#define CARD_ARCH_RISCV64_H

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

/* What card_trap() prints: mcause, mepc, mtval (see crt/start.S). */
#define CARD_TRAP_FMT \
	"card: unexpected trap mcause=0x%lx mepc=0x%lx mtval=0x%lx\n"

static inline void arch_uart_putc(uint8_t c)
{
	volatile uint8_t *uart = (volatile uint8_t *)CARD_UART_BASE;

	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = c;
}

/* Earlier stores before later stores (the console ring's byte, then head). */
static inline void arch_fence_w_w(void)
{
	__asm__ volatile("fence w,w" ::: "memory");
}

/* Everything before, then the status word; the status word, then the rest. */
static inline void arch_fence_rw_w(void)
{
	__asm__ volatile("fence rw,w" ::: "memory");
}

static inline void arch_fence_w_rw(void)
{
	__asm__ volatile("fence w,rw" ::: "memory");
}

/* code16 (16 bits, 0 = success) is the exit status QEMU gets. */
static inline __attribute__((noreturn)) void arch_power_off(uint32_t code16)
{
	volatile uint32_t *test = (volatile uint32_t *)CARD_TEST_BASE;

	*test = code16 == 0 ? TEST_PASS : code16 << 16 | TEST_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

#endif /* CARD_ARCH_RISCV64_H */
