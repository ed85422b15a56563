/* SPDX-License-Identifier: BSD-2-Clause */
/* inflate.c - card-side decompressor stub: gunzip a raw image, jump to it
 *
 * The other way to boot a compressed image, for comparison with cardload's
 * own (host decompresses, injects the finished image): the host writes
 * this stub and the still-compressed image into card RAM, and the card's
 * CPU inflates it. test-harness/bench/first-instruction.sh times both.
 *
 *   cardload boot --board qemu-virt-riscv64 inflate.elf \
 *       --initrd payload.bin.gz [--set inflate_memsz=N] \
 *       [--set inflate_dest=ADDR] [--set inflate_entry=ADDR] [--wait]
 *
 * The image is a gzip file (RFC 1952, one member) of a raw binary
 * (llvm-objcopy -O binary) of a payload linked at a fixed address. It
 * arrives as the initrd: the parameter block gives its address and size.
 *
 * Layout of the QEMU virt card (128 MiB at 0x80000000):
 *   0x80000000  this stub, ET_EXEC (code, tables and stack: < 128 KiB)
 *   0x80200000  inflate_dest: the payload, inflated in place, then its
 *               bss zeroed up to inflate_dest + inflate_memsz
 *   ...         free, up to the gzip image
 *   high        the gzip image (the initrd; cardload puts data as high as
 *               it fits, below the mailbox)
 *   0x87c00000  mailbox, console ring (reserved), 0x87e00000 platform DTB
 * The room for the payload is checked on the card, from the parameter
 * block: it runs from inflate_dest to the first of the gzip image, this
 * stub, the mailbox, the console ring, the DTBs, the command line or the
 * end of the RAM window; inflate_dest inside any of them is refused.
 *
 * Patched by the host with --set (file-backed globals):
 *   inflate_dest   where the payload is linked (default INFLATE_DEST)
 *   inflate_entry  where to jump, 0 = inflate_dest
 *   inflate_memsz  the payload's whole size in memory, bss included; the
 *                  bytes past the inflated ones are zeroed (0 = none)
 *
 * On success the stub prints nothing (the payload's first output is the
 * first output) and jumps with a0 = hart id, a1 = platform DTB, a2 = a3 = 0,
 * as the ROM would. On failure it prints "inflate: FAILED <why>" and exits
 * with card_exit(code): the mailbox status is FAIL(code), which
 * `cardload boot --wait` reports with exit status 13, and QEMU powers off.
 * Codes: 0x10 + n for decoder error -n (INF_ERR_*), INFLATE_NO_INPUT,
 * INFLATE_LAYOUT.
 */
#include "card.h"
#include "deflate.h"

#ifndef INFLATE_DEST
#define INFLATE_DEST	0x80200000
#endif

#define INFLATE_DECODE	0x10	/* + -INF_ERR_* */
#define INFLATE_NO_INPUT 0x20	/* no parameter block or no initrd */
#define INFLATE_LAYOUT	0x21	/* no room for the payload there */

/* Patched by the host: in .data (file-backed), never written here. */
#define HOST_SET __attribute__((section(".data"), used))
HOST_SET uint64_t inflate_dest = INFLATE_DEST;
HOST_SET uint64_t inflate_entry;
HOST_SET uint64_t inflate_memsz;

#define HOST_VAL(x) (*(const volatile __typeof__(x) *)&(x))

struct area {
	uint64_t addr, size;
	const char *what;
};

static __attribute__((noreturn)) void fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(int code, const char *fmt, ...)
{
	va_list ap;

	card_puts("inflate: FAILED ");
	va_start(ap, fmt);
	card_vprintf(fmt, ap);
	va_end(ap);
	card_putc('\n');
	card_exit(code);
}

/* The size of the device tree at addr, or 1 if there is none. */
static uint64_t dtb_size(uint64_t addr)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)addr;

	return card_fdt_be32(p) == CARD_FDT_MAGIC ? card_fdt_be32(p + 4) : 1;
}

/* The end of the room for output at dest: the first thing above it. */
static uint64_t room_end(const struct cardboot_params *p, uint64_t dest)
{
	const volatile uint32_t *ring = (const volatile uint32_t *)
		(uintptr_t)p->console;
	uint64_t ring_size = ring ? CARDBOOT_CONSOLE_DATA_OFF +
		ring[CARDBOOT_CONSOLE_SIZE_OFF / 4] : 0;
	const struct area areas[] = {
		{ (uintptr_t)__image_start,
		  (uint64_t)(__image_end - __image_start), "the stub" },
		{ p->initrd, p->initrd_size, "the gzip image" },
		{ p->mailbox, CARDBOOT_MB_SIZE, "the mailbox" },
		{ p->console, ring_size, "the console ring" },
		{ p->platform_dtb, p->platform_dtb ? dtb_size(p->platform_dtb)
						   : 0, "the platform dtb" },
		{ p->dtb, p->dtb_size, "the dtb" },
		{ p->cmdline, p->cmdline_size, "the command line" },
	};
	uint64_t end = 0;
	unsigned i;

	for (i = 0; i < p->nwindows && i < CARDBOOT_MAX_WINDOWS; i++) {
		const struct cardboot_window *w = &p->windows[i];

		if (dest >= w->addr && dest - w->addr < w->size)
			end = w->addr + w->size;
	}
	if (!end)
		fail(INFLATE_LAYOUT, "0x%lx is outside the card's RAM", dest);
	for (i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		const struct area *a = &areas[i];

		if (!a->addr || !a->size || a->addr + a->size <= dest)
			continue;
		if (a->addr <= dest)
			fail(INFLATE_LAYOUT, "0x%lx is inside %s [0x%lx, 0x%lx)",
			     dest, a->what, a->addr, a->addr + a->size);
		if (a->addr < end)
			end = a->addr;
	}
	return end;
}

/* Start the payload as the ROM starts a payload. */
static __attribute__((noreturn)) void jump(uint64_t entry, uint64_t hartid,
					   uint64_t dtb)
{
	register uint64_t a0 __asm__("a0") = hartid;
	register uint64_t a1 __asm__("a1") = dtb;
	register uint64_t a2 __asm__("a2") = 0;
	register uint64_t a3 __asm__("a3") = 0;

	/* The payload's code was written as data: make it visible to
	 * instruction fetch. */
	__asm__ volatile("fence rw, rw\n\tfence.i\n\tjr %0"
			 : : "r"(entry), "r"(a0), "r"(a1), "r"(a2), "r"(a3)
			 : "memory");
	__builtin_unreachable();
}

int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const struct cardboot_params *p = card_params();
	uint64_t dest = HOST_VAL(inflate_dest);
	uint64_t entry = HOST_VAL(inflate_entry);
	uint64_t memsz = HOST_VAL(inflate_memsz);
	uint64_t end, used;
	size_t n;
	int rc;

	(void)a2;
	(void)a3;
	if (!p || !p->initrd || !p->initrd_size)
		fail(INFLATE_NO_INPUT, "no gzip image: boot with --initrd "
		     "IMAGE.gz");
	end = room_end(p, dest);
	if (memsz > end - dest)
		fail(INFLATE_LAYOUT, "inflate_memsz 0x%lx does not fit in "
		     "[0x%lx, 0x%lx)", memsz, dest, end);

	rc = gunzip((const uint8_t *)(uintptr_t)p->initrd, p->initrd_size,
		    (uint8_t *)(uintptr_t)dest, end - dest, &n);
	if (rc)
		fail(INFLATE_DECODE - rc, "%s (output [0x%lx, 0x%lx))",
		     inflate_strerror(rc), dest, end);
	used = n;
	if (memsz > used) {
		memset((uint8_t *)(uintptr_t)(dest + used), 0, memsz - used);
		used = memsz;
	}
	if (!entry)
		entry = dest;
	if (entry < dest || entry - dest >= used)
		fail(INFLATE_LAYOUT, "entry 0x%lx is outside the payload "
		     "[0x%lx, 0x%lx)", entry, dest, dest + used);
	jump(entry, a0, a1);
}
