/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_xennote.c - the "Xen" ELF notes: listed by name, PHYS32_ENTRY taken
 *
 * Images with notes made here (elfgen.h's egen_note) as Linux writes them:
 * strings with and without their NUL, 4- and 8-byte numbers in either byte
 * order, a 16-byte L1_MFN_VALID; then PHYS32_ENTRY malformed (sizes other
 * than 4 and 8), above 4 GiB and repeated, all refused by name; other
 * notes repeated, unknown, huge and too many to keep, all tolerated; a
 * header that lies about its size refused by notes.c's bounded walk.
 */
#include <string.h>
#include "elfgen.h"
#include "internal.h"
#include "tap.h"

#define NOTES_MAX (64u << 10)

static struct cl_ctx *ctx;

struct notes {
	uint8_t buf[NOTES_MAX];
	size_t len;
	int endian;
};

static struct notes nb;

static void notes_init(int endian)
{
	nb.len = 0;
	nb.endian = endian;
}

static size_t add(const char *owner, uint32_t type, const void *desc,
		  uint32_t desclen)
{
	size_t at = nb.len, size = egen_note(NULL, nb.endian, owner, type,
					     desc, desclen);

	if (at + size > sizeof(nb.buf))
		abort();
	egen_note(nb.buf + at, nb.endian, owner, type, desc, desclen);
	nb.len += size;
	return at;
}

static void add_str(uint32_t type, const char *s, bool nul)
{
	add("Xen", type, s, (uint32_t)strlen(s) + (nul ? 1 : 0));
}

static void add_num(uint32_t type, uint64_t v, unsigned width)
{
	uint8_t d[8];

	egen_put(d, nb.endian, width, v);
	add("Xen", type, d, width);
}

static const struct egen_seg segs[] = {
	{ .vaddr = 0xffffffff81000000ull, .paddr = 0x1000000, .filesz = 0x1000,
	  .memsz = 0x1000, .align = 0x1000, .flags = PF_R | PF_X,
	  .fill = 0x90 },
};

static int open_notes(struct cl_image **img)
{
	struct egen_spec s = {
		.elfclass = ELFCLASS64, .endian = nb.endian,
		.machine = EM_X86_64, .type = ET_EXEC, .entry = 0x1000000,
		.nseg = 1, .seg = segs, .note = true, .notes_raw = nb.buf,
		.notes_raw_len = (uint32_t)nb.len,
	};
	size_t len;
	uint8_t *buf = egen_build(&s, &len);
	int rc;

	*img = NULL;
	rc = cl_image_from_memory(ctx, "x.elf", buf, len, NULL, img);
	free(buf);
	return rc;
}

static void refused(const char *what, const char *w1, const char *w2)
{
	struct cl_image *img;
	int rc = open_notes(&img);

	is_int(rc, CL_E_ELF, "%s: CL_E_ELF", what);
	if (!ok(!img && strstr(cl_errmsg(ctx), "x.elf") &&
		strstr(cl_errmsg(ctx), w1) &&
		(!w2 || strstr(cl_errmsg(ctx), w2)), "%s: says %s", what, w1))
		diag("message: %s", cl_errmsg(ctx));
	cl_image_free(img);
}

static void test_names(void)
{
	ok(!strcmp(cl_xen_note_name(0), "INFO"), "name: 0 INFO");
	ok(!strcmp(cl_xen_note_name(17), "SUPPORTED_FEATURES"),
	   "name: 17 SUPPORTED_FEATURES");
	ok(!strcmp(cl_xen_note_name(18), "PHYS32_ENTRY"),
	   "name: 18 PHYS32_ENTRY");
	ok(!strcmp(cl_xen_note_name(19), "PHYS32_RELOC"),
	   "name: 19 PHYS32_RELOC");
	ok(cl_xen_note_name(20) == NULL, "name: 20 unknown");
	ok(cl_xen_note_name(UINT32_MAX) == NULL, "name: 0xffffffff unknown");
	ok(!strcmp(cl_xen_note_name(0x1000001), "CRASH_INFO"),
	   "name: 0x1000001 CRASH_INFO");
	ok(!strcmp(cl_xen_note_name(0x2000003), "DUMPCORE_FORMAT_VERSION"),
	   "name: 0x2000003 DUMPCORE_FORMAT_VERSION");
}

/* As Debian's 6.1 kernel has them (values from its vmlinux). */
static void test_linux(int endian, const char *what)
{
	static const uint8_t mfn[16] = { 1, 0, 0, 0, 0, 0, 0, 0,
					 1, 0, 0, 0, 0, 0, 0, 0 };
	struct cl_image *img;
	int rc;

	notes_init(endian);
	add_str(6, "linux", true);
	add("GNU", 3, "0123456789abcdefghij", 20);
	add_str(10, "!writable_page_tables|pae_pgdir_above_4gb", false);
	add_num(17, 0x8801, 4);
	add("Xen", 13, mfn, 16);
	add_num(3, 0xffffffff80000000ull, 8);
	add_num(18, 0x1000850, 8);
	rc = open_notes(&img);
	is_int(rc, 0, "%s: opens", what);
	if (rc) {
		diag("message: %s", cl_errmsg(ctx));
		return;
	}
	is_int(img->nxen, 6, "%s: six Xen notes (GNU's not counted)", what);
	ok(img->has_phys32_entry && img->phys32_entry == 0x1000850,
	   "%s: PHYS32_ENTRY 0x1000850 from 8 bytes", what);
	ok(img->xen[0].type == 6 && !strcmp(img->xen[0].text, "linux") &&
	   img->xen[0].size == 6, "%s: GUEST_OS \"linux\"", what);
	ok(img->xen[1].type == 10 && !strcmp(img->xen[1].text,
	   "!writable_page_tables|pae_pgdir_above_4gb"),
	   "%s: FEATURES without its NUL", what);
	ok(img->xen[2].numeric && img->xen[2].value == 0x8801 &&
	   !img->xen[2].text[0], "%s: SUPPORTED_FEATURES 0x8801", what);
	ok(!img->xen[3].numeric && img->xen[3].size == 16 &&
	   !img->xen[3].text[0], "%s: L1_MFN_VALID 16 bytes, no value",
	   what);
	ok(img->xen[4].numeric && img->xen[4].value == 0xffffffff80000000ull,
	   "%s: VIRT_BASE", what);
	ok(img->xen[5].type == 18 && img->xen[5].value == 0x1000850,
	   "%s: PHYS32_ENTRY listed", what);
	cl_image_free(img);
}

static void test_phys32(void)
{
	struct cl_image *img;
	static const uint8_t three[3] = { 1, 2, 3 };
	uint8_t twelve[12] = { 0 };

	notes_init(ELFDATA2LSB);
	add_num(18, 0xfffffffc, 4);
	ok(!open_notes(&img) && img->has_phys32_entry &&
	   img->phys32_entry == 0xfffffffc, "PHYS32_ENTRY from 4 bytes");
	cl_image_free(img);

	notes_init(ELFDATA2LSB);
	add_num(6, 0, 4);
	ok(!open_notes(&img) && !img->has_phys32_entry && img->nxen == 1,
	   "no PHYS32_ENTRY: none");
	cl_image_free(img);

	notes_init(ELFDATA2LSB);
	add("Xen", 18, NULL, 0);
	refused("PHYS32_ENTRY of 0 bytes", "PHYS32_ENTRY", "malformed");
	notes_init(ELFDATA2LSB);
	add_num(18, 0x1000, 2);
	refused("PHYS32_ENTRY of 2 bytes", "PHYS32_ENTRY", "size 2");
	notes_init(ELFDATA2LSB);
	add("Xen", 18, three, 3);
	refused("PHYS32_ENTRY of 3 bytes", "PHYS32_ENTRY", "size 3");
	notes_init(ELFDATA2LSB);
	add("Xen", 18, twelve, 12);
	refused("PHYS32_ENTRY of 12 bytes", "PHYS32_ENTRY", "size 12");
	notes_init(ELFDATA2LSB);
	add_num(18, 0x100000000ull, 8);
	refused("PHYS32_ENTRY above 4 GiB", "0x100000000",
		"not a 32-bit address");
	notes_init(ELFDATA2LSB);
	add_num(18, 0x1000850, 8);
	add_num(6, 0, 4);
	add_num(18, 0x1000850, 4);
	refused("PHYS32_ENTRY repeated", "repeated", "0x1000850");

	/* the name must be "Xen" exactly */
	notes_init(ELFDATA2LSB);
	add_num(18, 0x100000000ull, 8);
	for (size_t i = 0; i < nb.len; i++)
		if (!memcmp(nb.buf + i, "Xen", 4)) {
			nb.buf[i + 2] = 'N';
			break;
		}
	ok(!open_notes(&img) && img->nxen == 0 && !img->has_phys32_entry,
	   "owner \"XeN\" is not Xen");
	cl_image_free(img);
}

static void test_tolerated(void)
{
	static uint8_t big[16 << 10];
	char longstr[100];
	struct cl_image *img;
	unsigned i;

	notes_init(ELFDATA2LSB);
	add_str(6, "linux", true);
	add_str(6, "bsd", true);
	add_num(99, 7, 4);
	memset(big, 'a', sizeof(big));
	add("Xen", 11, big, sizeof(big));
	memset(longstr, 'b', sizeof(longstr) - 1);
	longstr[sizeof(longstr) - 1] = 0;
	add_str(8, longstr, true);
	add_num(2, 0x41424344, 4);
	ok(!open_notes(&img) && img->nxen == 6, "repeated, unknown, huge "
	   "notes: kept");
	if (img) {
		ok(!strcmp(img->xen[1].text, "bsd"), "repeated GUEST_OS kept");
		ok(img->xen[2].type == 99 && img->xen[2].value == 7,
		   "unknown type 99 kept");
		ok(img->xen[3].size == sizeof(big) && !img->xen[3].numeric &&
		   !img->xen[3].text[0], "16 KiB note: size only");
		ok(img->xen[4].size == 100 && !img->xen[4].text[0],
		   "100-byte string: too long to keep");
		ok(img->xen[5].numeric && img->xen[5].value == 0x41424344 &&
		   !img->xen[5].text[0], "a number that looks like text");
	}
	cl_image_free(img);

	notes_init(ELFDATA2MSB);
	for (i = 0; i < CL_MAX_XEN_NOTES + 8; i++)
		add_num(i % 18, i, 4);
	add_num(18, 0x2000000, 4);
	ok(!open_notes(&img) && img->nxen == CL_MAX_XEN_NOTES + 9 &&
	   img->xen[CL_MAX_XEN_NOTES - 1].value == CL_MAX_XEN_NOTES - 1 &&
	   img->has_phys32_entry && img->phys32_entry == 0x2000000,
	   "more than %d Xen notes: counted, the first kept, big-endian, "
	   "PHYS32_ENTRY taken past the list", CL_MAX_XEN_NOTES);
	cl_image_free(img);
}

/* A Xen note whose descriptor size runs past the PT_NOTE. */
static void test_lying(void)
{
	size_t at;

	notes_init(ELFDATA2LSB);
	add_str(6, "linux", true);
	at = add("Xen", 18, "\x50\x08\x00\x01", 4);
	egen_put32(nb.buf + at + 4, ELFDATA2LSB, 0x1000);
	refused("descriptor past the PT_NOTE", "malformed note", NULL);
	notes_init(ELFDATA2LSB);
	at = add("Xen", 18, "\x50\x08\x00\x01", 4);
	egen_put32(nb.buf + at + 4, ELFDATA2LSB, 0xfffffffc);
	refused("descriptor size 0xfffffffc", "malformed note", NULL);
	notes_init(ELFDATA2LSB);
	at = add("Xen", 18, "\x50\x08\x00\x01", 4);
	egen_put32(nb.buf + at, ELFDATA2LSB, 0xffffffff);
	refused("name size 0xffffffff", "malformed note", NULL);
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx)
		return 1;
	test_names();
	test_linux(ELFDATA2LSB, "LSB");
	test_linux(ELFDATA2MSB, "MSB");
	test_phys32();
	test_tolerated();
	test_lying();
	cl_ctx_free(ctx);
	return tap_done();
}
