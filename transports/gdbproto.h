/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbproto.h - the GDB remote serial protocol as bytes: framing, escapes,
 * run-length encoding, checksums, hex, replies, qSupported and target
 * descriptions
 *
 * Pure functions and a receive state machine: no I/O, no allocation
 * beyond what a caller hands in (the target-description parser calls back
 * for included documents). Implemented in gdbproto.c and, for target
 * descriptions, gdbtdesc.c; transports/gdb.c does the talking; the unit
 * tests feed these hostile bytes directly.
 *
 * Protocol facts (GDB manual, "Remote Protocol"):
 *   packet    $<data>#<two lowercase hex digits: sum of data bytes mod 256>
 *   ack       '+' (good) or '-' (resend), until QStartNoAckMode is agreed
 *   escape    0x7d ('}') then the byte XOR 0x20, for '#', '$', '}', '*'
 *             in binary data (X packets, qXfer replies)
 *   RLE       in replies only: c '*' n repeats c (n - 29) more times; n is
 *             a printable byte other than '#' and '$' (so 3..97 repeats)
 *   interrupt a bare 0x03 byte, outside any packet
 *   notify    %<data>#cc (non-stop mode): skipped here
 */
#ifndef CL_GDBPROTO_H
#define CL_GDBPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_INTERRUPT 0x03

/* ---- sending ---------------------------------------------------------- */

/* Frame data[0..n) as "$data#cc" into out[0..cap). The data goes as it is
 * (escape binary data first with gdb_escape). Return: the frame's length,
 * or 0 when it does not fit. */
size_t gdb_frame(const void *data, size_t n, uint8_t *out, size_t cap);

/* Escape binary bytes for an X packet: as many whole input bytes as fit
 * in out[0..cap) (an escaped byte takes two). *consumed: input bytes
 * taken. Return: output bytes written. */
size_t gdb_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		  size_t *consumed);

/* Lowercase hex of in[0..n) into out (2n bytes, no NUL). */
void gdb_hex_put(char *out, const uint8_t *in, size_t n);
/* Exactly 2n hex digits (either case) at s into out[0..n).
 * Return: 0, or -1 on a non-hex digit. */
int gdb_hex_get(const char *s, size_t slen, uint8_t *out, size_t n);

/* Request builders into out[0..cap), NUL-terminated, not framed.
 * Return: the length, or 0 when it does not fit. */
size_t gdb_req_read(char *out, size_t cap, uint64_t addr, size_t len);
/* "Maddr,len:hex": len bytes of data. */
size_t gdb_req_write_hex(char *out, size_t cap, uint64_t addr,
			 const uint8_t *data, size_t len);
/* "Xaddr,len:escaped" of the longest prefix of data[0..len) whose packet
 * fits in cap bytes of packet data (the length field names that prefix).
 * *taken: data bytes in the packet (0 when not even one fits; then 0 is
 * returned). len 0 builds the probe "Xaddr,0:" (*taken 0) that asks
 * whether the stub supports X. Not NUL-terminated: binary. */
size_t gdb_req_write_bin(uint8_t *out, size_t cap, uint64_t addr,
			 const uint8_t *data, size_t len, size_t *taken);
/* "Pn=value": register regnum of bits bits (8..128, a multiple of 8) set
 * to value in the target's byte order (little-endian unless big). */
size_t gdb_req_reg(char *out, size_t cap, unsigned regnum, unsigned bits,
		   uint64_t value, bool big);
/* The largest len whose read reply ("hex" of 2*len digits, framed) fits a
 * packet of pktsize bytes; whose M request fits. At least 1 when pktsize
 * is sane (>= 64), else 0. */
size_t gdb_read_max(size_t pktsize);
size_t gdb_write_hex_max(size_t pktsize, uint64_t addr);

/* ---- receiving -------------------------------------------------------- */

enum gdb_rx_event {
	GDB_RX_MORE = 0,  /* input used up, nothing complete yet */
	GDB_RX_PACKET,    /* rx->buf[0..rx->len) is a whole packet's data,
			   * RLE expanded, escapes removed, NUL-terminated */
	GDB_RX_ACK,       /* '+' */
	GDB_RX_NAK,       /* '-' */
	GDB_RX_BADSUM,    /* a packet whose checksum does not match (its
			   * data is discarded; ask again with '-') */
	GDB_RX_TOOBIG,    /* a packet longer than rx->cap - 1 after
			   * expansion (discarded up to its '#cc') */
	GDB_RX_BADRLE,    /* '*' with nothing before it or a bad count,
			   * or a '}' escape right before '#' */
};

struct gdb_rx {
	uint8_t *buf;     /* the caller's buffer, cap bytes */
	size_t cap;
	size_t len;       /* data bytes of the packet in progress / done */
	/* private: the state machine */
	int state;
	uint8_t sum;
	uint8_t csum[2];
	bool bad;         /* TOOBIG or BADRLE seen in this packet */
	int badkind;
	bool esc;
	bool notify;      /* a %notification: consumed, never reported */
};

/* Start (or restart) receiving into buf[0..cap). */
void gdb_rx_init(struct gdb_rx *rx, uint8_t *buf, size_t cap);
/* Feed in[0..n). Bytes outside packets other than '+' and '-' are
 * skipped. Stops at the first event. *used: input bytes taken (feed the
 * rest again). Return: the event (GDB_RX_MORE when all n were taken with
 * no event). After GDB_RX_PACKET the data stays in rx->buf until the next
 * feed. */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, const uint8_t *in, size_t n,
			      size_t *used);

/* ---- replies ---------------------------------------------------------- */

/* "Enn" (two hex digits) or "E.text": true, *code = nn (0 for E.text). */
bool gdb_reply_error(const char *p, size_t n, unsigned *code);
/* A stop reply: 'S', 'T' (stopped, *signal set), 'W' (exited, *signal =
 * the exit status), 'X' (killed, *signal set). signal may be NULL.
 * Return: the letter, or 0 when p is not a stop reply. */
int gdb_reply_stop(const char *p, size_t n, unsigned *signal);

struct gdb_features {
	size_t packet_size;   /* PacketSize=hex, 0 when not given */
	bool no_ack;          /* QStartNoAckMode+ */
	bool xfer_features;   /* qXfer:features:read+ */
	bool vcont;           /* vContSupported+ */
};
/* Parse a qSupported reply ("name=value;name+;name-;..."). Unknown
 * features are ignored. Return: 0, or -1 when malformed (PacketSize not
 * hex or out of [64, 1 MiB], an empty name). */
int gdb_supported_parse(const char *p, size_t n, struct gdb_features *f);

/* A qXfer reply: 'm' (more follows) or 'l' (last), then the data.
 * Return: 'm' or 'l' with *data, *dlen set; 0 when it is neither. */
int gdb_xfer_reply(const char *p, size_t n, const char **data, size_t *dlen);

/* ---- target descriptions ---------------------------------------------- */

/* Measured on QEMU 7.2: riscv64 virt sends 193 registers; aarch64 228
 * (cortex-a53), 283 (-cpu max); the longest name is 25 bytes
 * ("ID_AA64ISAR2_EL1_RESERVED"). */
#define GDB_TDESC_MAX_REGS 1024
#define GDB_TDESC_NAME 32
#define GDB_TDESC_MAX_DEPTH 4

struct gdb_reg {
	char name[GDB_TDESC_NAME];
	unsigned regnum, bits;
};

struct gdb_tdesc {
	char arch[32];        /* <architecture>, "" when none */
	bool big_endian;      /* never set by the parser; the caller's */
	unsigned nreg;
	unsigned next_regnum; /* the number the next <reg> without one gets */
	struct gdb_reg reg[GDB_TDESC_MAX_REGS];
};

/* Fetch an included document (xi:include href) into *text, *len; the
 * text stays valid until the parse returns. Return 0 or -1 (the parse
 * fails). */
typedef int (*gdb_include_fn)(void *arg, const char *href, const char **text,
			      size_t *len);

/* Parse one target description document xml[0..n) into td (start with a
 * zeroed td), in document order: <architecture>, <reg name= bitsize=
 * [regnum=]> (a reg without regnum gets td->next_regnum; every reg sets
 * next_regnum to its number + 1; a name of GDB_TDESC_NAME bytes or more
 * is numbered but not kept), and <xi:include href=...> expanded in
 * place through fetch, at most GDB_TDESC_MAX_DEPTH deep (the top
 * document is depth 0). Other elements are skipped. Return: 0, or -1 with a phrase in why[0..whylen) ("reg
 * without name", "bitsize 0 of 'pc'", "too many registers", "include
 * 'x.xml' nested too deep", "unterminated tag", ...). */
int gdb_tdesc_parse(struct gdb_tdesc *td, const char *xml, size_t n,
		    gdb_include_fn fetch, void *arg, int depth, char *why,
		    size_t whylen);

/* Register by name (exact): its entry, or NULL. */
const struct gdb_reg *gdb_tdesc_find(const struct gdb_tdesc *td,
				     const char *name);

/* For a stub that sends no description: the register numbers GDB itself
 * uses for machine ("riscv64", "riscv32", "aarch64", "arm"): fills td with
 * pc and the argument registers under their names (riscv: pc, a0..a7 and
 * x10..x17; aarch64: pc, x0..x7; arm: pc, r0..r3). Return 0, or -1 for a
 * machine it does not know. td->big_endian is kept. */
int gdb_tdesc_fallback(struct gdb_tdesc *td, const char *machine);

/* The description's architecture fits the board's machine name:
 * "riscv:rv64" for riscv64, "riscv:rv32" for riscv32, "aarch64" for
 * aarch64, "arm" (and "armv7", "armv8-a"...) for arm, "i386:x86-64" for
 * x86_64. An empty arch fits every machine. */
bool gdb_arch_fits(const char *arch, const char *machine);

#endif /* CL_GDBPROTO_H */
