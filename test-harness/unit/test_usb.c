/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_usb.c - transports/usbdev.c without a USB bus: the -d and -s
 * syntaxes, which devices a selector picks, sysfs path names; and the
 * usb transport's refusals that come before any device is touched */
#include <stdio.h>
#include <string.h>
#include "cardload.h"
#include "transport.h"
#include "usbdev.h"
#include "tap.h"

static void test_ids(void)
{
	static const struct {
		const char *text;
		int ok, vid, pid;
	} t[] = {
		{ "1f3a:efe8", 1, 0x1f3a, 0xefe8 },
		{ "1F3A:EFE8", 1, 0x1f3a, 0xefe8 },
		{ "1f3a:", 1, 0x1f3a, -1 },
		{ ":efe8", 1, -1, 0xefe8 },
		{ ":", 1, -1, -1 },
		{ "0:1", 1, 0, 1 },
		{ "1f3a", 0, 0, 0 },
		{ "1f3a:efe8:", 0, 0, 0 },
		{ "12345:1", 0, 0, 0 },
		{ "1:12345", 0, 0, 0 },
		{ "g:1", 0, 0, 0 },
		{ "1f3a:efe8 ", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "-1:2", 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int v = 7, p = 7, rc = cl_usb_parse_id(t[i].text, &v, &p);

		if (t[i].ok)
			ok(!rc && v == t[i].vid && p == t[i].pid,
			   "-d '%s': vendor %d product %d", t[i].text, v, p);
		else
			ok(rc == -1, "-d '%s': refused", t[i].text);
	}
}

static void test_slots(void)
{
	static const struct {
		const char *text;
		int ok, by_path, bus, devnum;
		unsigned nport;
		uint8_t port[3];
	} t[] = {
		{ "1-1", 1, 1, 1, -1, 1, { 1 } },
		{ "3-1.4", 1, 1, 3, -1, 2, { 1, 4 } },
		{ "2-10.3.7", 1, 1, 2, -1, 3, { 10, 3, 7 } },
		{ "001:004", 1, 0, 1, 4, 0, { 0 } },
		{ "1:", 1, 0, 1, -1, 0, { 0 } },
		{ ":4", 1, 0, -1, 4, 0, { 0 } },
		{ ":", 1, 0, -1, -1, 0, { 0 } },
		{ "1-", 0, 0, 0, 0, 0, { 0 } },
		{ "1-0", 0, 0, 0, 0, 0, { 0 } },
		{ "1-1.", 0, 0, 0, 0, 0, { 0 } },
		{ "1-1..2", 0, 0, 0, 0, 0, { 0 } },
		{ "1-1.2x", 0, 0, 0, 0, 0, { 0 } },
		{ "1-1.2.3.4.5.6.7.8", 0, 0, 0, 0, 0, { 0 } },
		{ "256-1", 0, 0, 0, 0, 0, { 0 } },
		{ "1:128", 0, 0, 0, 0, 0, { 0 } },
		{ "00:04.0", 0, 0, 0, 0, 0, { 0 } },
		{ "usb1", 0, 0, 0, 0, 0, { 0 } },
		{ "", 0, 0, 0, 0, 0, { 0 } },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cl_usb_sel s;
		int rc = cl_usb_parse_slot(t[i].text, &s);

		if (!t[i].ok) {
			ok(rc == -1, "-s '%s': refused", t[i].text);
			continue;
		}
		ok(!rc && s.by_path == !!t[i].by_path && s.bus == t[i].bus &&
		   s.devnum == t[i].devnum && s.nport == t[i].nport &&
		   !memcmp(s.port, t[i].port, t[i].nport),
		   "-s '%s': %s bus %d devnum %d, %u ports", t[i].text,
		   s.by_path ? "path," : "number,", s.bus, s.devnum, s.nport);
	}
}

static void test_match(void)
{
	static const uint8_t p1[] = { 1 }, p14[] = { 1, 4 }, p2[] = { 2 };
	struct cl_usb_sel s;

	cl_usb_parse_slot("3-1", &s);
	ok(cl_usb_sel_match(&s, 3, p1, 1, 9), "3-1 picks bus 3 port 1");
	ok(!cl_usb_sel_match(&s, 3, p14, 2, 9), "3-1 does not pick 3-1.4 "
	   "(a device behind the hub at 3-1)");
	ok(!cl_usb_sel_match(&s, 2, p1, 1, 9), "3-1 does not pick 2-1");
	ok(!cl_usb_sel_match(&s, 3, p2, 1, 9), "3-1 does not pick 3-2");
	cl_usb_parse_slot("3-1.4", &s);
	ok(cl_usb_sel_match(&s, 3, p14, 2, 2), "3-1.4 picks bus 3 ports 1.4");
	ok(!cl_usb_sel_match(&s, 3, p1, 1, 2), "3-1.4 does not pick 3-1");
	cl_usb_parse_slot("3:9", &s);
	ok(cl_usb_sel_match(&s, 3, p14, 2, 9), "3:9 picks device 9 on bus 3");
	ok(!cl_usb_sel_match(&s, 3, p14, 2, 8), "3:9 does not pick device 8");
	ok(!cl_usb_sel_match(&s, 4, p14, 2, 9), "3:9 does not pick bus 4");
	cl_usb_parse_slot(":9", &s);
	ok(cl_usb_sel_match(&s, 4, p1, 1, 9), ":9 picks device 9 on any bus");
	cl_usb_parse_slot("2:", &s);
	ok(cl_usb_sel_match(&s, 2, p1, 1, 1) && !cl_usb_sel_match(&s, 1, p1,
	   1, 1), "2: picks every device on bus 2, none on bus 1");
}

static void test_names(void)
{
	static const uint8_t p[] = { 1, 4, 12 };
	char buf[32];

	cl_usb_path_name(buf, sizeof(buf), 1, p, 1);
	ok(!strcmp(buf, "1-1"), "path name 1-1 (%s)", buf);
	cl_usb_path_name(buf, sizeof(buf), 3, p, 3);
	ok(!strcmp(buf, "3-1.4.12"), "path name 3-1.4.12 (%s)", buf);
	cl_usb_path_name(buf, sizeof(buf), 2, p, 0);
	ok(!strcmp(buf, "usb2"), "a root hub is usb2 (%s)", buf);
	cl_usb_path_name(buf, 4, 3, p, 3);
	ok(strlen(buf) == 3, "path name cut to the buffer (%s)", buf);
}

/* What the usb transport refuses before it looks for a device. */
static void test_open_refusals(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	struct cl_board b;
	struct cl_tp *tp = NULL;
	struct cl_param bad_chunk = { "usb.chunk", "16M" };
	struct cl_param bad_slot = { "slot", "00:04.0" };
	int rc;

	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "t");
	snprintf(b.transport, sizeof(b.transport), "usb");
	b.nwin = 1;
	snprintf(b.win[0].name, sizeof(b.win[0].name), "ram");
	b.win[0].addr = 0xfff00000;
	b.win[0].size = 2u << 20; /* reaches past 4 GiB */
	b.win[0].bar = -1;
	rc = cl_open(ctx, &b, NULL, 0, &tp);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "32-bit"),
	   "a window above 4 GiB is refused: %s", cl_errmsg(ctx));
	b.win[0].addr = 0x80000000;
	rc = cl_open(ctx, &b, &bad_chunk, 1, &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "usb.chunk"),
	   "usb.chunk=16M is refused: %s", cl_errmsg(ctx));
	rc = cl_open(ctx, &b, &bad_slot, 1, &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "00:04.0"),
	   "-s 00:04.0 (a PCI slot) is refused for usb: %s",
	   cl_errmsg(ctx));
	snprintf(b.transport, sizeof(b.transport), "mem");
	rc = cl_open(ctx, &b, &bad_slot, 1, &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "-s selects a device") &&
	   strstr(cl_errmsg(ctx), "'mem'"), "-s on a mem board: the transport "
	   "has no devices to select: %s", cl_errmsg(ctx));
	ok(tp == NULL, "nothing open after the refusals");
	cl_ctx_free(ctx);
}

int main(void)
{
	test_ids();
	test_slots();
	test_match();
	test_names();
	test_open_refusals();
	return tap_done();
}
