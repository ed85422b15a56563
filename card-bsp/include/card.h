/* SPDX-License-Identifier: BSD-2-Clause */
/* card.h - what the card-bsp start files give a payload on the QEMU virt card
 *
 * Link a payload with crt/start.o and crt/card.o (built by card-bsp's
 * Makefile) and ld/pie.ld or ld/exec.ld; write card_main(). See
 * card-bsp/README.md.
 *
 * Output goes to the UART (ns16550 on riscv64, PL011 on aarch64) and, when
 * the host gave one, is mirrored into the console ring of cardboot.h. Nothing here allocates, and nothing
 * writes a global in .data: only the stack and .bss are touched, so a
 * payload may call any of it before checking the image digest.
 */
#ifndef CARD_H
#define CARD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cardboot.h"

/* Everything here is inside the payload itself: hidden visibility lets the
 * compiler reach it PC-relative, with no GOT entry or dynamic relocation. */
#pragma GCC visibility push(hidden)

/* The boot-parameter block. Defined (zero) in card.c and announced to the
 * loader with the CARDBOOT_NOTE_PARAMS note; the host fills it after it has
 * zeroed .bss. Its magic is 0 when the loader passed no parameters. */
extern struct cardboot_params boot_params;

/* Linker-script symbols (ld/pie.ld, ld/exec.ld). */
extern char __image_start[];	/* first byte of the image (.text) */
extern char __image_end[];	/* end of .bss, stack included */
extern char __stack_top[];
extern char _start[];

/* Written by the payload: called by _start with the entry registers a0..a3
 * (aarch64: x0..x3) as the ROM or the host set them. Its return value is
 * passed to card_exit(). */
int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

/* &boot_params if its magic and version are right, else NULL. */
const struct cardboot_params *card_params(void);

/* Console output: the UART, mirrored into the console ring. No newline
 * translation ("\n" stays "\n"). card_puts() writes s as it is and adds no
 * newline (like fputs). card_printf() knows %d %i %u %x %X %o %c %s %p %%,
 * the flags '-' and '0', a width and a precision (also as '*'), and the
 * length modifiers hh h l ll z j t. It returns the number of bytes written. */
void card_putc(int c);
void card_puts(const char *s);
int card_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int card_vprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* The mailbox the ROM used: boot_params.mailbox when the host gave one,
 * else this board's CARDBOOT_MAILBOX_ADDR. */
volatile struct cardboot_mailbox *card_mailbox(void);

/* Post a status word (CARDBOOT_STATUS_*) in the mailbox. */
void card_status(uint32_t status);

/* The status card_exit(code) posts: DONE(0) for 0, else FAIL(code). */
uint32_t card_exit_status(int code);

/* Post card_exit_status(code), then power the machine off: riscv64 through
 * the SiFive test device (QEMU exits with status code & 0xffff, as the exit
 * status of a process: code 0 = success), aarch64 through PSCI SYSTEM_OFF
 * (QEMU exits with status 0: the code is in the status word only). Spins
 * if that does not work. */
__attribute__((noreturn)) void card_exit(int code);

/* CRC-32 as cardboot.h defines the image digest (zlib's crc32(): start
 * with crc = 0, pass the previous result to chain). */
uint32_t card_crc32(uint32_t crc, const void *buf, size_t len);

/* card_crc32() over len zero bytes. */
uint32_t card_crc32_zeros(uint32_t crc, uint64_t len);

/* A read-only flattened device tree (DTB, version 17) reader (crt/fdt.c).
 * `limit` is how many bytes at `fdt` may be read (say params->dtb_size):
 * the header's totalsize must fit in it, and nothing outside the blob's
 * structure and strings blocks is read. Functions return 0 or a negative
 * CARD_FDT_ERR_*; card_fdt_strerror() names it. */
#define CARD_FDT_MAGIC		0xd00dfeedu
#define CARD_FDT_ERR_NOTFOUND	(-1)	/* no such node or property */
#define CARD_FDT_ERR_BADMAGIC	(-2)
#define CARD_FDT_ERR_BADVERSION	(-3)	/* version < 17 or last_comp > 17 */
#define CARD_FDT_ERR_BADHEADER	(-4)	/* blocks outside totalsize */
#define CARD_FDT_ERR_TOOBIG	(-5)	/* totalsize (or header) > limit */
#define CARD_FDT_ERR_TRUNCATED	(-6)	/* runs off the structure block */
#define CARD_FDT_ERR_BADSTRUCT	(-7)	/* bad token, nesting or name */
#define CARD_FDT_ERR_BADVALUE	(-8)	/* not a 4- or 8-byte integer */
#define CARD_FDT_ERR_BADPATH	(-9)	/* not absolute, or too deep */

/* Check the header; *totalsize (if not NULL) gets the blob's size. */
int card_fdt_check(const void *fdt, uint64_t limit, uint32_t *totalsize);

/* Find property `name` of the node at absolute `path` ("/chosen"; a
 * component without '@' also matches "name@unit"): *val points at its
 * value inside the blob, *len is its length. With name NULL, only tells
 * whether the node exists (*val = NULL). */
int card_fdt_getprop(const void *fdt, uint64_t limit, const char *path,
		     const char *name, const void **val, uint32_t *len);

/* Big-endian cells; card_fdt_int() takes a 4- or 8-byte value. */
uint32_t card_fdt_be32(const void *p);
uint64_t card_fdt_be64(const void *p);
int card_fdt_int(const void *val, uint32_t len, uint64_t *out);
const char *card_fdt_strerror(int err);

/* The freestanding C library subset the compiler may call on its own. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#pragma GCC visibility pop

/* Exit code card_exit() gets when the CPU takes an unexpected trap. */
#define CARD_EXIT_TRAP 0x7e

#endif /* CARD_H */
