/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pci.c - the pci transport on a fake sysfs tree: `resource` parsing,
 * libpci discovery with lspci's filters, open, load, paged windows and bus
 * errors; no hardware and no root needed */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cardboot.h"
#include "elfgen.h"
#include "fakesys.h"
#include "pcidev.h"
#include "tap.h"
#include "transport.h"

#define RAM 0x80000000u
#define MBOX (RAM + 0xff000)   /* mailbox, in a reserved page at the top */
#define MiB (1u << 20)

static struct cl_ctx *ctx;
static char dir[FAKE_DIR_MAX];

/* A card: 4 KiB of registers in BAR0, 1 MiB of prefetchable RAM in BAR2. */
static const struct fake_bar card_bars[6] = {
	{ .size = 0x1000 }, { 0 }, { .size = MiB, .prefetch = true },
};

static const char *msg(void)
{
	return cl_errmsg(ctx);
}

/* The transport's window of the board: ram0 = 1 MiB at RAM in BAR2. */
static void pci_board(struct cl_board *b)
{
	fake_board(b, "tpci", RAM);
	b->nres = 1;
	b->res[0] = (struct cl_reserved){ "mailbox", MBOX, 0x1000 };
	b->has_mailbox = true;
	b->mailbox = MBOX;
	b->release = CL_RELEASE_MAILBOX;
}

static int open_pci(const struct cl_board *b, const char *slot,
		    struct cl_tp **tp)
{
	struct cl_param p[2] = { { "pci.sysfs", dir }, { "pci.slot", slot } };

	*tp = NULL;
	return cl_open(ctx, b, p, slot ? 2 : 1, tp);
}

static int fresh_tree(void)
{
	fake_free(dir);
	return fake_new(dir);
}

/* ---- the sysfs `resource` file ----------------------------------------- */

#define RZ "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
#define RZ6 RZ RZ RZ RZ RZ RZ
#define RZ7 RZ6 RZ

struct res_case {
	const char *name;
	const char *text;
	int rc;
	uint64_t start[6], size[6];
	uint32_t flags[6];
};

static const struct res_case res_cases[] = {
	{ "real 13-line file: mem, io, 64-bit prefetchable, unused",
	  "0x00000000fe000000 0x00000000fe000fff 0x0000000000040200\n"
	  "0x000000000000c040 0x000000000000c05f 0x0000000000040101\n"
	  "0x0000004000000000 0x00000040000fffff 0x000000000014220c\n"
	  RZ
	  "0x00000000fe001000 0x00000000fe001fff 0x0000000000040200\n"
	  RZ
	  "0x00000000fe040000 0x00000000fe07ffff 0x0000000000046200\n"
	  RZ6, 0,
	  { 0xfe000000, 0xc040, 0x4000000000ull, 0, 0xfe001000, 0 },
	  { 0x1000, 0x20, MiB, 0, 0x1000, 0 },
	  { 0x40200, 0x40101, 0x14220c, 0, 0x40200, 0 } },
	{ "all-zero lines: six unused BARs", RZ7 RZ6, 0,
	  { 0 }, { 0 }, { 0 } },
	{ "exactly six lines", RZ6, 0, { 0 }, { 0 }, { 0 } },
	{ "a one-byte BAR (start == end)",
	  "0x00000000fe000000 0x00000000fe000000 0x0000000000040200\n" RZ7,
	  0, { 0xfe000000 }, { 1 }, { 0x40200 } },
	/* the kernel writes exactly "0x%016llx 0x%016llx 0x%016llx\n" */
	{ "spaces after the flags (not the kernel's format)",
	  "0x00000000fe000000 0x00000000fe000fff 0x0000000000040200  \n" RZ7,
	  -1, { 0 }, { 0 }, { 0 } },
	{ "negative start", "-0x1000 0x0000000000001fff 0x200\n" RZ7,
	  -1, { 0 }, { 0 }, { 0 } },
	{ "end below start",
	  "0x0000000000002000 0x0000000000001fff 0x200\n" RZ7,
	  -1, { 0 }, { 0 }, { 0 } },
	{ "all of 2^64",
	  "0x0000000000000000 0xffffffffffffffff 0x200\n" RZ7,
	  -1, { 0 }, { 0 }, { 0 } },
	{ "more than 64 bits",
	  "0x10000000000000000 0x10000000000000fff 0x200\n" RZ7,
	  -1, { 0 }, { 0 }, { 0 } },
	{ "empty", "", -1, { 0 }, { 0 }, { 0 } },
	{ "five lines (short)", RZ RZ RZ RZ RZ, -1, { 0 }, { 0 }, { 0 } },
	{ "sixth line without its newline",
	  RZ RZ RZ RZ RZ "0x0000000000000000 0x0000000000000000 0x0", -1,
	  { 0 }, { 0 }, { 0 } },
	{ "garbage", "hello, world\n", -1, { 0 }, { 0 }, { 0 } },
	{ "two fields on a line", "0x0 0x0\n" RZ7 RZ6, -1,
	  { 0 }, { 0 }, { 0 } },
	{ "four fields on a line", "0x0 0x0 0x0 0x0\n" RZ7 RZ6, -1,
	  { 0 }, { 0 }, { 0 } },
	{ "trailing junk", RZ RZ "0x0 0x0 0x0 junk\n" RZ7, -1,
	  { 0 }, { 0 }, { 0 } },
	{ "non-hex digits", "0xfe00zz00 0x0 0x0\n" RZ7, -1,
	  { 0 }, { 0 }, { 0 } },
};

static void test_parse_resource(void)
{
	unsigned i, k;

	for (i = 0; i < sizeof(res_cases) / sizeof(res_cases[0]); i++) {
		const struct res_case *c = &res_cases[i];
		struct cl_pci_dev d;
		int rc, same = 1;

		memset(&d, 0xa5, sizeof(d));
		rc = cl_pci_parse_resource(c->text, &d);
		if (c->rc) {
			is_int(rc, -1, "resource: %s is refused", c->name);
			continue;
		}
		for (k = 0; k < CL_PCI_BARS; k++)
			same &= d.bar_start[k] == c->start[k] &&
				d.bar_size[k] == c->size[k] &&
				d.bar_flags[k] == c->flags[k];
		ok(rc == 0 && same, "resource: %s", c->name);
		for (k = 0; !same && k < CL_PCI_BARS; k++)
			diag("BAR%u start 0x%" PRIx64 " size 0x%" PRIx64
			     " flags 0x%x", k, d.bar_start[k], d.bar_size[k],
			     d.bar_flags[k]);
	}
}

/* ---- cl_pci_scan ------------------------------------------------------- */

static const struct cl_pci_dev *find(const struct cl_pci_dev *d, unsigned n,
				     const char *slot)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].slot, slot))
			return &d[i];
	return NULL;
}

/* Three devices: 00:04.0 and 00:05.0 are 1af4:1110, 01:00.0 8086:1234. */
static int scan_tree(void)
{
	static const struct fake_bar other[6] = {
		{ .size = 0x20, .io = true }, { .size = 0x4000 },
	};

	if (fresh_tree())
		return -1;
	return fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110, card_bars,
			FAKE_CMD_MEM) |
	       fake_add(dir, "0000:00:05.0", 0x1af4, 0x1110, card_bars,
			FAKE_CMD_MEM) |
	       fake_add(dir, "0000:01:00.0", 0x8086, 0x1234, other,
			FAKE_CMD_MEM | FAKE_CMD_IO);
}

struct filter_case {
	const char *slot, *id;
	unsigned n;
	const char *one;       /* the slot when n == 1 */
};

static const struct filter_case filter_cases[] = {
	{ "00:04.0", NULL, 1, "0000:00:04.0" },
	{ "04.0", NULL, 1, "0000:00:04.0" },
	{ "0000:00:04", NULL, 1, "0000:00:04.0" },
	{ ":04", NULL, 1, "0000:00:04.0" },
	{ "05", NULL, 1, "0000:00:05.0" },
	{ "01:", NULL, 1, "0000:01:00.0" },
	{ "00:", NULL, 2, NULL },
	{ ".0", NULL, 3, NULL },
	{ "0001:00:04.0", NULL, 0, NULL },
	{ "04.1", NULL, 0, NULL },
	{ NULL, "1af4:", 2, NULL },
	{ NULL, ":1110", 2, NULL },
	{ NULL, "1af4:1110", 2, NULL },
	{ NULL, "1AF4:1110", 2, NULL },
	{ NULL, "8086:1234", 1, "0000:01:00.0" },
	{ NULL, ":1234", 1, "0000:01:00.0" },
	{ NULL, "8086:1110", 0, NULL },
	{ NULL, "::0500", 3, NULL },
	{ "00:", ":1110", 2, NULL },
	{ "05", "1af4:", 1, "0000:00:05.0" },
	{ "01:", "1af4:", 0, NULL },
};

static void test_scan_filters(void)
{
	struct cl_pci_dev d[4];
	unsigned i, n;
	int rc;

	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *c = &filter_cases[i];

		n = 99;
		rc = cl_pci_scan(ctx, dir, c->slot, c->id, NULL, 0, d, 4, &n);
		ok(rc == 0 && n == c->n &&
		   (!c->one || !strcmp(d[0].slot, c->one)),
		   "scan -s %s -d %s: %u device(s)%s%s",
		   c->slot ? c->slot : "(any)", c->id ? c->id : "(any)",
		   c->n, c->one ? " " : "", c->one ? c->one : "");
		if (rc || n != c->n)
			diag("rc %d n %u: %s", rc, n, msg());
	}
}

static void test_scan(void)
{
	static const char *const card_ids[] = { "1af4:1110" };
	static const char *const three_ids[] = { "8086:1234", "1af4:1110",
						 "1af4:" };
	static const char *const nine_ids[9] = { "1:1", "1:1", "1:1", "1:1",
						 "1:1", "1:1", "1:1", "1:1",
						 "1:1" };
	static const char *const bad_ids[] = { "1af4:zzzz" };
	struct cl_pci_dev d[4];
	const struct cl_pci_dev *x, *y;
	unsigned n;
	int rc;

	if (scan_tree()) {
		ok(0, "scan: build the fake tree");
		return;
	}
	rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 4, &n);
	ok(rc == 0 && n == 3, "scan: no filters finds all three devices");
	if (rc)
		diag("%s", msg());
	x = find(d, n, "0000:00:04.0");
	y = find(d, n, "0000:01:00.0");
	ok(x && x->vendor == 0x1af4 && x->device == 0x1110 &&
	   x->class_id == 0x0500, "scan: ids and class from sysfs");
	ok(x && x->bar_size[0] == 0x1000 && x->bar_size[1] == 0 &&
	   x->bar_size[2] == MiB && x->bar_size[3] == 0,
	   "scan: BAR sizes from the resource file");
	ok(x && (x->bar_flags[2] & CL_PCI_RES_MEM) &&
	   (x->bar_flags[2] & CL_PCI_RES_PREFETCH) &&
	   !(x->bar_flags[0] & CL_PCI_RES_PREFETCH) &&
	   x->bar_start[2] % MiB == 0 && x->bar_start[2] != 0,
	   "scan: BAR flags and start from the resource file");
	ok(y && (y->bar_flags[0] & CL_PCI_RES_IO) && y->bar_size[0] == 0x20 &&
	   y->bar_size[1] == 0x4000 && (y->bar_flags[1] & CL_PCI_RES_MEM),
	   "scan: an I/O BAR and a memory BAR of another device");

	test_scan_filters();

	rc = cl_pci_scan(ctx, dir, NULL, NULL, card_ids, 1, d, 4, &n);
	ok(rc == 0 && n == 2 && find(d, n, "0000:00:04.0") &&
	   find(d, n, "0000:00:05.0") && d[0].match_mask == 1 &&
	   d[1].match_mask == 1, "scan: board ids select the two cards");
	rc = cl_pci_scan(ctx, dir, NULL, NULL, three_ids, 3, d, 4, &n);
	x = find(d, n, "0000:00:04.0");
	y = find(d, n, "0000:01:00.0");
	ok(rc == 0 && n == 3 && x && y && x->match_mask == 0x6 &&
	   y->match_mask == 0x1, "scan: match_mask has one bit per matching "
	   "id");
	rc = cl_pci_scan(ctx, dir, NULL, "8086:", card_ids, 1, d, 4, &n);
	ok(rc == 0 && n == 0, "scan: -d and board ids must both match");

	/* more matches than room */
	memset(d, 0x5a, sizeof(d));
	rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 1, &n);
	ok(rc == 0 && n == 3 && !strncmp(d[0].slot, "0000:", 5),
	   "scan: n counts all matches beyond max");
	ok(d[1].slot[0] == 0x5a && d[1].vendor == 0x5a5a,
	   "scan: nothing is written past max entries");
	rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 0, &n);
	ok(rc == 0 && n == 3, "scan: max 0 only counts");

	/* usage errors, with libpci's own words */
	rc = cl_pci_scan(ctx, dir, "zz:qq", NULL, NULL, 0, d, 4, &n);
	ok(rc == CL_E_USAGE && strstr(msg(), "zz:qq") &&
	   strstr(msg(), "Invalid bus number"),
	   "scan: -s zz:qq is a usage error with libpci's message");
	diag("%s", msg());
	rc = cl_pci_scan(ctx, dir, "04.9", NULL, NULL, 0, d, 4, &n);
	ok(rc == CL_E_USAGE && strstr(msg(), "Invalid function number"),
	   "scan: -s 04.9 (function 9) is refused");
	rc = cl_pci_scan(ctx, dir, NULL, "xyz", NULL, 0, d, 4, &n);
	ok(rc == CL_E_USAGE && strstr(msg(), "-d 'xyz'"),
	   "scan: -d xyz is a usage error naming it");
	rc = cl_pci_scan(ctx, dir, NULL, NULL, bad_ids, 1, d, 4, &n);
	ok(rc == CL_E_USAGE && strstr(msg(), "1af4:zzzz") &&
	   strstr(msg(), "Invalid device ID"),
	   "scan: a bad board id is a usage error");
	rc = cl_pci_scan(ctx, dir, NULL, NULL, nine_ids, 9, d, 4, &n);
	ok(rc == CL_E_USAGE && strstr(msg(), "too many match ids"),
	   "scan: more than CL_MAX_MATCH ids are refused");

	/* libpci's fatal errors come back as errors, not exits */
	{
		char nope[FAKE_DIR_MAX + 8];

		snprintf(nope, sizeof(nope), "%s/nope", dir);
		rc = cl_pci_scan(ctx, nope, NULL, NULL, NULL, 0, d, 4, &n);
		ok(rc == CL_E_NODEV && strstr(msg(), "PCI scan of") &&
		   strstr(msg(), nope), "scan: a missing sysfs root is "
		   "no device, naming it");
		diag("%s", msg());
	}
	{
		char sub[FAKE_DIR_MAX + 64];

		snprintf(sub, sizeof(sub), "%s/devices/0000:02:00.0", dir);
		mkdir(sub, 0755);
		fake_puts(dir, "0000:02:00.0", "device", "0x1110\n");
		fake_puts(dir, "0000:02:00.0", "class", "0x050000\n");
		rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 4, &n);
		ok(rc == CL_E_NODEV && strstr(msg(), "0000:02:00.0/vendor"),
		   "scan: a device without its vendor file fails the scan, "
		   "naming the file");
		diag("%s", msg());
		fake_puts(dir, "0000:02:00.0", "vendor", "0x1af4\n");
		rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 4, &n);
		ok(rc == CL_E_IO && strstr(msg(), "0000:02:00.0/resource"),
		   "scan: a device without a resource file is an I/O error "
		   "naming it");
		fake_puts(dir, "0000:02:00.0", "resource", "junk\n");
		rc = cl_pci_scan(ctx, dir, NULL, NULL, NULL, 0, d, 4, &n);
		ok(rc == CL_E_IO && strstr(msg(), "not a sysfs resource file"),
		   "scan: a malformed resource file is refused");
		rc = cl_pci_scan(ctx, dir, "01:", NULL, NULL, 0, d, 4, &n);
		ok(rc == 0 && n == 1, "scan: a filtered-out broken device "
		   "does not matter, and scans work after a libpci error");
	}
}

/* ---- cl_open ----------------------------------------------------------- */

static void test_open(void)
{
	static const struct fake_bar small[6] = {
		{ .size = 0x1000 }, { 0 }, { .size = 512 << 10 },
	};
	static const struct fake_bar io2[6] = {
		{ .size = 0x1000 }, { 0 }, { .size = 0x100, .io = true },
	};
	struct cl_board b, nb;
	struct cl_tp *tp = NULL, *tp2 = NULL;
	char buf[128], path[FAKE_DIR_MAX + 64];
	int rc;

	pci_board(&b);
	if (fresh_tree() || fake_add(dir, "0000:01:00.0", 0x8086, 0x1234,
				     card_bars, FAKE_CMD_MEM)) {
		ok(0, "open: build the fake tree");
		return;
	}
	rc = open_pci(&b, NULL, &tp);
	ok(rc == CL_E_NODEV && strstr(msg(), "'cardload list'") &&
	   strstr(msg(), "1af4:1110") && !tp,
	   "open: no matching device is CL_E_NODEV pointing at cardload "
	   "list");
	diag("%s", msg());

	fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110, card_bars, FAKE_CMD_MEM);
	fake_add(dir, "0000:00:05.0", 0x1af4, 0x1110, card_bars, FAKE_CMD_MEM);
	rc = open_pci(&b, NULL, &tp);
	ok(rc == CL_E_MANY && strstr(msg(), "-s") &&
	   strstr(msg(), "0000:00:04.0") && strstr(msg(), "0000:00:05.0") &&
	   !strstr(msg(), "..."),
	   "open: two matches are CL_E_MANY naming both and -s");
	diag("%s", msg());
	rc = open_pci(&b, "00:05.0", &tp);
	is_int(rc, 0, "open: -s picks one of two");
	if (!rc) {
		tp->ops->describe(tp, buf, sizeof(buf));
		ok(!strcmp(buf, "pci 0000:00:05.0 1af4:1110"),
		   "open: describe names the slot and ids ('%s')", buf);
	}
	rc = open_pci(&b, "05", &tp2);
	ok(rc == CL_E_BUSY && strstr(msg(), "0000:00:05.0") && !tp2,
	   "open: a second open of the same card is CL_E_BUSY");
	diag("%s", msg());
	rc = open_pci(&b, "04", &tp2);
	is_int(rc, 0, "open: another card opens meanwhile");
	cl_close(tp2);
	cl_close(tp);
	tp = NULL;
	rc = open_pci(&b, "05", &tp);
	is_int(rc, 0, "open: close drops the lock");
	cl_close(tp);

	fake_add(dir, "0000:00:06.0", 0x1af4, 0x1110, small, FAKE_CMD_MEM);
	rc = open_pci(&b, NULL, &tp);
	ok(rc == CL_E_MANY && strstr(msg(), ", ..."),
	   "open: three matches say there are more");
	rc = open_pci(&b, "06", &tp);
	ok(rc == CL_E_NODEV && strstr(msg(), "BAR2") &&
	   strstr(msg(), "524288 bytes") && strstr(msg(), "512 KiB") &&
	   strstr(msg(), "ram0") && !tp,
	   "open: a BAR smaller than the window is no device, naming sizes");
	diag("%s", msg());
	rc = open_pci(&b, "06", &tp);
	is_int(rc, CL_E_NODEV, "open: a failed open leaves no lock behind "
	       "(not CL_E_BUSY)");

	nb = b;
	nb.win[0].bar = -1;
	rc = open_pci(&nb, "04", &tp);
	ok(rc == CL_E_BOARD && strstr(msg(), "bar=N") && strstr(msg(), "ram0"),
	   "open: a window without bar= is a board error");
	rc = open_pci(&b, "04", &tp);
	is_int(rc, 0, "open: ... and leaves the card unlocked");
	cl_close(tp);

	/* a window in an I/O BAR */
	fake_add(dir, "0000:00:07.0", 0x1af4, 0x1110, io2, FAKE_CMD_MEM);
	nb = b;
	nb.win[0].size = 0x100;
	nb.nres = 0;
	nb.has_mailbox = false;
	nb.release = CL_RELEASE_NONE;
	rc = open_pci(&nb, "07", &tp);
	ok(rc == CL_E_NODEV && strstr(msg(), "not a memory BAR"),
	   "open: a window in an I/O BAR is refused");

	/* memory decoding */
	fake_add(dir, "0000:00:08.0", 0x1af4, 0x1110, card_bars, 0);
	memset(buf, 0, sizeof(buf));
	fake_read(dir, "0000:00:08.0", "enable", 0, buf, 2);
	ok(buf[0] == '0', "open: the fake device starts with decoding off");
	rc = open_pci(&b, "08", &tp);
	fake_read(dir, "0000:00:08.0", "enable", 0, buf, 2);
	ok(rc == 0 && buf[0] == '1',
	   "open: memory decoding off: '1' is written to enable");
	cl_close(tp);
	fake_puts(dir, "0000:00:04.0", "enable", "0\n");
	rc = open_pci(&b, "04", &tp);
	fake_read(dir, "0000:00:04.0", "enable", 0, buf, 2);
	ok(rc == 0 && buf[0] == '0',
	   "open: memory decoding on: enable is left alone");
	cl_close(tp);
	fake_path(path, sizeof(path), dir, "0000:00:08.0", "enable");
	unlink(path);
	rc = open_pci(&b, "08", &tp);
	ok(rc != 0 && strstr(msg(), path),
	   "open: enable cannot be written: an error naming it");
	diag("%s", msg());

	/* BAR files that cannot be opened */
	fake_add(dir, "0000:00:09.0", 0x1af4, 0x1110, card_bars, FAKE_CMD_MEM);
	fake_path(path, sizeof(path), dir, "0000:00:09.0", "resource2");
	/* The permission check runs in a child that is not root (root
	 * ignores permission bits): resource2 is 0600 and owned by root. */
	{
		pid_t pid;
		int st = -1;

		chmod(dir, 0755); /* mkdtemp made it 0700 */
		chmod(path, geteuid() == 0 ? 0600 : 0);
		pid = fork();
		if (pid == 0) {
			struct cl_tp *ctp = NULL;

			if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
				_exit(2);
			rc = open_pci(&b, "09", &ctp);
			_exit(rc == CL_E_IO && strstr(msg(), path) &&
			      strstr(msg(), "Permission denied") &&
			      strstr(msg(), "99-cardload.rules") ? 0 : 1);
		}
		if (pid > 0)
			waitpid(pid, &st, 0);
		ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "open: an unreadable resource2 is an I/O error with a "
		   "permission hint (as an unprivileged user)");
		chmod(path, 0600);
	}
	unlink(path);
	rc = open_pci(&b, "09", &tp);
	ok(rc == CL_E_NODEV && strstr(msg(), path),
	   "open: a missing resource2 is no device, naming the file");
	diag("%s", msg());

	{
		struct cl_param p[2] = { { "pci.sysfs", dir },
					 { "pci.bogus", "1" } };

		rc = cl_open(ctx, &b, p, 2, &tp);
		ok(rc == CL_E_USAGE && strstr(msg(), "pci.bogus"),
		   "open: an unknown -O key is refused");
		p[1] = (struct cl_param){ "pci.id", "8086:" };
		rc = cl_open(ctx, &b, p, 2, &tp);
		is_int(rc, CL_E_NODEV, "open: -O pci.id narrows the board's "
		       "ids");
	}
}

/* ---- cl_load over the fake card ---------------------------------------- */


static uint64_t bar2_le(uint64_t card, unsigned n)
{
	return fake_le(dir, "0000:00:04.0", "resource2", card - RAM, n);
}

static void load_with(unsigned width, bool wc)
{
	struct cl_plan_opts po = { .has_base = true, .base = RAM + 0x10000,
				   .argmask = 0x5, .arg = { 7, 0, 9, 0 } };
	const uint64_t base = RAM + 0x10000;
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct cl_tp *tp = NULL;
	struct cl_load_result res = { 0 };
	struct cl_board b;
	uint8_t *bar, *buf;
	size_t len;
	unsigned i, text_ok = 1, bss_ok = 1;
	int rc;

	pci_board(&b);
	b.access_width = width;
	b.write_combine = wc;
	/* the card's RAM holds junk before the load */
	bar = malloc(MiB);
	memset(bar, 0xff, MiB);
	/* ... but for the mailbox, where its ROM announced itself */
	memset(bar + (MBOX - RAM), 0, CARDBOOT_MB_SIZE);
	for (i = 0; i < 4; i++) {
		bar[MBOX - RAM + CARDBOOT_MB_MAGIC_OFF + i] =
			(uint8_t)(CARDBOOT_MB_MAGIC >> 8 * i);
		bar[MBOX - RAM + CARDBOOT_MB_VERSION_OFF + i] =
			(uint8_t)(CARDBOOT_MB_VERSION >> 8 * i);
		bar[MBOX - RAM + CARDBOOT_MB_READY_OFF + i] =
			(uint8_t)(CARDBOOT_READY >> 8 * i);
	}
	fake_write(dir, "0000:00:04.0", "resource2", 0, bar, MiB);
	buf = egen_sample_dyn(&len);
	rc = cl_image_from_memory(ctx, "t.elf", buf, len, NULL, &img);
	free(buf);
	if (!rc)
		rc = cl_plan_make(ctx, img, &b, &po, &plan);
	if (!rc)
		rc = open_pci(&b, NULL, &tp);
	if (!rc)
		rc = cl_load(ctx, plan, tp, NULL, &res);
	is_int(rc, 0, "load width %u%s: succeeds", width, wc ? " wc" : "");
	if (rc)
		diag("%s", msg());
	fake_read(dir, "0000:00:04.0", "resource2", 0, bar, MiB);
	for (i = 0; i < 0x800; i++)
		text_ok &= bar[0x10000 + i] == (uint8_t)(0x11 + i);
	for (i = 0x11100; i < 0x1a000; i++)
		bss_ok &= bar[i] == 0;
	ok(text_ok && bar[0x10800] == 0xff,
	   "load width %u: text lands in resource2 at offset 0x10000", width);
	ok(bar[0x11000] == 0x22 && bar[0x110ff] == 0x22,
	   "load width %u: data segment", width);
	is_u64(bar2_le(base + 0x1008, 8), base + 0x40,
	       "load width %u: relocated pointer", width);
	ok(bss_ok, "load width %u: bss zeroed", width);
	ok(plan && bar[0xffff] == 0xff && bar[0x10000 + plan->span] == 0xff,
	   "load width %u: nothing below or above the image touched", width);
	is_u64(bar2_le(MBOX + CARDBOOT_MB_ENTRY_OFF, 8), base + 0x10,
	       "load width %u: mailbox entry", width);
	is_u64(bar2_le(MBOX + CARDBOOT_MB_ARG_OFF + 16, 8), 9,
	       "load width %u: mailbox arg2", width);
	ok(bar2_le(MBOX + CARDBOOT_MB_ARGMASK_OFF, 4) == 5 &&
	   bar2_le(MBOX + CARDBOOT_MB_STAGED_OFF, 4) == CARDBOOT_STAGED &&
	   bar2_le(MBOX + CARDBOOT_MB_GO_OFF, 4) == CARDBOOT_GO,
	   "load width %u: argmask, STAGED and GO words", width);
	ok(res.verified && res.staged && res.released,
	   "load width %u: verified, staged, released", width);
	free(bar);
	cl_close(tp);
	cl_load_result_free(&res);
	cl_plan_free(plan);
	cl_image_free(img);
}

static void test_load(void)
{
	if (fresh_tree() || fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110,
				     card_bars, FAKE_CMD_MEM)) {
		ok(0, "load: build the fake tree");
		return;
	}
	load_with(4, false);
	load_with(4, true);
	load_with(8, false);
	load_with(2, false);
	load_with(1, true);
}

/* ---- a window larger than its BAR, paged through a register ------------ */

static void paged_board(struct cl_board *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "tpaged");
	snprintf(b->transport, sizeof(b->transport), "pci");
	b->nmatch = 1;
	snprintf(b->match[0], sizeof(b->match[0]), "1af4:1110");
	b->nwin = 1;
	b->win[0] = (struct cl_window){ .name = "ram0", .addr = RAM,
					.size = 4 * MiB, .bar = 2,
					.aperture = MiB,
					.winreg = { 0, 0x10 } };
	b->release = CL_RELEASE_NONE;
	b->access_width = 4;
}

static uint64_t winreg(unsigned n)
{
	return fake_le(dir, "0000:00:04.0", "resource0", 0x10, n);
}

static void test_paged(void)
{
	struct cl_board b;
	struct cl_tp *tp = NULL;
	uint8_t *buf, *got;
	size_t i;
	int rc;

	paged_board(&b);
	if (fresh_tree() || fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110,
				     card_bars, FAKE_CMD_MEM)) {
		ok(0, "paged: build the fake tree");
		return;
	}
	rc = open_pci(&b, NULL, &tp);
	is_int(rc, 0, "paged: a 4 MiB window opens on a 1 MiB BAR with "
	       "aperture=1M");
	if (rc) {
		diag("%s", msg());
		return;
	}
	buf = malloc(3 * MiB);
	got = malloc(MiB);
	for (i = 0; i < 3 * MiB; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 20));
	rc = cl_tp_write(tp, RAM, buf, 3 * MiB);
	is_int(rc, 0, "paged: a 3 MiB write across three pages succeeds");
	is_u64(winreg(4), RAM + 2 * MiB, "paged: the window register holds "
	       "the last page written");
	fake_read(dir, "0000:00:04.0", "resource2", 0, got, MiB);
	ok(!memcmp(got, buf + 2 * MiB, MiB),
	   "paged: the BAR shows the third page's bytes at offset 0");

	fake_put_le(dir, "0000:00:04.0", "resource0", 0x10, 4, 0xfeedf00d);
	rc = cl_tp_write(tp, RAM + 2 * MiB + 0x100, buf, 16);
	fake_read(dir, "0000:00:04.0", "resource2", 0x100, got, 16);
	ok(rc == 0 && winreg(4) == 0xfeedf00d && !memcmp(got, buf, 16),
	   "paged: a write inside the current page does not rewrite the "
	   "register");
	rc = cl_tp_write(tp, RAM + 3 * MiB + 0xff8, buf, 16);
	fake_read(dir, "0000:00:04.0", "resource2", 0xff8, got, 16);
	ok(rc == 0 && winreg(4) == RAM + 3 * MiB && !memcmp(got, buf, 16),
	   "paged: a write in page 4 lands at its offset in the BAR");
	rc = cl_tp_read(tp, RAM + MiB + 0x20, got, 8);
	ok(rc == 0 && winreg(4) == RAM + MiB, "paged: a read pages too");
	rc = cl_tp_write(tp, RAM + 2 * MiB - 8, buf, 16);
	fake_read(dir, "0000:00:04.0", "resource2", 0, got, 8);
	ok(rc == 0 && winreg(4) == RAM + 2 * MiB && !memcmp(got, buf + 8, 8),
	   "paged: a write straddling two pages ends in the second");
	rc = cl_tp_fill(tp, RAM + 0x40, 0xab, 0x10);
	fake_read(dir, "0000:00:04.0", "resource2", 0x40, got, 0x10);
	ok(rc == 0 && winreg(4) == RAM && got[0] == 0xab && got[15] == 0xab,
	   "paged: fill pages and fills");
	cl_close(tp);

	/* a 64-bit access width writes the register as 64 bits */
	b.access_width = 8;
	fake_put_le(dir, "0000:00:04.0", "resource0", 0x10, 8, UINT64_MAX);
	rc = open_pci(&b, NULL, &tp);
	if (!rc)
		rc = cl_tp_write(tp, RAM + MiB + 8, buf, 8);
	is_u64(winreg(8), RAM + MiB, "paged: access-width 8 writes the "
	       "whole 64-bit register");
	cl_close(tp);

	/* a window register outside BAR0: refused when the card is opened */
	b.access_width = 4;
	b.win[0].winreg.off = 0x1000;
	rc = open_pci(&b, NULL, &tp);
	ok(rc == CL_E_BOARD && strstr(msg(), "outside BAR0") && !tp,
	   "paged: a window register outside its BAR is refused at open");
	diag("%s", msg());
	cl_close(tp);

	/* a window above 4 GiB cannot be named by a 32-bit register */
	b.win[0].winreg.off = 0x10;
	b.win[0].addr = 0x100000000ull;
	rc = open_pci(&b, NULL, &tp);
	ok(rc == CL_E_BOARD && strstr(msg(), "4 GiB") && !tp,
	   "paged: a window above 4 GiB needs a 64-bit window register");
	cl_close(tp);
	b.access_width = 8;
	rc = open_pci(&b, NULL, &tp);
	if (!rc)
		rc = cl_tp_write(tp, 0x100200000ull, buf, 8);
	ok(rc == 0 && winreg(8) == 0x100200000ull,
	   "paged: with access-width 8 it gets the whole address");
	cl_close(tp);
	free(buf);
	free(got);
}

struct board_case {
	const char *ram;
	const char *want;       /* NULL: parses */
};

static const struct board_case board_cases[] = {
	{ "0x80000000 4M bar=2 aperture=1M window-reg=0:0x10", NULL },
	{ "0x80000000 4M bar=2 aperture=1M", "go together" },
	{ "0x80000000 4M bar=2 window-reg=0:0x10", "go together" },
	{ "0x80000000 3M bar=2 aperture=2M window-reg=0:0x10",
	  "divides the window" },
	{ "0x80000000 6M bar=2 aperture=3M window-reg=0:0x10",
	  "power of two" },
	{ "0x80000000 1M bar=2 aperture=2M window-reg=0:0x10",
	  "divides the window" },
	{ "0x80100000 4M bar=2 aperture=2M window-reg=0:0x10",
	  "and its address" },
	{ "0x80000000 4M bar=2 aperture=1M window-reg=0:0x11",
	  "bad window-reg" },
	{ "0x80000000 4M bar=2 aperture=1M window-reg=6:0x10",
	  "bad window-reg" },
	{ "0x80000000 4M bar=6", "a BAR is 0..5" },
};

static void test_board_aperture(void)
{
	struct cl_board b;
	char text[512];
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(board_cases) / sizeof(board_cases[0]); i++) {
		const struct board_case *c = &board_cases[i];

		snprintf(text, sizeof(text), "name = p\ntransport = pci\n"
			 "release = none\nmatch = 1af4:1110\nram = %s\n",
			 c->ram);
		rc = cl_board_parse(ctx, "p.board", text, strlen(text), &b);
		if (!c->want) {
			ok(rc == 0 && b.win[0].aperture == MiB &&
			   b.win[0].winreg.bar == 0 &&
			   b.win[0].winreg.off == 0x10 && b.win[0].bar == 2,
			   "board: ram %s", c->ram);
			continue;
		}
		ok(rc == CL_E_BOARD && strstr(msg(), c->want),
		   "board: ram %s is refused (%s)", c->ram, c->want);
		if (rc != CL_E_BOARD || !strstr(msg(), c->want))
			diag("%d %s", rc, msg());
	}
}

/* ---- bus errors -------------------------------------------------------- */

static void test_bus_error(void)
{
	char path[FAKE_DIR_MAX + 64];
	struct cl_board b;
	struct cl_tp *tp = NULL;
	uint8_t buf[64];
	uint64_t v = 0;
	int rc;

	memset(buf, 0x3c, sizeof(buf));
	pci_board(&b);
	if (fresh_tree() || fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110,
				     card_bars, FAKE_CMD_MEM)) {
		ok(0, "bus error: build the fake tree");
		return;
	}
	rc = open_pci(&b, NULL, &tp);
	is_int(rc, 0, "bus error: open");
	if (rc)
		return;
	fake_path(path, sizeof(path), dir, "0000:00:04.0", "resource2");
	if (truncate(path, 0))
		perror(path);
	rc = cl_tp_write(tp, RAM + 0x1000, buf, sizeof(buf));
	ok(rc == CL_E_IO && strstr(msg(), "bus error") &&
	   strstr(msg(), "BAR2") && strstr(msg(), "0000:00:04.0"),
	   "bus error: a write to a vanished BAR is CL_E_IO, not a crash");
	diag("%s", msg());
	rc = cl_tp_read(tp, RAM + 0x1000, buf, sizeof(buf));
	ok(rc == CL_E_IO && strstr(msg(), "bus error"),
	   "bus error: so is a read");
	rc = cl_tp_fill(tp, RAM, 0, 0x2000);
	ok(rc == CL_E_IO && strstr(msg(), "bus error"),
	   "bus error: and a fill");
	if (truncate(path, MiB))
		perror(path);
	rc = cl_tp_write(tp, RAM + 0x1000, buf, sizeof(buf));
	is_int(rc, 0, "bus error: writes work again once the BAR is back");

	fake_path(path, sizeof(path), dir, "0000:00:04.0", "resource0");
	if (truncate(path, 0))
		perror(path);
	rc = cl_tp_reg_read(tp, 0, 0x10, 4, &v);
	ok(rc == CL_E_IO && strstr(msg(), "bus error") && strstr(msg(), "BAR0"),
	   "bus error: a register read from a vanished BAR");
	rc = cl_tp_reg_write(tp, 0, 0x10, 4, 1);
	ok(rc == CL_E_IO && strstr(msg(), "bus error"),
	   "bus error: a register write to a vanished BAR");
	cl_close(tp);

	/* the mem transport maps its file the same way */
	{
		struct cl_board mb;
		struct cl_param p = { "mem.path", path };

		snprintf(path, sizeof(path), "%s/mem.bin", dir);
		fake_put(path, "", 0);
		if (truncate(path, MiB))
			perror(path);
		mb = b;
		snprintf(mb.transport, sizeof(mb.transport), "mem");
		mb.win[0].bar = -1;
		mb.nmatch = 0;
		rc = cl_open(ctx, &mb, &p, 1, &tp);
		is_int(rc, 0, "bus error: mem transport opens");
		if (rc)
			return;
		if (truncate(path, 0))
			perror(path);
		rc = cl_tp_write(tp, RAM, buf, sizeof(buf));
		ok(rc == CL_E_IO && strstr(msg(), "bus error"),
		   "bus error: mem transport copy");
		rc = cl_tp_write(tp, RAM + 8, buf, 4);
		ok(rc == CL_E_IO && strstr(msg(), "bus error"),
		   "bus error: mem transport word store");
		rc = cl_tp_read(tp, RAM, buf, 4);
		ok(rc == CL_E_IO && strstr(msg(), "bus error"),
		   "bus error: mem transport read");
		cl_close(tp);
	}

	/* outside a guarded copy, a SIGBUS still kills (the handler is not
	 * ours to swallow) */
	{
		pid_t pid;
		int st = 0;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			int fd = open(path, O_RDWR);
			volatile uint8_t *m;

			if (fd < 0 || ftruncate(fd, 4096))
				_exit(2);
			m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, 0);
			if (m == MAP_FAILED || ftruncate(fd, 0))
				_exit(2);
			m[0] = 1;
			_exit(0);
		}
		waitpid(pid, &st, 0);
		ok(pid > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		   "bus error: a SIGBUS outside the guard still kills");
	}
}

int main(void)
{
	ctx = cl_ctx_new();
	test_parse_resource();
	test_scan();
	test_open();
	test_load();
	test_paged();
	test_board_aperture();
	test_bus_error();
	fake_free(dir);
	cl_ctx_free(ctx);
	return tap_done();
}
