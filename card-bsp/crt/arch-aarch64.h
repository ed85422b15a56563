/* SPDX-License-Identifier: BSD-2-Clause */
/* arch-aarch64.h - card.c's CPU and board bits for QEMU virt aarch64
 *
 * The PL011 UART, PSCI SYSTEM_OFF to power off, AArch64 barriers. Included
 * by card.c only, when the compiler targets aarch64. Addresses are -D
 * overridable.
 *
 * The card runs at EL1 with the MMU off (QEMU -M virt -cpu cortex-a53 with
 * no firmware, started through the gdbstub): every data access is then
 * Device-nGnRnE, so stores reach RAM and devices in program order, and the
 * barriers below are for an observer outside the CPU (the host).
 *
 * PSCI: QEMU's virt machine implements PSCI itself when it runs no
 * firmware, with the conduit its DTB names in /psci "method": "hvc" at
 * EL1 (the default), "smc" with virtualization=on (the CPU starts at EL2).
 * SYSTEM_OFF makes QEMU exit with status 0 whatever the payload's code:
 * the verdict travels in the mailbox status word only.
 */
#ifndef CARD_ARCH_AARCH64_H
#define CARD_ARCH_AARCH64_H

#ifndef CARD_UART_BASE
#define CARD_UART_BASE		0x09000000ul	/* PL011 */
#endif
#ifndef CARDBOOT_MAILBOX_ADDR
#define CARDBOOT_MAILBOX_ADDR	0x4fc00000ul
#endif

#define PL011_DR		0x00	/* data register (32-bit) */
#define PL011_FR		0x18	/* flag register */
#define PL011_FR_TXFF		0x20	/* transmit FIFO full */

#define PSCI_SYSTEM_OFF		0x84000008u	/* SMC32 function ID */

/* What card_trap() prints: ESR_EL1, ELR_EL1, FAR_EL1 (crt/start-aarch64.S). */
#define CARD_TRAP_FMT \
	"card: unexpected exception esr=0x%lx elr=0x%lx far=0x%lx\n"

/* In crt/start-aarch64.S: a vector table that parks the CPU on any
 * exception. */
extern char card_park_vectors[] __attribute__((visibility("hidden")));

/* The UART is used as firmware (or QEMU, which ignores the enable bits)
 * left it: no baud rate or enable is written here. */
static inline void arch_uart_putc(uint8_t c)
{
	volatile uint32_t *uart = (volatile uint32_t *)CARD_UART_BASE;

	while (uart[PL011_FR / 4] & PL011_FR_TXFF)
		;
	uart[PL011_DR / 4] = c;
}

/* Earlier stores before later stores (the console ring's byte, then head). */
static inline void arch_fence_w_w(void)
{
	__asm__ volatile("dmb st" ::: "memory");
}

/* Everything before, then the status word; the status word, then the rest. */
static inline void arch_fence_rw_w(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

static inline void arch_fence_w_rw(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

/* PSCI SYSTEM_OFF: hvc at EL1, smc above. code16 cannot be passed on
 * (see above). Before the call, any exception is made to park the CPU:
 * where no PSCI answers the conduit instruction is undefined, and that
 * must not turn a DONE already posted into a trap's FAIL. If the call
 * returns (NOT_SUPPORTED) or traps, the CPU waits for interrupts forever,
 * interrupts masked. */
static inline __attribute__((noreturn)) void arch_power_off(uint32_t code16)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
	uint64_t el;

	(void)code16;
	__asm__ volatile("msr daifset, #0xf\n\t"
			 "msr vbar_el1, %0\n\t"
			 "isb" :: "r"(card_park_vectors) : "memory");
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if (((el >> 2) & 3) == 1)
		__asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3",
				 "memory");
	else
		__asm__ volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3",
				 "memory");
	for (;;)
		__asm__ volatile("wfi");
}

#endif /* CARD_ARCH_AARCH64_H */
