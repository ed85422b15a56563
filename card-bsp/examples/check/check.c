/* SPDX-License-Identifier: BSD-2-Clause */
/* check.c - payload that checks what the host handed over against globals
 *           the host patched into it (cardload --set)
 *
 * The host sets, before the CPU starts (all file-backed, in .data):
 *   magic_value          u32, printed only (shows a 4-byte --set landed)
 *   expect_cmdline       char[128], the command line params->cmdline must be
 *   expect_initrd_crc    u32, CRC-32 (zlib's) of the initrd's bytes
 *   expect_initrd_size   u64, its size; 0 = no initrd expected
 * and checks the parameter block's command line, initrd and DTB, whose
 * /chosen must say the same (bootargs, linux,initrd-start/-end).
 *
 * One fact per line on the UART, formats parsed by test-harness/e2e/
 * qemu-params.sh:
 *   check: start
 *   check: magic=0x..
 *   check: cmdline ok "TEXT" | check: cmdline none
 *        | check: cmdline MISMATCH got "TEXT"|none want "TEXT"|none
 *   check: initrd ok size=N crc=0x.. addr=0x.. | check: initrd none
 *        | check: initrd MISMATCH ...
 *   check: dtb chosen ok bootargs="TEXT"|none initrd=[0x.., 0x..)|none
 *          addr=0x.. size=N                     (one line)
 *        | check: dtb none | check: dtb MISMATCH <what>
 *   check: a0=0x.. a1=0x.. a2=0x.. a3=0x..
 *   check: done status=0x..
 * Exits 0 when everything present is right, else with a bit per wrong
 * thing: 1 cmdline, 2 initrd, 4 dtb, 8 no parameter block.
 */
#include "card.h"

#define CHECK_CMDLINE	1
#define CHECK_INITRD	2
#define CHECK_DTB	4
#define CHECK_NOPARAMS	8

#define CMDLINE_MAX	4096	/* longest command line we print or compare */

/* Patched by the host: in .data (file-backed), never written here. */
#define HOST_SET __attribute__((section(".data"), used))
HOST_SET uint32_t magic_value;
HOST_SET char expect_cmdline[128];
HOST_SET uint32_t expect_initrd_crc;
HOST_SET uint64_t expect_initrd_size;

/* Read what the host wrote, not what the compiler saw at build time. */
#define HOST_VAL(x) (*(const volatile __typeof__(x) *)&(x))

/* A pointer in initialised data: an R_RISCV_RELATIVE relocation (every
 * ET_DYN payload has some; tools/check-payload.sh insists). */
static const char *const none_text = "none";

/* Print "TEXT" (quoted, at most CMDLINE_MAX bytes) or none. */
static void print_str(const char *s)
{
	if (s)
		card_printf("\"%.*s\"", CMDLINE_MAX, s);
	else
		card_puts(none_text);
}

/* The NUL-terminated string at addr of at most max bytes, or NULL if addr
 * is 0 or no NUL comes within max bytes. */
static const char *cstr(uint64_t addr, uint64_t max)
{
	const char *s = (const char *)(uintptr_t)addr;

	if (!addr)
		return NULL;
	for (uint64_t i = 0; i < max; i++)
		if (!s[i])
			return s;
	return NULL;
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strlen(a) == strlen(b) && memcmp(a, b, strlen(a)) == 0;
}

/* params->cmdline against expect_cmdline; "" expected = no command line. */
static int check_cmdline(const struct cardboot_params *p)
{
	char want_buf[sizeof(expect_cmdline) + 1];
	const char *got, *want;

	for (size_t i = 0; i < sizeof(expect_cmdline); i++)
		want_buf[i] = HOST_VAL(expect_cmdline[i]);
	want_buf[sizeof(expect_cmdline)] = 0;
	want = want_buf[0] ? want_buf : NULL;
	got = cstr(p->cmdline, p->cmdline_size ? p->cmdline_size : CMDLINE_MAX);
	if (p->cmdline && !got) {
		card_printf("check: cmdline MISMATCH at 0x%lx no NUL within "
			    "cmdline_size %lu\n", p->cmdline, p->cmdline_size);
		return CHECK_CMDLINE;
	}
	if (got && p->cmdline_size != strlen(got) + 1) {
		card_printf("check: cmdline MISMATCH cmdline_size %lu for a "
			    "string of %zu bytes\n", p->cmdline_size,
			    strlen(got));
		return CHECK_CMDLINE;
	}
	if (!streq(got, want)) {
		card_puts("check: cmdline MISMATCH got ");
		print_str(got);
		card_puts(" want ");
		print_str(want);
		card_puts("\n");
		return CHECK_CMDLINE;
	}
	if (!got) {
		card_puts("check: cmdline none\n");
		return 0;
	}
	card_puts("check: cmdline ok ");
	print_str(got);
	card_puts("\n");
	return 0;
}

/* The initrd's size and CRC-32 against expect_initrd_size and _crc. */
static int check_initrd(const struct cardboot_params *p)
{
	uint64_t want_size = HOST_VAL(expect_initrd_size);
	uint32_t want_crc = HOST_VAL(expect_initrd_crc), crc;

	if (!p->initrd && !p->initrd_size) {
		if (want_size) {
			card_printf("check: initrd MISMATCH got none want "
				    "size=%lu crc=0x%x\n", want_size, want_crc);
			return CHECK_INITRD;
		}
		card_puts("check: initrd none\n");
		return 0;
	}
	if (!p->initrd || p->initrd_size != want_size) {
		card_printf("check: initrd MISMATCH addr=0x%lx size=%lu want "
			    "size=%lu\n", p->initrd, p->initrd_size, want_size);
		return CHECK_INITRD;
	}
	crc = card_crc32(0, (const void *)(uintptr_t)p->initrd,
			 (size_t)p->initrd_size);
	if (crc != want_crc) {
		card_printf("check: initrd MISMATCH size=%lu crc=0x%x want "
			    "crc=0x%x\n", p->initrd_size, crc, want_crc);
		return CHECK_INITRD;
	}
	card_printf("check: initrd ok size=%lu crc=0x%x addr=0x%lx\n",
		    p->initrd_size, crc, p->initrd);
	return 0;
}

/* An integer property of /chosen: 1 and *v when present, 0 when absent,
 * negative (CARD_FDT_ERR_*) when malformed. */
static int chosen_int(const void *fdt, uint64_t size, const char *name,
		      uint64_t *v)
{
	const void *val;
	uint32_t len;
	int err = card_fdt_getprop(fdt, size, "/chosen", name, &val, &len);

	if (err == CARD_FDT_ERR_NOTFOUND)
		return 0;
	if (err)
		return err;
	err = card_fdt_int(val, len, v);
	return err ? err : 1;
}

/* The DTB at params->dtb: a valid blob whose /chosen bootargs is the
 * command line and whose linux,initrd-start/-end bound the initrd (and are
 * absent when there is none). */
static int check_dtb(const struct cardboot_params *p, const char *cmdline)
{
	const void *fdt = (const void *)(uintptr_t)p->dtb, *val;
	const char *bootargs = NULL;
	uint64_t start = 0, end = 0;
	uint32_t totalsize, len;
	int err, has_start, has_end;

	if (!p->dtb && p->dtb_size) {
		card_printf("check: dtb MISMATCH no address, dtb_size %lu\n",
			    p->dtb_size);
		return CHECK_DTB;
	}
	if (!p->dtb) {
		card_puts("check: dtb none\n");
		return 0;
	}
	if (!p->dtb_size) {
		card_printf("check: dtb MISMATCH dtb_size 0 for a DTB at "
			    "0x%lx\n", p->dtb);
		return CHECK_DTB;
	}
	err = card_fdt_check(fdt, p->dtb_size, &totalsize);
	if (err) {
		card_printf("check: dtb MISMATCH header at 0x%lx size %lu: "
			    "%s\n", p->dtb, p->dtb_size,
			    card_fdt_strerror(err));
		return CHECK_DTB;
	}
	err = card_fdt_getprop(fdt, p->dtb_size, "/chosen", NULL, NULL, NULL);
	if (err) {
		card_printf("check: dtb MISMATCH /chosen: %s\n",
			    card_fdt_strerror(err));
		return CHECK_DTB;
	}

	err = card_fdt_getprop(fdt, p->dtb_size, "/chosen", "bootargs", &val,
			       &len);
	if (err == 0) {
		bootargs = val;
		if (len == 0 || bootargs[len - 1] != 0 ||
		    strlen(bootargs) != len - 1) {
			card_printf("check: dtb MISMATCH bootargs is not one "
				    "string (%u bytes)\n", len);
			return CHECK_DTB;
		}
	} else if (err != CARD_FDT_ERR_NOTFOUND) {
		card_printf("check: dtb MISMATCH bootargs: %s\n",
			    card_fdt_strerror(err));
		return CHECK_DTB;
	}
	/* Without a command line the DTB keeps whatever it had. */
	if (cmdline && !streq(bootargs, cmdline)) {
		card_puts("check: dtb MISMATCH bootargs ");
		print_str(bootargs);
		card_puts(" want ");
		print_str(cmdline);
		card_puts("\n");
		return CHECK_DTB;
	}

	has_start = chosen_int(fdt, p->dtb_size, "linux,initrd-start", &start);
	has_end = chosen_int(fdt, p->dtb_size, "linux,initrd-end", &end);
	if (has_start < 0 || has_end < 0) {
		card_printf("check: dtb MISMATCH linux,initrd-start/end: %s\n",
			    card_fdt_strerror(has_start < 0 ? has_start
							    : has_end));
		return CHECK_DTB;
	}
	if (p->initrd ? !has_start || !has_end || start != p->initrd ||
			end != p->initrd + p->initrd_size
		      : has_start || has_end) {
		card_printf("check: dtb MISMATCH initrd=[0x%lx, 0x%lx) "
			    "(start %s, end %s) want [0x%lx, 0x%lx)\n", start,
			    end, has_start ? "set" : "absent",
			    has_end ? "set" : "absent", p->initrd,
			    p->initrd + p->initrd_size);
		return CHECK_DTB;
	}

	card_puts("check: dtb chosen ok bootargs=");
	print_str(bootargs);
	if (p->initrd)
		card_printf(" initrd=[0x%lx, 0x%lx)", start, end);
	else
		card_puts(" initrd=none");
	card_printf(" addr=0x%lx size=%u\n", p->dtb, totalsize);
	return 0;
}

int card_main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const struct cardboot_params *p;
	const char *cmdline;
	int code = 0;
	uint32_t status;

	card_puts("check: start\n");
	card_status(CARDBOOT_STATUS_RUNNING);
	card_printf("check: magic=0x%x\n", HOST_VAL(magic_value));
	p = card_params();
	if (!p) {
		card_puts("check: MISMATCH no parameter block\n");
		code = CHECK_NOPARAMS;
	} else {
		code |= check_cmdline(p);
		code |= check_initrd(p);
		cmdline = cstr(p->cmdline, p->cmdline_size);
		code |= check_dtb(p, cmdline);
	}
	card_printf("check: a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx\n",
		    a0, a1, a2, a3);
	status = card_exit_status(code);
	card_printf("check: done status=0x%x\n", status);
	return code;
}
