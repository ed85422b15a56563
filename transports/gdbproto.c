/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbproto.c - the GDB remote serial protocol as bytes: framing, escapes,
 * run-length encoding, checksums, requests and replies (pure: no I/O, no
 * allocation, no global state; target descriptions are in gdbtdesc.c) */
#include <string.h>
#include "gdbproto.h"

static const char hexdig[] = "0123456789abcdef";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool needs_escape(uint8_t c)
{
	return c == '#' || c == '$' || c == '}' || c == '*';
}

/* Digits of v in hex without leading zeros (1 for 0). */
static size_t hexlen(uint64_t v)
{
	size_t n = 1;

	while (v >>= 4)
		n++;
	return n;
}

/* Write v in hex at out (hexlen(v) bytes). Return: the bytes written. */
static size_t hexnum(char *out, uint64_t v)
{
	size_t n = hexlen(v), i;

	for (i = n; i > 0; i--, v >>= 4)
		out[i - 1] = hexdig[v & 15];
	return n;
}

/* ---- sending ---------------------------------------------------------- */

size_t gdb_frame(const void *data, size_t n, uint8_t *out, size_t cap)
{
	const uint8_t *d = data;
	uint8_t sum = 0;
	size_t i;

	if (n > cap || cap - n < 4)
		return 0;
	out[0] = '$';
	for (i = 0; i < n; i++) {
		out[1 + i] = d[i];
		sum += d[i];
	}
	out[1 + n] = '#';
	out[2 + n] = hexdig[sum >> 4];
	out[3 + n] = hexdig[sum & 15];
	return n + 4;
}

size_t gdb_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		  size_t *consumed)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (needs_escape(in[i])) {
			if (cap - o < 2)
				break;
			out[o++] = '}';
			out[o++] = in[i] ^ 0x20;
		} else {
			if (cap - o < 1)
				break;
			out[o++] = in[i];
		}
	}
	*consumed = i;
	return o;
}

void gdb_hex_put(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 15];
	}
}

int gdb_hex_get(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t i;

	if (n > SIZE_MAX / 2 || slen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		int lo = hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "<letter>addr,len" and a ':' when colon; the header's length. */
static size_t addr_len_hdr(char *out, char letter, uint64_t addr,
			   uint64_t len, bool colon)
{
	size_t o = 0;

	out[o++] = letter;
	o += hexnum(out + o, addr);
	out[o++] = ',';
	o += hexnum(out + o, len);
	if (colon)
		out[o++] = ':';
	return o;
}

static size_t hdr_size(uint64_t addr, uint64_t len, bool colon)
{
	return 2 + hexlen(addr) + hexlen(len) + colon;
}

size_t gdb_req_read(char *out, size_t cap, uint64_t addr, size_t len)
{
	size_t n = hdr_size(addr, len, false);

	if (cap < n + 1)
		return 0;
	addr_len_hdr(out, 'm', addr, len, false);
	out[n] = 0;
	return n;
}

size_t gdb_req_write_hex(char *out, size_t cap, uint64_t addr,
			 const uint8_t *data, size_t len)
{
	size_t h = hdr_size(addr, len, true), n;

	if (len > (SIZE_MAX - h - 1) / 2)
		return 0;
	n = h + 2 * len;
	if (cap < n + 1)
		return 0;
	addr_len_hdr(out, 'M', addr, len, true);
	gdb_hex_put(out + h, data, len);
	out[n] = 0;
	return n;
}

size_t gdb_req_write_bin(uint8_t *out, size_t cap, uint64_t addr,
			 const uint8_t *data, size_t len, size_t *taken)
{
	size_t best = 0, d, dmax = hexlen(len), h, k, o;

	*taken = 0;
	if (len == 0) {
		/* the probe "Xaddr,0:" that asks whether X is supported */
		h = hdr_size(addr, 0, true);
		if (cap < h)
			return 0;
		return addr_len_hdr((char *)out, 'X', addr, 0, true);
	}
	/* The header's length field grows with the prefix, so try every
	 * digit count: the longest prefix with at most d digits whose data
	 * fits beside a d-digit header; the best of these is the answer. */
	for (d = 1; d <= dmax; d++) {
		h = hdr_size(addr, 0, true) - 1 + d;
		if (cap <= h)
			break;
		gdb_escape(data, len, out + h, cap - h, &k);
		if (d < 16 && k > ((uint64_t)1 << (4 * d)) - 1)
			k = ((uint64_t)1 << (4 * d)) - 1;
		if (k > best)
			best = k;
	}
	if (!best)
		return 0;
	h = addr_len_hdr((char *)out, 'X', addr, best, true);
	o = gdb_escape(data, best, out + h, cap - h, &k);
	if (k != best)		/* cannot happen: best was measured to fit */
		return 0;
	*taken = best;
	return h + o;
}

size_t gdb_req_reg(char *out, size_t cap, unsigned regnum, unsigned bits,
		   uint64_t value, bool big)
{
	size_t nb = bits / 8, o = 0, i;

	if (bits < 8 || bits > 128 || bits % 8)
		return 0;
	if (cap < 2 + hexlen(regnum) + 2 * nb + 1)
		return 0;
	out[o++] = 'P';
	o += hexnum(out + o, regnum);
	out[o++] = '=';
	for (i = 0; i < nb; i++) {
		/* byte i of the value in memory order */
		size_t sig = big ? nb - 1 - i : i;
		uint8_t b = sig < 8 ? (uint8_t)(value >> (8 * sig)) : 0;

		out[o++] = hexdig[b >> 4];
		out[o++] = hexdig[b & 15];
	}
	out[o] = 0;
	return o;
}

size_t gdb_read_max(size_t pktsize)
{
	if (pktsize < 64)
		return 0;
	return (pktsize - 4) / 2;	/* "$" hex "#cc" */
}

size_t gdb_write_hex_max(size_t pktsize, uint64_t addr)
{
	size_t best = 0, d;

	if (pktsize < 64)
		return 0;
	/* "$Maddr,len:" hex "#cc": for each digit count of the length
	 * field, the longest len with at most that many digits that fits
	 * beside it; the best of these */
	for (d = 1; d <= hexlen(pktsize); d++) {
		size_t h = 4 + 2 + hexlen(addr) + d + 1, len;

		if (h >= pktsize)
			break;
		len = (pktsize - h) / 2;
		if (d < 16 && len > ((uint64_t)1 << (4 * d)) - 1)
			len = ((uint64_t)1 << (4 * d)) - 1;
		if (len > best)
			best = len;
	}
	return best;
}

/* ---- receiving -------------------------------------------------------- */

enum { RX_IDLE, RX_DATA, RX_COUNT, RX_CSUM1, RX_CSUM2 };

void gdb_rx_init(struct gdb_rx *rx, uint8_t *buf, size_t cap)
{
	memset(rx, 0, sizeof(*rx));
	rx->buf = buf;
	rx->cap = cap;
	rx->state = RX_IDLE;
}

static void rx_fail(struct gdb_rx *rx, enum gdb_rx_event kind)
{
	if (!rx->bad) {
		rx->bad = true;
		rx->badkind = kind;
	}
}

static void rx_start(struct gdb_rx *rx, bool notify)
{
	rx->state = RX_DATA;
	rx->len = 0;
	rx->sum = 0;
	rx->bad = false;
	rx->badkind = 0;
	rx->esc = false;
	rx->notify = notify;
	if (!rx->cap)		/* not even room for the NUL */
		rx_fail(rx, GDB_RX_TOOBIG);
}

/* Append c count times, within cap - 1 (room for the NUL). */
static void rx_put(struct gdb_rx *rx, uint8_t c, size_t count)
{
	size_t room = rx->cap ? rx->cap - 1 - rx->len : 0;

	if (rx->bad || rx->notify)
		return;
	if (count > room) {
		rx_fail(rx, GDB_RX_TOOBIG);
		return;
	}
	memset(rx->buf + rx->len, c, count);
	rx->len += count;
}

/* One data byte (between '$' and '#', not '$' or '#'). */
static void rx_data(struct gdb_rx *rx, uint8_t c)
{
	if (rx->state == RX_COUNT) {
		rx->state = RX_DATA;
		if (c < 32 || c > 126)
			rx_fail(rx, GDB_RX_BADRLE);
		else if (!rx->bad && !rx->notify)
			rx_put(rx, rx->buf[rx->len - 1], c - 29);
	} else if (rx->esc) {
		rx->esc = false;
		rx_put(rx, c ^ 0x20, 1);
	} else if (c == '}') {
		rx->esc = true;
	} else if (c == '*') {
		if (!rx->len && !rx->bad && !rx->notify)
			rx_fail(rx, GDB_RX_BADRLE);
		rx->state = RX_COUNT;
	} else {
		rx_put(rx, c, 1);
	}
}

/* The second checksum digit is in: the packet's outcome. */
static enum gdb_rx_event rx_end(struct gdb_rx *rx)
{
	int hi = hexval(rx->csum[0]), lo = hexval(rx->csum[1]);

	rx->state = RX_IDLE;
	if (rx->notify)
		return GDB_RX_MORE;
	if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != rx->sum) {
		rx->len = 0;
		return GDB_RX_BADSUM;
	}
	if (rx->bad) {
		rx->len = 0;
		return rx->badkind;
	}
	rx->buf[rx->len] = 0;
	return GDB_RX_PACKET;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, const uint8_t *in, size_t n,
			      size_t *used)
{
	enum gdb_rx_event ev = GDB_RX_MORE;
	size_t i;

	for (i = 0; i < n && ev == GDB_RX_MORE; i++) {
		uint8_t c = in[i];

		if (c == '$') {		/* always a new packet: it wins */
			rx_start(rx, false);
			continue;
		}
		switch (rx->state) {
		case RX_IDLE:
			if (c == '+')
				ev = GDB_RX_ACK;
			else if (c == '-')
				ev = GDB_RX_NAK;
			else if (c == '%')
				rx_start(rx, true);
			break;
		case RX_DATA:
		case RX_COUNT:
			if (c == '#') {
				if (rx->state == RX_COUNT || rx->esc)
					rx_fail(rx, GDB_RX_BADRLE);
				rx->state = RX_CSUM1;
				break;
			}
			rx->sum += c;
			rx_data(rx, c);
			break;
		case RX_CSUM1:
			rx->csum[0] = c;
			rx->state = RX_CSUM2;
			break;
		case RX_CSUM2:
			rx->csum[1] = c;
			ev = rx_end(rx);
			break;
		}
	}
	*used = i;
	return ev;
}

/* ---- replies ---------------------------------------------------------- */

bool gdb_reply_error(const char *p, size_t n, unsigned *code)
{
	int hi, lo;

	if (n >= 2 && p[0] == 'E' && p[1] == '.') {
		*code = 0;
		return true;
	}
	if (n != 3 || p[0] != 'E')
		return false;
	hi = hexval((unsigned char)p[1]);
	lo = hexval((unsigned char)p[2]);
	if (hi < 0 || lo < 0)
		return false;
	*code = (unsigned)(hi << 4 | lo);
	return true;
}

int gdb_reply_stop(const char *p, size_t n, unsigned *signal)
{
	int hi, lo;

	if (n < 3 || !p[0] || !strchr("STWX", p[0]))
		return 0;
	hi = hexval((unsigned char)p[1]);
	lo = hexval((unsigned char)p[2]);
	if (hi < 0 || lo < 0)
		return 0;
	/* S is exactly "Snn"; W and X may add ";process:pid"; T adds
	 * "n:r;" pairs */
	if (n > 3 && (p[0] == 'S' || (p[0] != 'T' && p[3] != ';')))
		return 0;
	if (signal)
		*signal = (unsigned)(hi << 4 | lo);
	return p[0];
}

static bool is_name(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(p, name, n);
}

int gdb_supported_parse(const char *p, size_t n, struct gdb_features *f)
{
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	while (i < n) {
		const char *item = p + i, *semi = memchr(item, ';', n - i);
		size_t len = semi ? (size_t)(semi - item) : n - i, nl;
		const char *eq = memchr(item, '=', len);
		char last = len ? item[len - 1] : 'x';

		i += len + 1;
		nl = eq ? (size_t)(eq - item) : len;
		if (!eq && last && strchr("+-?", last))
			nl--;
		if (!len || !nl)
			return -1;
		if (eq) {
			const char *v = eq + 1;
			size_t vl = len - nl - 1, k, val = 0;

			if (!is_name(item, nl, "PacketSize"))
				continue;
			if (!vl)
				return -1;
			for (k = 0; k < vl; k++) {
				int h = hexval((unsigned char)v[k]);

				if (h < 0 || val > (1u << 20))
					return -1;
				val = val << 4 | (size_t)h;
			}
			if (val < 64 || val > (1u << 20))
				return -1;
			f->packet_size = val;
		} else if (nl < len) {
			bool on = last == '+';

			if (is_name(item, nl, "QStartNoAckMode"))
				f->no_ack = on;
			else if (is_name(item, nl, "qXfer:features:read"))
				f->xfer_features = on;
			else if (is_name(item, nl, "vContSupported"))
				f->vcont = on;
		}
		/* anything else: unknown, ignored (as GDB does) */
	}
	return 0;
}

int gdb_xfer_reply(const char *p, size_t n, const char **data, size_t *dlen)
{
	if (!n || (p[0] != 'm' && p[0] != 'l'))
		return 0;
	*data = p + 1;
	*dlen = n - 1;
	return p[0];
}
