/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdblink.h - one connection to a GDB remote stub: socket, packets, acks,
 * timeouts, interrupt and stop replies
 *
 * gdbproto.c knows the bytes; this file talks. Every exchange is bounded
 * by the link's timeout, every reply is checked by the caller, and a lost
 * connection marks the link dead so that everything after it fails at
 * once (CL_E_IO, the packet named).
 */
#ifndef CL_GDBLINK_H
#define CL_GDBLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gdbproto.h"

struct cl_ctx;

struct gdb_link {
	struct cl_ctx *ctx;
	int fd;
	char addr[128];         /* as given: "unix:/path", "host:port" */
	unsigned timeout_ms;    /* of one exchange */
	bool no_ack;            /* QStartNoAckMode agreed */
	bool running;           /* continued, no stop reply since */
	bool self_stop;         /* it stopped on its own (a power-off under
				 * -no-shutdown, a breakpoint), not by our
				 * interrupt: not ours to continue */
	bool watch_stop;        /* the last stop was a watchpoint's */
	bool was_running;       /* the stub stopped the target as we came */
	bool dead;              /* the connection is gone */
	struct gdb_features feat;
	size_t pktsize;         /* the most packet data sent at once */
	struct gdb_rx rx;
	uint8_t *rxbuf;         /* reply data, rxcap bytes */
	size_t rxcap;
	uint8_t *txbuf;         /* a framed packet, pktsize + 4 bytes */
	uint8_t in[16384];      /* bytes read, not yet fed to rx */
	size_t inpos, inlen;
	const char *reply;      /* the last packet received (in rxbuf) */
	size_t rlen;
};

/* Connect to addr ("unix:PATH" or "HOST:PORT") and agree on the basics:
 * qSupported (PacketSize, capped at maxpkt when non-zero), no-ack mode
 * when offered. Return: 0, CL_E_NODEV (nothing listening), CL_E_USAGE (a
 * bad address), CL_E_IO, CL_E_NOMEM. */
int gdb_link_open(struct gdb_link *l, struct cl_ctx *ctx, const char *addr,
		  unsigned timeout_ms, size_t maxpkt);
/* Close the socket (no detach: the caller sends D first if it wants the
 * target to run). Safe on a link that never opened. */
void gdb_link_close(struct gdb_link *l);

/* Send data[0..n) as one packet and wait for its reply packet; what names
 * the request in messages ("m 0x80000000,2048"). A '-' resends (three
 * tries); console output ('O' packets) is skipped. Return: 0 with
 * l->reply and l->rlen set; CL_E_IO naming what (no reply in time, a
 * malformed or oversized reply, the connection lost). */
int gdb_link_req(struct gdb_link *l, const void *data, size_t n,
		 const char *what);
/* Pipelining: send a packet without waiting, and later take the next
 * reply (in the order the requests went). A '-' then cannot be answered
 * by resending: it is an error. */
int gdb_link_send(struct gdb_link *l, const void *data, size_t n,
		  const char *what);
int gdb_link_recv(struct gdb_link *l, const char *what);
/* Send a packet that has no reply until the target stops (c, vCont;c):
 * waits only for its ack. Sets l->running. */
int gdb_link_resume(struct gdb_link *l, const char *data, const char *what);
/* Stop a running target: 0x03, then its stop reply (S or T); a stop
 * reply already waiting means it stopped by itself (l->self_stop set, no
 * interrupt sent). A target that exited (W, X) is CL_E_IO. Nothing to do
 * when not running. */
int gdb_link_interrupt(struct gdb_link *l);
/* The same, waiting up to grace_ms for the target to stop by itself
 * before interrupting it. */
int gdb_link_stop(struct gdb_link *l, unsigned grace_ms);

#endif /* CL_GDBLINK_H */
