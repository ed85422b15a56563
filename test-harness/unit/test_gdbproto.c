/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_gdbproto.c - transports/gdbproto.c and gdbtdesc.c: the GDB remote
 * protocol's bytes (framing, escapes, RLE, checksums, requests, replies,
 * qSupported, target descriptions), fed hostile input directly; the
 * vectors are what QEMU 7.2's gdbstub sends */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gdbproto.h"
#include "tap.h"

/* "$data#cc" of a NUL-terminated string, into a static buffer */
static const char *framed(const char *data)
{
	static char out[4][512];
	static int which;
	char *o = out[which++ & 3];
	size_t n = gdb_frame(data, strlen(data), (uint8_t *)o, 511);

	o[n] = 0;
	return o;
}

static void test_frame(void)
{
	uint8_t out[16];

	is_int(gdb_frame("OK", 2, out, sizeof(out)), 6, "frame: \"OK\" is 6 "
	       "bytes");
	ok(!memcmp(out, "$OK#9a", 6), "frame: $OK#9a (0x4f + 0x4b)");
	is_int(gdb_frame("", 0, out, 4), 4, "frame: empty packet in 4 bytes");
	ok(!memcmp(out, "$#00", 4), "frame: $#00");
	is_int(gdb_frame("OK", 2, out, 5), 0, "frame: 5 bytes too few for "
	       "OK: 0");
	ok(!strcmp(framed("qSupported:multiprocess+"),
		   "$qSupported:multiprocess+#c6"), "frame: qSupported "
	   "checksum");
}

static void test_escape(void)
{
	static const uint8_t in[] = { 'a', '#', '$', '}', '*', 0, 0x7d };
	static const uint8_t want[] = { 'a', '}', 0x03, '}', 0x04, '}', 0x5d,
					'}', 0x0a, 0, '}', 0x5d };
	uint8_t out[32];
	size_t used, n;

	n = gdb_escape(in, sizeof(in), out, sizeof(out), &used);
	ok(n == sizeof(want) && used == sizeof(in) &&
	   !memcmp(out, want, n), "escape: # $ } * escaped, others not");
	n = gdb_escape(in, sizeof(in), out, 2, &used);
	ok(n == 1 && used == 1, "escape: an escaped byte is never cut in "
	   "half (1 byte of 2 used)");
	n = gdb_escape(in, sizeof(in), out, 3, &used);
	ok(n == 3 && used == 2, "escape: room for exactly one escape");
	n = gdb_escape(in, sizeof(in), out, 0, &used);
	ok(n == 0 && used == 0, "escape: no room, nothing taken");
}

static void test_hex(void)
{
	static const uint8_t in[] = { 0x00, 0x7f, 0xa5, 0xff };
	uint8_t back[4];
	char s[9] = { 0 };

	gdb_hex_put(s, in, 4);
	ok(!strcmp(s, "007fa5ff"), "hex: lowercase, two digits a byte");
	ok(!gdb_hex_get("007FA5fF", 8, back, 4) && !memcmp(back, in, 4),
	   "hex: either case read back");
	is_int(gdb_hex_get("007fa5fg", 8, back, 4), -1, "hex: 'g' refused");
	is_int(gdb_hex_get("007fa5f", 7, back, 4), -1, "hex: an odd count "
	       "refused");
	is_int(gdb_hex_get("007fa5ff00", 10, back, 4), -1, "hex: more "
	       "digits than asked refused");
	is_int(gdb_hex_get("E14", 3, back, 1), -1, "hex: an error reply is "
	       "not data");
}

static void test_requests(void)
{
	static const uint8_t data[] = { 0x0a, 0x0b, 0x0c };
	char out[64];

	is_int(gdb_req_read(out, sizeof(out), 0x80000000, 0x100), 13,
	       "m: length");
	ok(!strcmp(out, "m80000000,100"), "m: m80000000,100");
	is_int(gdb_req_read(out, 14, 0x80000000, 0x100), 13, "m: fits "
	       "exactly with its NUL");
	is_int(gdb_req_read(out, 13, 0x80000000, 0x100), 0, "m: no room for "
	       "the NUL: 0");
	gdb_req_read(out, sizeof(out), 0xbfe00000, 16);
	ok(!strcmp(out, "mbfe00000,10"), "m: mbfe00000,10");
	is_int(gdb_req_write_hex(out, sizeof(out), 0x1000, data, 3), 14,
	       "M: length");
	ok(!strcmp(out, "M1000,3:0a0b0c"), "M: M1000,3:0a0b0c");
	is_int(gdb_req_write_hex(out, 14, 0x1000, data, 3), 0, "M: no room "
	       "for the NUL: 0");
	gdb_req_write_hex(out, sizeof(out), 0, data, 0);
	ok(!strcmp(out, "M0,0:"), "M: zero length");
}

/* The bytes "Xaddr,len:" for len, by hand. */
static size_t x_header(uint64_t addr, size_t len)
{
	char h[64];

	return (size_t)snprintf(h, sizeof(h), "X%llx,%zx:",
				(unsigned long long)addr, len);
}

static size_t escaped_len(const uint8_t *d, size_t n)
{
	size_t i, e = 0;

	for (i = 0; i < n; i++)
		e += (d[i] == '#' || d[i] == '$' || d[i] == '}' ||
		      d[i] == '*') ? 2 : 1;
	return e;
}

/* Decode an X packet back: header fields and unescaped data. */
static int x_decode(const uint8_t *p, size_t n, uint64_t *addr, size_t *len,
		    uint8_t *data)
{
	char hdr[64];
	const uint8_t *colon = memchr(p, ':', n);
	size_t i, o = 0, h;
	unsigned long long a;

	if (!colon || (h = (size_t)(colon - p)) >= sizeof(hdr))
		return -1;
	memcpy(hdr, p, h);
	hdr[h] = 0;
	if (sscanf(hdr, "X%llx,%zx", &a, len) != 2)
		return -1;
	*addr = a;
	for (i = h + 1; i < n; i++)
		data[o++] = p[i] == '}' ? p[++i] ^ 0x20 : p[i];
	return o == *len ? 0 : -1;
}

static void test_write_bin(void)
{
	static uint8_t data[300], back[300], out[800];
	static const uint64_t addrs[] = { 0, 0x80200000, UINT64_MAX };
	size_t taken, n, cap, i, a, bad = 0, checked = 0;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i % 3 ? (uint8_t)i : "#$}*"[i / 3 % 4];
	n = gdb_req_write_bin(out, sizeof(out), 0x1000, (const uint8_t *)
			      "a#c", 3, &taken);
	ok(n == 12 && taken == 3 && !memcmp(out, "X1000,3:a}\x03" "c", 12),
	   "X: X1000,3:a}\\x03c");
	n = gdb_req_write_bin(out, sizeof(out), 0x1000, data, 0, &taken);
	ok(n == 8 && !taken && !memcmp(out, "X1000,0:", 8), "X: len 0 is "
	   "the probe X1000,0:");
	n = gdb_req_write_bin(out, 8, 0x1000, data, 3, &taken);
	ok(!n && !taken, "X: room for the header only: 0, nothing taken");
	/* every cap: the longest prefix whose packet fits, by brute force */
	for (a = 0; a < 3; a++) {
		for (cap = 0; cap <= 700; cap++) {
			size_t want = 0, p, got;
			uint64_t addr;

			for (p = 1; p <= sizeof(data); p++)
				if (x_header(addrs[a], p) +
				    escaped_len(data, p) <= cap)
					want = p;
			got = gdb_req_write_bin(out, cap, addrs[a], data,
						sizeof(data), &taken);
			checked++;
			if (taken != want || got > cap || (!want && got) ||
			    (want && (x_decode(out, got, &addr, &p, back) ||
				      addr != addrs[a] || p != want ||
				      memcmp(back, data, want)))) {
				if (!bad++)
					diag("addr 0x%llx cap %zu: taken %zu "
					     "want %zu", (unsigned long long)
					     addrs[a], cap, taken, want);
			}
		}
	}
	ok(!bad, "X: longest prefix that fits with escapes, %zu caps x 3 "
	   "addresses, decoded back", checked / 3);
	/* the length field gains a digit at 16 bytes: 15 bytes with a
	 * 1-digit length beat 15 with 2 */
	n = gdb_req_write_bin(out, 24, 0x1000, (const uint8_t *)
			      "0123456789abcdefg", 17, &taken);
	ok(n == 23 && taken == 15, "X: 16 bytes would fit beside X1000,f: "
	   "but need X1000,10: (15 bytes in 24)");
	n = gdb_req_write_bin(out, 25, 0x1000, (const uint8_t *)
			      "0123456789abcdefg", 17, &taken);
	ok(n == 25 && taken == 16 && !memcmp(out, "X1000,10:", 9),
	   "X: and 16 bytes with X1000,10: in 25");
}

static void test_max(void)
{
	static const size_t sizes[] = { 64, 65, 100, 0x1000, 0x1001, 0x4000,
					65536, 1 << 20 };
	static const uint64_t addrs[] = { 0, 0x80000000, 0xfffff,
					  UINT64_MAX };
	static uint8_t data[1 << 20], pkt[(1 << 20) + 64];
	static char req[(1 << 21) + 64];
	size_t i, a, bad = 0;

	is_int(gdb_read_max(0x1000), 2046, "read max: QEMU's 4096-byte "
	       "packets: 2046 bytes a reply");
	is_int(gdb_read_max(63), 0, "read max: PacketSize below 64: 0");
	is_int(gdb_write_hex_max(63, 0), 0, "M max: PacketSize below 64: 0");
	ok(gdb_read_max(64) >= 1 && gdb_write_hex_max(64, UINT64_MAX) >= 1,
	   "read/M max: at least 1 at 64");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t ps = sizes[i], r = gdb_read_max(ps);

		if (2 * r + 4 > ps || 2 * (r + 1) + 4 <= ps) {
			bad++;
			diag("read max %zu for %zu", r, ps);
		}
		for (a = 0; a < 4; a++) {
			size_t w = gdb_write_hex_max(ps, addrs[a]), n;

			n = gdb_req_write_hex(req, sizeof(req), addrs[a],
					      data, w);
			if (!n || !gdb_frame(req, n, pkt, ps)) {
				bad++;
				diag("M of %zu does not fit %zu", w, ps);
			}
			n = gdb_req_write_hex(req, sizeof(req), addrs[a],
					      data, w + 1);
			if (!n || gdb_frame(req, n, pkt, ps)) {
				bad++;
				diag("M of %zu + 1 fits %zu", w, ps);
			}
		}
	}
	ok(!bad, "read/M max: the packet of that length fits, one more "
	   "byte does not (8 sizes, 4 addresses)");
}

static void test_reg(void)
{
	char out[64];

	is_int(gdb_req_reg(out, sizeof(out), 32, 64, 0x80200000, false), 20,
	       "P: riscv64 pc length");
	ok(!strcmp(out, "P20=0000208000000000"), "P: 64-bit little-endian "
	   "pc (32 = 0x20)");
	gdb_req_reg(out, sizeof(out), 32, 64, 0x80200000, true);
	ok(!strcmp(out, "P20=0000000080200000"), "P: 64-bit big-endian");
	gdb_req_reg(out, sizeof(out), 15, 32, 0x12345678, false);
	ok(!strcmp(out, "Pf=78563412"), "P: 32-bit little-endian (arm pc)");
	gdb_req_reg(out, sizeof(out), 15, 32, 0x12345678, true);
	ok(!strcmp(out, "Pf=12345678"), "P: 32-bit big-endian");
	gdb_req_reg(out, sizeof(out), 10, 32, 0x1122334455667788ull, false);
	ok(!strcmp(out, "Pa=88776655"), "P: 32 bits keep the low half");
	gdb_req_reg(out, sizeof(out), 0x41, 128, 0x0102, false);
	ok(!strcmp(out, "P41=02010000000000000000000000000000"),
	   "P: 128-bit little-endian, upper bytes zero");
	gdb_req_reg(out, sizeof(out), 0x41, 128, 0x0102, true);
	ok(!strcmp(out, "P41=00000000000000000000000000000102"),
	   "P: 128-bit big-endian");
	ok(!gdb_req_reg(out, sizeof(out), 1, 0, 0, false) &&
	   !gdb_req_reg(out, sizeof(out), 1, 12, 0, false) &&
	   !gdb_req_reg(out, sizeof(out), 1, 136, 0, false),
	   "P: 0, 12 and 136 bits refused");
	is_int(gdb_req_reg(out, 12, 15, 32, 0, false), 11, "P: fits exactly "
	       "with its NUL");
	is_int(gdb_req_reg(out, 11, 15, 32, 0, false), 0, "P: one byte "
	       "short: 0");
}

/* ---- receiving -------------------------------------------------------- */

/* Feed in[0..n) in steps of step bytes (0: all at once); log every
 * event: P<data>| A| N| S| T| R| */
static void rx_log(const void *in, size_t n, size_t cap, size_t step,
		   char *log, size_t logcap)
{
	uint8_t buf[600];
	struct gdb_rx rx;
	const uint8_t *p = in;
	size_t off = 0, l = 0;

	gdb_rx_init(&rx, buf, cap);
	log[0] = 0;
	while (off < n) {
		size_t chunk = step && n - off > step ? step : n - off, used;
		enum gdb_rx_event ev = gdb_rx_feed(&rx, p + off, chunk,
						   &used);

		off += used;
		if (used > chunk)
			break;
		switch (ev) {
		case GDB_RX_MORE:
			break;
		case GDB_RX_PACKET:
			if (rx.buf[rx.len] != 0 || strlen((char *)rx.buf) !=
			    rx.len)
				l += snprintf(log + l, logcap - l, "!NUL");
			l += snprintf(log + l, logcap - l, "P%s|", rx.buf);
			break;
		default:
			l += snprintf(log + l, logcap - l, "%c|",
				      " PANSTR"[ev]);
			break;
		}
		if (l >= logcap)
			break;
	}
}

/* Whole buffer and byte by byte give the same log; it is want. */
static void rx_is(const char *in, size_t cap, const char *want,
		  const char *name)
{
	char whole[1024], bytes[1024];

	rx_log(in, strlen(in), cap, 0, whole, sizeof(whole));
	rx_log(in, strlen(in), cap, 1, bytes, sizeof(bytes));
	if (!ok(!strcmp(whole, want) && !strcmp(bytes, want), "rx: %s",
		name))
		printf("#   got '%s' (byte by byte '%s'), want '%s'\n", whole,
		       bytes, want);
}

static void test_rx_basic(void)
{
	char in[512];
	uint8_t buf[64];
	struct gdb_rx rx;
	size_t used;

	rx_is("+", 64, "A|", "'+' is an ack");
	rx_is("-", 64, "N|", "'-' is a nak");
	rx_is("$OK#9a", 64, "POK|", "$OK#9a");
	rx_is("$OK#9A", 64, "POK|", "uppercase checksum digits");
	rx_is("$#00", 64, "P|", "an empty packet (unsupported)");
	rx_is(framed("T05thread:p01.01;"), 64, "PT05thread:p01.01;|",
	      "QEMU's stop reply");
	snprintf(in, sizeof(in), "+%s", framed("PacketSize=1000;qXfer:"
		 "features:read+;vContSupported+;multiprocess+"));
	rx_is(in, 128, "A|PPacketSize=1000;qXfer:features:read+;"
	      "vContSupported+;multiprocess+|", "ack then QEMU's qSupported");
	rx_is("$OK#9b$OK#9a", 64, "S|POK|", "a bad checksum, then the "
	      "resend");
	rx_is("$OK#9g$OK#9a", 64, "S|POK|", "a non-hex checksum digit");
	rx_is("$OK#\x80\x01$OK#9a", 64, "S|POK|", "checksum bytes out of "
	      "range");
	rx_is("$abc$OK#9a", 64, "POK|", "a '$' mid-packet restarts: the new "
	      "packet wins");
	rx_is("$OK#9$OK#9a", 64, "POK|", "a '$' in the checksum restarts");
	rx_is("\x03garbage\r\n\xff+x$OK#9a", 64, "A|POK|", "noise outside "
	      "packets skipped");
	rx_is("%Stop:T05#00$OK#9a", 64, "POK|", "a notification with a bad "
	      "checksum skipped silently");
	snprintf(in, sizeof(in), "%%%s", framed("Stop:T05") + 1);
	strcat(in, "+$OK#9a");
	rx_is(in, 64, "A|POK|", "a good notification skipped");
	rx_is("%Stop:T05$OK#9a", 64, "POK|", "a '$' inside a notification "
	      "starts a packet");
	rx_is(framed("O+-K"), 64, "PO+-K|", "'+' and '-' inside a packet are "
	      "data");

	/* events stop the feed; used says where */
	gdb_rx_init(&rx, buf, sizeof(buf));
	is_int(gdb_rx_feed(&rx, (const uint8_t *)"+$OK#9a+", 8, &used),
	       GDB_RX_ACK, "rx: the first event stops the feed");
	is_int(used, 1, "rx: used 1 after the ack");
	is_int(gdb_rx_feed(&rx, (const uint8_t *)"$OK#9a+" , 7, &used),
	       GDB_RX_PACKET, "rx: then the packet");
	ok(used == 6 && rx.len == 2 && !strcmp((char *)buf, "OK"),
	   "rx: used 6, data OK");
	is_int(gdb_rx_feed(&rx, (const uint8_t *)"$O", 2, &used),
	       GDB_RX_MORE, "rx: half a packet: more");
	is_int(used, 2, "rx: all of it taken");
}

static void test_rx_limits(void)
{
	char in[600];

	rx_is("$1234567#6c", 8, "P1234567|", "7 bytes fit cap 8 (its NUL)");
	rx_is("$12345678#a4$OK#9a", 8, "T|POK|", "8 bytes overflow cap 8; "
	      "the next packet still received");
	memset(in, 'a', 500);
	in[500] = 0;
	strcpy(in, framed(in));
	strcat(in, "$OK#9a");
	rx_is(in, 64, "T|POK|", "a 500-byte packet in 64: toobig, then OK");
	rx_is("$12345678#00$OK#9a", 8, "S|POK|", "too big with a bad "
	      "checksum is a bad checksum (resend)");
	rx_is("$OK#9a$#00", 0, "T|T|", "cap 0: every packet too big, even "
	      "an empty one");
}

static void test_rx_rle(void)
{
	char in[128];

	rx_is(framed("0* "), 64, "P0000|", "RLE '0* ' is four zeros");
	rx_is(framed("a0*\"b"), 64, "Pa000000b|", "RLE '*\"' is 5 more");
	in[0] = 'P';
	memset(in + 1, 'x', 98);
	strcpy(in + 99, "|");
	rx_is(framed("x*~"), 128, in, "RLE '~' is the largest: 97 more");
	rx_is(framed("0* 1* "), 64, "P00001111|", "two runs");
	rx_is(framed("0* * "), 64, "P0000000|", "a run after a run repeats "
	      "its byte");
	rx_is(framed("}]* "), 64, "P}}}}|", "a run of an escaped byte");
	rx_is(framed("* 0"), 64, "R|", "RLE at the start: badrle");
	snprintf(in, sizeof(in), "%s$OK#9a", framed("0*\x1f"));
	rx_is(in, 64, "R|POK|", "an RLE count below ' ': badrle, then OK");
	rx_is(framed("0*\x7f"), 64, "R|", "an RLE count of DEL: badrle");
	rx_is("$0*#5a$OK#9a", 64, "R|POK|", "'#' right after '*': badrle");
	rx_is(framed("0* "), 4, "T|", "RLE to 4 bytes in cap 4: toobig");
	rx_is(framed("0* "), 5, "P0000|", "RLE to 4 bytes in cap 5: fits");
	snprintf(in, sizeof(in), "%s$OK#9a", framed("0*~"));
	rx_is(in, 64, "T|POK|", "RLE expanding past cap: toobig, then OK");
	rx_is(framed("ab}"), 64, "R|", "a dangling '}' before '#': badrle");
	rx_is(framed("* "), 64, "R|", "only a run: badrle");
}

static void test_rx_escapes(void)
{
	uint8_t bin[256], esc[600], pkt[700], buf[300];
	struct gdb_rx rx;
	size_t i, used, n, fl, off = 0;
	enum gdb_rx_event ev = GDB_RX_MORE;

	for (i = 0; i < 256; i++)
		bin[i] = (uint8_t)i;
	esc[0] = 'l';	/* a qXfer reply carries binary data */
	n = 1 + gdb_escape(bin, 256, esc + 1, sizeof(esc) - 1, &used);
	fl = gdb_frame(esc, n, pkt, sizeof(pkt));
	ok(used == 256 && fl == n + 4, "escape: 256 bytes framed");
	gdb_rx_init(&rx, buf, sizeof(buf));
	while (off < fl && ev == GDB_RX_MORE) {
		ev = gdb_rx_feed(&rx, pkt + off, 1, &used);
		off += used;
	}
	ok(ev == GDB_RX_PACKET && off == fl && rx.len == 257 &&
	   rx.buf[0] == 'l' && !memcmp(rx.buf + 1, bin, 256), "escape: every "
	   "byte value round trip through gdb_rx");
}

/* A stream of everything, whole against byte by byte against odd
 * chunks. */
static void test_rx_chunks(void)
{
	static const char stream[] =
		"+noise$OK#9a-$O$OK#9b%Stop:T05#00$* #4a$0* #7a"
		"$1234567890123456789#00$12345678901234567#79\x03$ab}]#9d"
		"$x*~#20";
	char a[1024], b[1024];
	size_t step, bad = 0;

	rx_log(stream, strlen(stream), 16, 0, a, sizeof(a));
	ok(!strcmp(a, "A|POK|N|S|R|P0000|S|T|Pab}|T|"), "rx: a mixed stream "
	   "of events");
	if (strcmp(a, "A|POK|N|S|R|P0000|S|T|Pab}|T|"))
		diag("got %s", a);
	for (step = 1; step <= 17; step++) {
		rx_log(stream, strlen(stream), 16, step, b, sizeof(b));
		if (strcmp(a, b)) {
			bad++;
			diag("step %zu: %s", step, b);
		}
	}
	ok(!bad, "rx: chunks of 1..17 bytes give the same events as the "
	   "whole buffer");
}

/* ---- replies ---------------------------------------------------------- */

static void test_replies(void)
{
	unsigned code = 99, sig = 99;
	const char *d;
	size_t dl;

	ok(gdb_reply_error("E14", 3, &code) && code == 0x14, "E14: code "
	   "0x14 (QEMU, read outside RAM)");
	ok(gdb_reply_error("E.no memory", 11, &code) && code == 0,
	   "E.text: code 0");
	ok(!gdb_reply_error("OK", 2, &code) && !gdb_reply_error("E1", 2,
	   &code) && !gdb_reply_error("E1g", 3, &code) &&
	   !gdb_reply_error("E141", 4, &code) && !gdb_reply_error("e14", 3,
	   &code) && !gdb_reply_error("", 0, &code), "OK, E1, E1g, E141, "
	   "e14 and nothing are not errors");
	ok(gdb_reply_stop("T05thread:p01.01;", 17, &sig) == 'T' && sig == 5,
	   "stop: QEMU's T05thread:p01.01;");
	ok(gdb_reply_stop("S0b", 3, &sig) == 'S' && sig == 11, "stop: S0b");
	ok(gdb_reply_stop("W00", 3, &sig) == 'W' && sig == 0, "stop: W00");
	ok(gdb_reply_stop("W01;process:1", 13, NULL) == 'W', "stop: W01;"
	   "process:1, signal NULL");
	ok(gdb_reply_stop("X09", 3, &sig) == 'X' && sig == 9, "stop: X09");
	ok(!gdb_reply_stop("OK", 2, &sig) && !gdb_reply_stop("T0", 2, &sig) &&
	   !gdb_reply_stop("Tzz", 3, &sig) && !gdb_reply_stop("S05x", 4,
	   &sig) && !gdb_reply_stop("W00x", 4, &sig) &&
	   !gdb_reply_stop("", 0, &sig) && !gdb_reply_stop("E14", 3, &sig),
	   "stop: OK, T0, Tzz, S05x, W00x, nothing, E14 are not");
	ok(gdb_xfer_reply("l<target/>", 10, &d, &dl) == 'l' && dl == 9 &&
	   !memcmp(d, "<target/>", 9), "qXfer: l and its data");
	ok(gdb_xfer_reply("m", 1, &d, &dl) == 'm' && dl == 0, "qXfer: m "
	   "with no data");
	ok(!gdb_xfer_reply("E00", 3, &d, &dl) && !gdb_xfer_reply("", 0, &d,
	   &dl), "qXfer: E00 and nothing are neither");
}

static void test_supported(void)
{
	static const char *const bad[] = {
		"PacketSize=zz", "PacketSize=", "PacketSize=3f",
		"PacketSize=100001", "PacketSize=ffffffffffffffffffff1000",
		"PacketSize=-1000", "a+;;b+", ";a+", "=5", "+", "a+;=1",
	};
	const char *q = "PacketSize=1000;qXfer:features:read+;"
			"vContSupported+;multiprocess+";
	const char *o = "PacketSize=4000;qXfer:memory-map:read-;"
			"QStartNoAckMode+;qXfer:features:read+;swbreak?;"
			"xmlRegisters=arm,i386;";
	struct gdb_features f;
	size_t i, nbad = 0;

	ok(!gdb_supported_parse(q, strlen(q), &f) && f.packet_size == 4096 &&
	   f.xfer_features && f.vcont && !f.no_ack, "qSupported: QEMU's "
	   "(4096, features, vCont, no QStartNoAckMode)");
	ok(!gdb_supported_parse(o, strlen(o), &f) && f.packet_size == 0x4000 &&
	   f.no_ack && f.xfer_features && !f.vcont, "qSupported: OpenOCD-like "
	   "with no-ack, unknown features ignored, a trailing ';'");
	ok(!gdb_supported_parse("", 0, &f) && !f.packet_size && !f.no_ack &&
	   !f.xfer_features && !f.vcont, "qSupported: empty (unsupported): "
	   "nothing");
	ok(!gdb_supported_parse("QStartNoAckMode-;PacketSize=40", 30, &f) &&
	   !f.no_ack && f.packet_size == 64, "qSupported: '-' is off, 64 "
	   "is the least PacketSize");
	ok(!gdb_supported_parse("PacketSize=100000", 17, &f) &&
	   f.packet_size == 1 << 20, "qSupported: 1 MiB is the most");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (gdb_supported_parse(bad[i], strlen(bad[i]), &f) != -1) {
			nbad++;
			diag("accepted '%s'", bad[i]);
		}
	}
	ok(!nbad, "qSupported: %zu malformed replies refused (bad "
	   "PacketSize, empty names)", sizeof(bad) / sizeof(bad[0]));
}

/* ---- target descriptions ---------------------------------------------- */

struct doc {
	const char *name, *text;
};

struct docs {
	const struct doc *d;
	int fetches;
};

static int fetch_doc(void *arg, const char *href, const char **text,
		     size_t *len)
{
	struct docs *ds = arg;
	const struct doc *d;

	ds->fetches++;
	for (d = ds->d; d->name; d++) {
		if (!strcmp(d->name, href)) {
			*text = d->text;
			*len = strlen(d->text);
			return 0;
		}
	}
	return -1;
}

static const char rv_target[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target><architecture>riscv:rv64</architecture>"
	"<xi:include href=\"riscv-64bit-cpu.xml\"/>"
	"<xi:include href=\"riscv-64bit-fpu.xml\"/>"
	"<xi:include href=\"riscv-64bit-virtual.xml\"/>"
	"<xi:include href=\"riscv-csr.xml\"/></target>";

static char rv_cpu[4096], rv_fpu[4096];

static void make_riscv_docs(void)
{
	static const char *const x[] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1",
		"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3",
		"s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
		"t5", "t6" };
	size_t l, i;

	l = snprintf(rv_cpu, sizeof(rv_cpu), "<?xml version=\"1.0\"?>\n"
		     "<!-- Copyright (C) 2018-2022 Free Software Foundation,"
		     " Inc.\n     <reg name=\"bogus\" bitsize=\"1\"/> -->\n"
		     "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
		     "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
	for (i = 0; i < 32; i++)
		l += snprintf(rv_cpu + l, sizeof(rv_cpu) - l, "  <reg name="
			      "\"%s\" bitsize=\"64\" type=\"%s\"/>\n", x[i],
			      i == 2 || i == 8 ? "data_ptr" : "int");
	snprintf(rv_cpu + l, sizeof(rv_cpu) - l, "  <reg name=\"pc\" "
		 "bitsize=\"64\" type=\"code_ptr\"/>\n</feature>\n");

	/* single quotes, explicit regnums, a union type that is skipped */
	l = snprintf(rv_fpu, sizeof(rv_fpu), "<?xml version='1.0'?>\n"
		     "<feature name='org.gnu.gdb.riscv.fpu'>\n"
		     "  <union id='riscv_double'><field name='float' "
		     "type='ieee_single'/><field name='double' "
		     "type='ieee_double'/></union>\n");
	for (i = 0; i < 32; i++)
		l += snprintf(rv_fpu + l, sizeof(rv_fpu) - l, "  <reg name="
			      "'f%zu' bitsize='64' type='riscv_double' "
			      "regnum='%zu'/>\n", i, 33 + i);
	snprintf(rv_fpu + l, sizeof(rv_fpu) - l,
		 "  <reg name='fflags' bitsize='32' type='int' "
		 "regnum='66'/>\n  <reg name='frm' bitsize='32' "
		 "type='int' regnum='67'/>\n  <reg name = 'fcsr' "
		 "bitsize = '32' type='int' regnum = '68' />\n</feature>\n");
}

static const struct doc rv_docs[] = {
	{ "riscv-64bit-cpu.xml", rv_cpu },
	{ "riscv-64bit-fpu.xml", rv_fpu },
	{ "riscv-64bit-virtual.xml", "<?xml version=\"1.0\"?><feature "
	  "name=\"org.gnu.gdb.riscv.virtual\"><reg name=\"priv\" "
	  "bitsize=\"64\"/></feature>" },
	{ "riscv-csr.xml", "<?xml version=\"1.0\"?><!DOCTYPE feature SYSTEM "
	  "\"gdb-target.dtd\"><feature name=\"org.gnu.gdb.riscv.csr\">"
	  "<reg name=\"fflags\" bitsize=\"64\" regnum=\"66\" type=\"int\"/>"
	  "<reg name=\"mstatus\" bitsize=\"64\" regnum=\"833\" "
	  "type=\"int\"/><reg name=\"mcountinhibit\" bitsize=\"64\" "
	  "regnum=\"869\" type=\"int\"/></feature>" },
	{ NULL, NULL },
};

static int parse(struct gdb_tdesc *td, const char *xml, const struct doc *d,
		 char *why)
{
	struct docs ds = { d, 0 };

	memset(td, 0, sizeof(*td));
	why[0] = 0;
	return gdb_tdesc_parse(td, xml, strlen(xml), d ? fetch_doc : NULL,
			       &ds, 0, why, 128);
}

static bool reg_is(const struct gdb_tdesc *td, const char *name,
		   unsigned regnum, unsigned bits)
{
	const struct gdb_reg *r = gdb_tdesc_find(td, name);

	if (!r || r->regnum != regnum || r->bits != bits) {
		diag("%s: %s regnum %u bits %u", name, r ? "got" : "missing",
		     r ? r->regnum : 0, r ? r->bits : 0);
		return false;
	}
	return true;
}

static void test_tdesc_riscv(void)
{
	static struct gdb_tdesc td;
	char why[128];

	make_riscv_docs();
	is_int(parse(&td, rv_target, rv_docs, why), 0, "tdesc riscv64: "
	       "QEMU's target.xml and four includes parsed");
	ok(!strcmp(td.arch, "riscv:rv64"), "tdesc riscv64: architecture "
	   "riscv:rv64");
	ok(reg_is(&td, "pc", 32, 64) && reg_is(&td, "a0", 10, 64) &&
	   reg_is(&td, "a7", 17, 64) && reg_is(&td, "zero", 0, 64) &&
	   reg_is(&td, "t6", 31, 64), "tdesc riscv64: pc 32, a0 10, a7 17, "
	   "zero 0, t6 31 (counted from 0)");
	ok(reg_is(&td, "f0", 33, 64) && reg_is(&td, "f31", 64, 64) &&
	   reg_is(&td, "fcsr", 68, 32), "tdesc riscv64: explicit regnums in "
	   "single quotes, spaces around '='");
	ok(reg_is(&td, "priv", 69, 64), "tdesc riscv64: priv numbered after "
	   "fcsr");
	ok(reg_is(&td, "mcountinhibit", 869, 64), "tdesc riscv64: a CSR");
	ok(!gdb_tdesc_find(&td, "bogus") && !gdb_tdesc_find(&td, "x10") &&
	   !gdb_tdesc_find(&td, "PC"), "tdesc riscv64: nothing from the "
	   "comment; exact names only");
	is_int(td.nreg, 33 + 35 + 1 + 3, "tdesc riscv64: 72 registers");
	ok(gdb_arch_fits(td.arch, "riscv64") && !gdb_arch_fits(td.arch,
	   "aarch64"), "tdesc riscv64: fits riscv64, not aarch64");
}

static void test_tdesc_aarch64(void)
{
	static char core[4096], target[512];
	static struct gdb_tdesc td;
	static const struct doc docs[] = {
		{ "aarch64-core.xml", core },
		{ "aarch64-fpu.xml", "<feature name=\"org.gnu.gdb.aarch64."
		  "fpu\">"
		  "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
		  "<reg name=\"v0\" bitsize=\"128\" type=\"aarch64v\" "
		  "regnum=\"34\"/><reg name=\"fpsr\" bitsize=\"32\"/>"
		  "</feature>" },
		{ "system-registers.xml", "<feature name=\"org.qemu.gdb."
		  "aarch64.sysregs\"><reg name=\"ID_AA64ISAR2_EL1_RESERVED\" "
		  "bitsize=\"64\" regnum=\"100\"/><reg name=\"A_NAME_OF_"
		  "THIRTY_TWO_BYTES_EXACTLY\" bitsize=\"64\"/><reg name=\""
		  "MIDR_EL1\" bitsize=\"64\"/></feature>" },
		{ NULL, NULL },
	};
	char why[128];
	size_t l, i;

	snprintf(target, sizeof(target), "<?xml version=\"1.0\"?><!DOCTYPE "
		 "target SYSTEM \"gdb-target.dtd\"><target><architecture>"
		 "aarch64</architecture><xi:include href=\"aarch64-core.xml\""
		 "/><xi:include href=\"aarch64-fpu.xml\"/><xi:include href="
		 "\"system-registers.xml\"/></target>");
	l = snprintf(core, sizeof(core), "<feature name=\"org.gnu.gdb."
		     "aarch64.core\">\n");
	for (i = 0; i <= 30; i++)
		l += snprintf(core + l, sizeof(core) - l, "<reg name=\"x%zu\" "
			      "bitsize=\"64\"/>\n", i);
	snprintf(core + l, sizeof(core) - l, "<reg name=\"sp\" bitsize=\"64\" "
		 "type=\"data_ptr\"/><reg name=\"pc\" bitsize=\"64\" type="
		 "\"code_ptr\"/><flags id=\"cpsr_flags\" size=\"4\"><field "
		 "name=\"SP\" start=\"0\" end=\"0\"/></flags><reg name="
		 "\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/></feature>");
	is_int(parse(&td, target, docs, why), 0, "tdesc aarch64: parsed");
	ok(!strcmp(td.arch, "aarch64"), "tdesc aarch64: architecture");
	ok(reg_is(&td, "pc", 32, 64) && reg_is(&td, "x0", 0, 64) &&
	   reg_is(&td, "x3", 3, 64) && reg_is(&td, "sp", 31, 64) &&
	   reg_is(&td, "cpsr", 33, 32) && reg_is(&td, "v0", 34, 128) &&
	   reg_is(&td, "fpsr", 35, 32), "tdesc aarch64: x0 0, sp 31, pc 32, "
	   "cpsr 33, v0 34, fpsr 35");
	ok(reg_is(&td, "ID_AA64ISAR2_EL1_RESERVED", 100, 64) &&
	   reg_is(&td, "MIDR_EL1", 102, 64), "tdesc aarch64: QEMU's 25-byte "
	   "name kept; a 32-byte name numbered (101) but not kept");
	ok(gdb_arch_fits(td.arch, "aarch64") && !gdb_arch_fits(td.arch,
	   "riscv64") && !gdb_arch_fits(td.arch, "arm"), "tdesc aarch64: "
	   "fits aarch64 only");
}

/* a.xml includes b.xml ... each one level deeper */
static int fetch_chain(void *arg, const char *href, const char **text,
		       size_t *len)
{
	static char docs[8][128];
	int *levels = arg, i = href[0] - 'a';

	if (strlen(href) != 5 || i < 0 || i >= 8)
		return -1;
	if (i + 1 < *levels)
		snprintf(docs[i], sizeof(docs[i]), "<reg name=\"r%d\" "
			 "bitsize=\"8\"/><xi:include href=\"%c.xml\"/>", i,
			 'a' + i + 1);
	else
		snprintf(docs[i], sizeof(docs[i]), "<reg name=\"r%d\" "
			 "bitsize=\"8\"/>", i);
	*text = docs[i];
	*len = strlen(docs[i]);
	return 0;
}

static void test_tdesc_includes(void)
{
	static const struct doc loop[] = {
		{ "self.xml", "<xi:include href='self.xml'/>" },
		{ NULL, NULL },
	};
	static const char top[] = "<target><xi:include href=\"a.xml\"/>"
				  "</target>";
	static struct gdb_tdesc td;
	char why[128];
	int levels;

	levels = GDB_TDESC_MAX_DEPTH;
	memset(&td, 0, sizeof(td));
	ok(!gdb_tdesc_parse(&td, top, strlen(top), fetch_chain, &levels, 0,
			    why, sizeof(why)) && td.nreg == 4 &&
	   reg_is(&td, "r3", 3, 8), "tdesc: includes %d deep parsed",
	   GDB_TDESC_MAX_DEPTH);
	levels = GDB_TDESC_MAX_DEPTH + 1;
	memset(&td, 0, sizeof(td));
	ok(gdb_tdesc_parse(&td, top, strlen(top), fetch_chain, &levels, 0,
			   why, sizeof(why)) == -1 &&
	   !strcmp(why, "include 'e.xml' nested too deep"), "tdesc: %d deep "
	   "refused: %s", GDB_TDESC_MAX_DEPTH + 1, why);
	ok(parse(&td, "<xi:include href='self.xml'/>", loop, why) == -1 &&
	   msg_has(why, "'self.xml' nested too deep"), "tdesc: a document "
	   "that includes itself ends: %s", why);
	ok(parse(&td, rv_target, loop, why) == -1 &&
	   !strcmp(why, "cannot fetch include 'riscv-64bit-cpu.xml'"),
	   "tdesc: include fetch failure: %s", why);
	ok(parse(&td, rv_target, NULL, why) == -1 &&
	   msg_has(why, "cannot fetch include"), "tdesc: no fetch "
	   "callback: %s", why);
	ok(parse(&td, "<xi:include/>", loop, why) == -1 &&
	   msg_has(why, "include without href"), "tdesc: %s", why);
}

static void test_tdesc_hostile(void)
{
	static const struct {
		const char *xml, *why;
	} bad[] = {
		{ "<reg bitsize=\"64\"/>", "reg without name" },
		{ "<reg name=\"\" bitsize=\"64\"/>", "reg without name" },
		{ "<reg name=\"pc\" bitsize=\"0\"/>", "bitsize '0' of 'pc'" },
		{ "<reg name=\"pc\"/>", "bitsize '' of 'pc'" },
		{ "<reg name=\"pc\" bitsize=\"6x\"/>", "bitsize '6x' of 'pc'" },
		{ "<reg name=\"pc\" bitsize=\"99999999999\"/>",
		  "bitsize '99999999999' of 'pc'" },
		{ "<reg name=\"pc\" bitsize=\"64\" regnum=\"-1\"/>",
		  "regnum '-1' of 'pc'" },
		{ "<reg name=\"pc\" bitsize=\"64\" regnum=1/>",
		  "malformed attribute of 'pc'" },
		{ "<target><reg name=\"pc\" bitsize=\"64\"",
		  "unterminated tag" },
		{ "<reg name='pc bitsize='64'/>", "unterminated tag" },
		{ "<reg name=\"pc\" bitsize=\"64\"/><!-- never closed",
		  "unterminated comment" },
		{ "<?xml version=\"1.0\"", "unterminated tag" },
		{ "<architecture>riscv:rv64", "unterminated <architecture>" },
		{ "<architecture>a-very-long-architecture-name-indeed"
		  "</architecture>", "too long" },
		{ "<", "unterminated tag" },
	};
	static struct gdb_tdesc td;
	static char many[(GDB_TDESC_MAX_REGS + 2) * 40];
	char why[128];
	size_t i, l = 0, nbad = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(&td, bad[i].xml, NULL, why) != -1 ||
		    !msg_has(why, bad[i].why)) {
			nbad++;
			diag("'%s': '%s', want '%s'", bad[i].xml, why,
			     bad[i].why);
		}
	}
	ok(!nbad, "tdesc: %zu hostile documents refused with the culprit "
	   "named", sizeof(bad) / sizeof(bad[0]));

	for (i = 0; i < GDB_TDESC_MAX_REGS; i++)
		l += snprintf(many + l, sizeof(many) - l, "<reg name=\"r%zu\" "
			      "bitsize=\"32\"/>", i);
	ok(!parse(&td, many, NULL, why) && td.nreg == GDB_TDESC_MAX_REGS &&
	   reg_is(&td, "r1023", 1023, 32), "tdesc: %d registers fit",
	   GDB_TDESC_MAX_REGS);
	snprintf(many + l, sizeof(many) - l, "<reg name=\"one-more\" "
		 "bitsize=\"32\"/>");
	ok(parse(&td, many, NULL, why) == -1 && !strcmp(why, "too many "
	   "registers"), "tdesc: one more: too many registers");

	ok(!parse(&td, "<reg name=\"a\" bitsize=\"8\"/><reg name=\"b\" "
		  "bitsize=\"8\" regnum=\"100\"/><reg name=\"c\" "
		  "bitsize=\"8\"/><reg name=\"d\" bitsize=\"8\" regnum=\"5\">"
		  "</reg><reg name=\"e\" bitsize=\"8\"/>", NULL, why) &&
	   reg_is(&td, "a", 0, 8) && reg_is(&td, "b", 100, 8) &&
	   reg_is(&td, "c", 101, 8) && reg_is(&td, "d", 5, 8) &&
	   reg_is(&td, "e", 6, 8) && td.next_regnum == 7, "tdesc: an "
	   "explicit regnum resets the counter, up and down");
	ok(!parse(&td, "<!-- <reg name=\"x\" bitsize=\"8\"/> --><reg name="
		  "\"a>b\" bitsize=\"8\" type='x\"y'/><reg\tname='c'\n"
		  "bitsize='16'></reg><?pi <reg name=\"y\"?><architecture>\n"
		  "  riscv:rv32 </architecture><architecture/>", NULL, why) &&
	   td.nreg == 2 && reg_is(&td, "a>b", 0, 8) &&
	   reg_is(&td, "c", 1, 16) && !strcmp(td.arch, "riscv:rv32"),
	   "tdesc: '>' and the other quote inside values, tabs and newlines,"
	   " comments and PIs skipped, architecture trimmed");
	ok(!parse(&td, "", NULL, why) && !td.nreg && !td.arch[0],
	   "tdesc: an empty document is no registers");
}

static void test_fallback(void)
{
	static struct gdb_tdesc td;

	ok(!gdb_tdesc_fallback(&td, "riscv64") && reg_is(&td, "pc", 32, 64) &&
	   reg_is(&td, "a0", 10, 64) && reg_is(&td, "a7", 17, 64) &&
	   reg_is(&td, "x10", 10, 64) && reg_is(&td, "x17", 17, 64),
	   "fallback riscv64: pc 32, a0..a7 = x10..x17 = 10..17, 64 bits");
	ok(!gdb_tdesc_fallback(&td, "riscv32") && reg_is(&td, "pc", 32, 32) &&
	   reg_is(&td, "a1", 11, 32), "fallback riscv32: 32 bits");
	ok(!gdb_tdesc_fallback(&td, "aarch64") && reg_is(&td, "pc", 32, 64) &&
	   reg_is(&td, "x0", 0, 64) && reg_is(&td, "x7", 7, 64),
	   "fallback aarch64: x0 0, pc 32");
	td.big_endian = true;
	ok(!gdb_tdesc_fallback(&td, "arm") && reg_is(&td, "pc", 15, 32) &&
	   reg_is(&td, "r0", 0, 32) && reg_is(&td, "r3", 3, 32) &&
	   !gdb_tdesc_find(&td, "r4") && td.big_endian, "fallback arm: r0 0,"
	   " pc 15, 32 bits; big_endian kept");
	ok(gdb_arch_fits(td.arch, "arm"), "fallback arm: its arch fits arm");
	is_int(gdb_tdesc_fallback(&td, "mips"), -1, "fallback: mips unknown");
	is_int(gdb_tdesc_fallback(&td, "x86_64"), -1, "fallback: x86_64 "
	       "unknown");
}

static void test_arch_fits(void)
{
	static const struct {
		const char *arch, *machine;
		bool fits;
	} t[] = {
		{ "riscv:rv64", "riscv64", true },
		{ "riscv:rv64", "riscv32", false },
		{ "riscv:rv64", "aarch64", false },
		{ "riscv:rv32", "riscv32", true },
		{ "riscv:rv32", "riscv64", false },
		{ "riscv", "riscv64", false },
		{ "aarch64", "aarch64", true },
		{ "aarch64", "riscv64", false },
		{ "aarch64", "arm", false },
		{ "arm", "arm", true },
		{ "armv7", "arm", true },
		{ "armv8-a", "arm", true },
		{ "arm", "aarch64", false },
		{ "i386:x86-64", "x86_64", true },
		{ "i386", "x86_64", false },
		{ "i386:x86-64", "riscv64", false },
		{ "", "riscv64", true },
		{ "", "aarch64", true },
		{ "riscv:rv64", "mips", false },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(gdb_arch_fits(t[i].arch, t[i].machine) == t[i].fits,
		   "arch '%s' %s machine %s", t[i].arch, t[i].fits ? "fits" :
		   "does not fit", t[i].machine);
}

int main(void)
{
	test_frame();
	test_escape();
	test_hex();
	test_requests();
	test_write_bin();
	test_max();
	test_reg();
	test_rx_basic();
	test_rx_limits();
	test_rx_rle();
	test_rx_escapes();
	test_rx_chunks();
	test_replies();
	test_supported();
	test_tdesc_riscv();
	test_tdesc_aarch64();
	test_tdesc_includes();
	test_tdesc_hostile();
	test_fallback();
	test_arch_fits();
	return tap_done();
}
