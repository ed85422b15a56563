/* SPDX-License-Identifier: BSD-2-Clause */
/* hello.c - example card payload: report what the loader handed over, check it
 *
 * Prints one fact per line on the UART (and the console ring), in formats
 * the end-to-end tests parse:
 *   hello: start
 *   hello: load=0x.. entry=0x..
 *   hello: a0=0x.. a1=0x.. a2=0x.. a3=0x..
 *   hello: params magic=0x.. version=N base=0x.. reloc=0x.. entry=0x..
 *          board=NAME windows=N segs=N                       (one line)
 *   hello: cmdline="TEXT"  |  hello: cmdline=none
 *   hello: relocations ok  |  hello: relocations BROKEN <detail>
 *   hello: digest ok 0x..  |  hello: digest MISMATCH got 0x.. want 0x..
 *                          |  hello: digest skipped (no params)
 *                          |  hello: digest skipped (N segments)
 *   hello: done status=0x..
 * and exits 0 (DONE) when relocations and digest are right, else 1 (FAIL).
 *
 * Built as ET_DYN (hello-dyn.elf), ET_EXEC at 0x80200000 (hello-exec.elf)
 * and, with HELLO_BIG, as big-dyn.elf with ~40 MiB of data in .rodata; for
 * aarch64 as hello-aarch64-dyn.elf (ET_DYN), where a0..a3 are x0..x3.
 */
#include "card.h"

/* The run-time address of a symbol, computed PC-relative (riscv auipc +
 * addi, aarch64 adrp + add) whatever the code model: right wherever the
 * image was placed, with no relocation involved. The asm keeps the
 * compiler from folding anything. */
#if defined(__aarch64__)
#define PCREL(sym) ({							\
	void *p_;							\
	__asm__("adrp %0, " #sym "\n\tadd %0, %0, :lo12:" #sym		\
		: "=r"(p_));						\
	p_;								\
})
#else
#define PCREL(sym) ({							\
	void *p_;							\
	__asm__("lla %0, " #sym : "=r"(p_));				\
	p_;								\
})
#endif

static const char str_alpha[] = "alpha";
static const char str_beta[] = "beta: an address with an addend";

#ifdef HELLO_BIG
extern const char big_blob[], big_blob_end[];
#endif

static __attribute__((noinline)) int helper(int x)
{
	return x * 3 + 1;
}

/* Pointers in initialised data, writable (.data) and read-only after
 * relocation (.data.rel.ro). In an ET_DYN image each one is an
 * R_RISCV_RELATIVE (R_AARCH64_RELATIVE) relocation the host must have
 * applied. */
static const void *reloc_data[] = {
	(const void *)card_main,
	(const void *)helper,
	str_alpha,
	str_beta + 6,
	&boot_params,
	__image_start,
#ifdef HELLO_BIG
	big_blob,
	big_blob_end - 1,
#endif
};

static const void *const reloc_ro[] = {
	(const void *)helper,
	str_beta,
	_start,
};

static int check_relocations(void)
{
	const void *want_data[] = {
		PCREL(card_main), PCREL(helper), PCREL(str_alpha),
		(const char *)PCREL(str_beta) + 6, PCREL(boot_params),
		PCREL(__image_start),
#ifdef HELLO_BIG
		PCREL(big_blob), (const char *)PCREL(big_blob_end) - 1,
#endif
	};
	const void *want_ro[] = {
		PCREL(helper), PCREL(str_beta), PCREL(_start),
	};
	/* volatile: read what is in memory, not what the compiler knows. */
	const void *const volatile *data = reloc_data;
	const void *const volatile *ro = reloc_ro;
	unsigned i;

	_Static_assert(sizeof(want_data) == sizeof(reloc_data), "tables");
	_Static_assert(sizeof(want_ro) == sizeof(reloc_ro), "tables");
	for (i = 0; i < sizeof(reloc_data) / sizeof(reloc_data[0]); i++) {
		if (data[i] != want_data[i]) {
			card_printf("hello: relocations BROKEN .data[%u]=%p "
				    "want %p\n", i, data[i], want_data[i]);
			return 0;
		}
	}
	for (i = 0; i < sizeof(reloc_ro) / sizeof(reloc_ro[0]); i++) {
		if (ro[i] != want_ro[i]) {
			card_printf("hello: relocations BROKEN "
				    ".data.rel.ro[%u]=%p want %p\n",
				    i, ro[i], want_ro[i]);
			return 0;
		}
	}
	/* And a call through a relocated pointer really arrives. */
	if (((int (*)(int))data[1])(4) != 13) {
		card_printf("hello: relocations BROKEN call via .data[1]\n");
		return 0;
	}
	card_printf("hello: relocations ok\n");
	return 1;
}

/* The digest of cardboot.h over the loaded segments, with the bytes of
 * boot_params counted as zeros (the host wrote them after its digest). */
static uint32_t image_digest(const struct cardboot_params *p)
{
	uint64_t pb = (uintptr_t)&boot_params, pe = pb + sizeof(boot_params);
	uint32_t crc = 0;

	for (uint32_t i = 0; i < p->nsegs; i++) {
		uint64_t a = p->segs[i].addr, end = a + p->segs[i].filesz;

		while (a < end) {
			uint64_t stop;

			if (a >= pb && a < pe) {
				stop = end < pe ? end : pe;
				crc = card_crc32_zeros(crc, stop - a);
			} else {
				stop = a < pb && pb < end ? pb : end;
				crc = card_crc32(crc, (const void *)(uintptr_t)a,
						 (size_t)(stop - a));
			}
			a = stop;
		}
	}
	return crc;
}

static int check_digest(const struct cardboot_params *p)
{
	uint32_t got;

	if (!p) {
		card_printf("hello: digest skipped (no params)\n");
		return 1;
	}
	if (p->nsegs > CARDBOOT_MAX_SEGS) { /* the block lists only 8 */
		card_printf("hello: digest skipped (%u segments)\n", p->nsegs);
		return 1;
	}
	got = image_digest(p);
	if (p->digest_kind != CARDBOOT_DIGEST_CRC32 || got != p->digest) {
		card_printf("hello: digest MISMATCH got 0x%x want 0x%x\n",
			    got, p->digest);
		return 0;
	}
	card_printf("hello: digest ok 0x%x\n", got);
	return 1;
}

int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	static const struct cardboot_params none;
	const struct cardboot_params *p = card_params();
	const struct cardboot_params *q = p ? p : &none;
	int ok, code;
	uint32_t status;

	card_puts("hello: start\n");
	card_status(CARDBOOT_STATUS_RUNNING);
	card_printf("hello: load=%p entry=%p\n", PCREL(__image_start),
		    PCREL(_start));
	card_printf("hello: a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx\n",
		    a0, a1, a2, a3);
	card_printf("hello: params magic=0x%x version=%u base=0x%lx "
		    "reloc=0x%lx entry=0x%lx board=%.*s windows=%u segs=%u\n",
		    boot_params.magic, q->version, q->load_base,
		    q->reloc_offset, q->entry, CARDBOOT_BOARD_MAX, q->board,
		    q->nwindows, q->nsegs);
	if (q->cmdline)
		card_printf("hello: cmdline=\"%.*s\"\n",
			    q->cmdline_size && q->cmdline_size < 4096
				    ? (int)q->cmdline_size : 4096,
			    (const char *)(uintptr_t)q->cmdline);
	else
		card_printf("hello: cmdline=none\n");

	ok = check_relocations();
	/* Nothing in .data has been written yet: the digest still holds. */
	ok &= check_digest(p);

	code = ok ? 0 : 1;
	status = card_exit_status(code);
	card_printf("hello: done status=0x%x\n", status);
	return code;
}
