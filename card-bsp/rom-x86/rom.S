/* SPDX-License-Identifier: BSD-2-Clause */
/* rom.S - boot ROM of the QEMU pc x86 card: 32-bit mode, announce, spin, jump
 *
 * Machine: QEMU `-M pc` (i440FX), loaded with `-bios rom-x86.bin`. pc rather
 * than q35 or microvm: with -m 256M its RAM is one flat range from address
 * 0 (RAM file offset = physical address, measured in ../shared/RIG-NOTES.md
 * with -M pc), Linux boots on it with acpi=off and no firmware tables, and
 * it has the ISA devices the tests use (16550 at 0x3f8, isa-debug-exit).
 * q35 would serve as well (same reset vector, same RAM layout at this
 * size) but was not measured; microvm lays out its firmware and devices
 * differently and would need a board of its own.
 *
 * This 64 KiB image (laid out by .org below, no linker script) is mapped
 * at 0xffff0000..0xffffffff (and again at 0xf0000). The CPU starts in
 * real mode at 0xfffffff0 with CS base 0xffff0000, so every ROM address
 * below is reachable as CS:(address - 0xffff0000) until protected mode is
 * on.
 *
 * Only the bootstrap processor runs this code (an application processor
 * waits for a startup IPI, which nothing here sends). It
 *   1. turns interrupts off, enables A20 (port 0x92), loads the GDT below
 *      and enters 32-bit protected mode: flat 4 GiB code (selector 0x08)
 *      and data (0x10) segments, paging off, CR0 = PE|ET (cache bits clear);
 *   2. fills the ROM's half of the mailbox (struct cardboot_mailbox in
 *      cardboot.h): magic, version, hartid = 0, platform_dtb = 0, then
 *      READY;
 *   3. spins until the go word reads GO;
 *   4. loads the argument registers and jumps to the 32-bit entry.
 *
 * Argument registers (what `cardload --arg N=V` sets), low 32 bits of arg[N]
 * when argmask bit N is set, else the default:
 *   arg0 -> %ebx  (PVH: physical address of struct hvm_start_info)
 *                 default: hart id (0)
 *   arg1 -> %esi  default: platform DTB (0: a PC has none)
 *   arg2 -> %edi  default 0
 *   arg3 -> %ebp  default 0
 * %eax, %ecx, %edx and %esp are 0: the payload sets up its own stack. The
 * entry's upper 32 bits must be zero; if they are not, the ROM halts (a
 * 32-bit ROM cannot reach the address). The state at the entry is what
 * the PVH boot ABI asks for, except that TR is not loaded (Linux's PVH
 * entry does not use it): CS = flat 32-bit code, DS = ES = SS = FS = GS =
 * flat data, CR0 = PE|ET, CR4 = 0, EFLAGS.IF = TF = 0, DF = 0.
 *
 * As on the RISC-V card, the ROM touches no RAM besides the mailbox, has
 * no stack and never writes go, staged, entry, argmask, arg[] or status
 * (the host may have written them before the CPU started).
 */
#include "cardboot.h"

#ifndef CARDBOOT_MAILBOX_ADDR
#define CARDBOOT_MAILBOX_ADDR 0x100000
#endif

/* The image has no relocations: it is assembled at offset 0 and copied out
 * as is (llvm-objcopy -O binary), so absolute addresses are computed here. */
#define ROM_BASE  0xffff0000
#define ROM_ADDR(sym) (ROM_BASE + ((sym) - rom_start))
#define CODE_SEL  0x08
#define DATA_SEL  0x10
#define CR0_PE    0x00000001
#define CR0_ET    0x00000010

	.section .text.rom, "ax", @progbits
	.code16
	.globl	rom_start
rom_start:
	/* Real mode, CS base 0xffff0000, arriving from the reset vector. */
	cli
	cld

	/* A20 on through the "fast A20" port (bit 1), never touching bit 0
	 * (which resets the machine): with A20 off, odd megabytes would
	 * alias even ones. */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92

	/* GDT pointer read through CS: DS is 0 and cannot see the ROM. The
	 * 32-bit form (lgdtl) takes the whole 32-bit base. */
	lgdtl	%cs:(gdt_ptr - rom_start)

	/* Protected mode on; caching on (CD, NW clear), every other writable
	 * bit clear as PVH asks. ET reads as 1 whatever is written. */
	movl	$(CR0_PE | CR0_ET), %eax
	movl	%eax, %cr0

	/* Far jump with a 32-bit offset: loads CS from the GDT and leaves
	 * 16-bit code for good. */
	ljmpl	$CODE_SEL, $ROM_ADDR(pm32)

	.code32
pm32:
	movl	$DATA_SEL, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	xorl	%eax, %eax
	movl	%eax, %cr4

	movl	$CARDBOOT_MAILBOX_ADDR, %edx

	/* Announce ourselves: identity first ... (x86 stores are seen in
	 * program order by other agents, so no fence is needed between
	 * them and READY) */
	movl	$CARDBOOT_MB_MAGIC, CARDBOOT_MB_MAGIC_OFF(%edx)
	movl	$CARDBOOT_MB_VERSION, CARDBOOT_MB_VERSION_OFF(%edx)
	movl	$0, CARDBOOT_MB_HARTID_OFF(%edx)
	movl	$0, (CARDBOOT_MB_HARTID_OFF + 4)(%edx)
	movl	$0, CARDBOOT_MB_PLATFORM_DTB_OFF(%edx)
	movl	$0, (CARDBOOT_MB_PLATFORM_DTB_OFF + 4)(%edx)
	/* ... then READY. */
	movl	$CARDBOOT_READY, CARDBOOT_MB_READY_OFF(%edx)

	/* Spin until the go word reads GO. Each compare is a real load: the
	 * host's write to the shared RAM shows up without help from here. */
1:	pause
	cmpl	$CARDBOOT_GO, CARDBOOT_MB_GO_OFF(%edx)
	jne	1b

	/* GO seen. x86 keeps loads in order, so entry and arguments read
	 * below are at least as new as GO; the image needs no cache
	 * maintenance (instruction fetch is coherent on x86). */
	cmpl	$0, (CARDBOOT_MB_ENTRY_OFF + 4)(%edx)
	jne	park

	/* Argument registers: arg[n] where argmask bit n is set, else the
	 * defaults (hart id 0, platform DTB 0, 0, 0). */
	movl	CARDBOOT_MB_ARGMASK_OFF(%edx), %ecx
	xorl	%ebx, %ebx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	testl	$1, %ecx
	jz	2f
	movl	(CARDBOOT_MB_ARG_OFF + 0 * 8)(%edx), %ebx
2:	testl	$2, %ecx
	jz	3f
	movl	(CARDBOOT_MB_ARG_OFF + 1 * 8)(%edx), %esi
3:	testl	$4, %ecx
	jz	4f
	movl	(CARDBOOT_MB_ARG_OFF + 2 * 8)(%edx), %edi
4:	testl	$8, %ecx
	jz	5f
	movl	(CARDBOOT_MB_ARG_OFF + 3 * 8)(%edx), %ebp
5:
	/* Jump to the entry with the scratch registers cleared: the jump
	 * reads the entry from the mailbox by its absolute address, so no
	 * register has to hold it. */
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esp, %esp
	jmp	*(CARDBOOT_MAILBOX_ADDR + CARDBOOT_MB_ENTRY_OFF)

park:
	hlt
	jmp	park

	/* Flat segments: base 0, limit 0xfffff pages (4 GiB), G = 1, D = 1. */
	.balign	8
gdt:
	.quad	0			/* 0x00: null */
	.quad	0x00cf9b000000ffff	/* 0x08: code, execute/read, accessed */
	.quad	0x00cf93000000ffff	/* 0x10: data, read/write, accessed */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	ROM_ADDR(gdt)

	/* The CPU's first instruction, 16 bytes below 4 GiB (offset 0xfff0
	 * of the image). A near jump keeps CS base 0xffff0000; its 16-bit
	 * displacement wraps around the 64 KiB segment to rom_start. */
	.org	0xfff0, 0xff
	.globl	reset_vector
reset_vector:
	.byte	0xe9			/* jmp rel16 */
	.word	(rom_start - 1f) & 0xffff
1:	.org	0x10000, 0xff
