/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdblink.c - one connection to a GDB remote stub: socket, packets, acks,
 * timeouts, interrupt and stop replies
 *
 * An exchange: the framed request goes out; in ack mode its '+' comes
 * back (a '-' sends it again, three tries at most), then the reply packet,
 * which we ack. Bytes are read as they come, into a buffer gdb_rx walks;
 * poll() bounds every wait by what is left of the exchange's timeout. A
 * reply longer than the receive buffer (however it is encoded), a bad
 * run-length count, three bad checksums, silence or a closed socket end
 * the exchange with CL_E_IO naming the request, and a closed socket marks
 * the link dead.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "gdblink.h"
#include "util.h"

#define TRIES 3
#define PKT_DEFAULT 4096u   /* a stub that names no PacketSize */
#define PKT_MAX (1u << 20)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int lost(struct gdb_link *l, const char *what, const char *how)
{
	l->dead = true;
	return cl_seterr(l->ctx, CL_E_IO, "gdb %s: connection lost (%s) "
			 "during '%s'", l->addr, how, what);
}

static int send_all(struct gdb_link *l, const void *buf, size_t n,
		    const char *what)
{
	const uint8_t *p = buf;

	if (l->dead)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the connection is "
				 "gone; '%s' not sent", l->addr, what);
	while (n) {
		ssize_t k = send(l->fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return lost(l, what, k < 0 ? strerror(errno) :
				    "sent nothing");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* More bytes into l->in, waiting until deadline. */
static int fill(struct gdb_link *l, uint64_t deadline, const char *what)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	uint64_t t = now_ms();
	ssize_t k;
	int r;

	if (l->dead)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the connection is "
				 "gone; no reply to '%s'", l->addr, what);
	if (cl_interrupted(l->ctx))
		return CL_E_INTR;
	if (t >= deadline)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: no reply to '%s' "
				 "within %u ms", l->addr, what, l->timeout_ms);
	r = poll(&pfd, 1, (int)(deadline - t));
	if (r < 0 && errno == EINTR)
		return 0;
	if (r < 0)
		return lost(l, what, strerror(errno));
	if (!r)
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: no reply to '%s' "
				 "within %u ms", l->addr, what, l->timeout_ms);
	k = recv(l->fd, l->in, sizeof(l->in), 0);
	if (k < 0 && errno == EINTR)
		return 0;
	if (k <= 0)
		return lost(l, what, k < 0 ? strerror(errno) :
			    "the stub closed it");
	l->inpos = 0;
	l->inlen = (size_t)k;
	return 0;
}

/* The next event from the stub, within deadline. *raw counts the bytes
 * fed for this exchange: a reply may not take more than the receive
 * buffer could hold however it is escaped. */
static int next_event(struct gdb_link *l, uint64_t deadline, size_t *raw,
		      const char *what, enum gdb_rx_event *ev)
{
	for (;;) {
		size_t used;
		int rc;

		if (l->inpos == l->inlen) {
			rc = fill(l, deadline, what);
			if (rc)
				return rc;
			continue;
		}
		*ev = gdb_rx_feed(&l->rx, l->in + l->inpos,
				  l->inlen - l->inpos, &used);
		l->inpos += used;
		*raw += used;
		if (*ev != GDB_RX_MORE)
			return 0;
		if (*raw > 2 * l->rxcap + 64)
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the reply "
					 "to '%s' is longer than %zu bytes",
					 l->addr, what, l->rxcap - 1);
	}
}

/* Wait for a packet (acking it). acked: our request's '+' came, or a
 * packet stands for it. resend: the framed request, for a '-'. */
static int wait_packet(struct gdb_link *l, const char *what, size_t flen,
		       unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned naks = 0, badsums = 0;
	size_t raw = 0;

	for (;;) {
		enum gdb_rx_event ev;
		int rc = next_event(l, deadline, &raw, what, &ev);

		if (rc)
			return rc;
		switch (ev) {
		case GDB_RX_ACK:
		case GDB_RX_MORE:
			break;
		case GDB_RX_NAK:
			if (!flen || ++naks >= TRIES)
				return cl_seterr(l->ctx, CL_E_IO, "gdb %s: "
						 "the stub refused '%s' %u "
						 "times (bad checksum on its "
						 "side)", l->addr, what, naks);
			rc = send_all(l, l->txbuf, flen, what);
			if (rc)
				return rc;
			break;
		case GDB_RX_BADSUM:
			if (++badsums >= TRIES)
				return cl_seterr(l->ctx, CL_E_IO, "gdb %s: %u "
						 "replies to '%s' with a bad "
						 "checksum", l->addr, badsums,
						 what);
			if (!l->no_ack) {
				rc = send_all(l, "-", 1, what);
				if (rc)
					return rc;
			}
			break;
		case GDB_RX_TOOBIG:
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the reply "
					 "to '%s' is longer than %zu bytes",
					 l->addr, what, l->rxcap - 1);
		case GDB_RX_BADRLE:
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: a malformed "
					 "run-length count in the reply to "
					 "'%s'", l->addr, what);
		case GDB_RX_PACKET:
			if (!l->no_ack) {
				rc = send_all(l, "+", 1, what);
				if (rc)
					return rc;
			}
			l->reply = (const char *)l->rxbuf;
			l->rlen = l->rx.len;
			/* console output while the target runs */
			if (l->rlen > 1 && l->reply[0] == 'O' &&
			    strcmp(l->reply, "OK"))
				break;
			return 0;
		}
	}
}

static int send_packet(struct gdb_link *l, const void *data, size_t n,
		       const char *what, size_t *flen)
{
	*flen = gdb_frame(data, n, l->txbuf, l->pktsize + 4);
	if (!*flen)
		return cl_seterr(l->ctx, CL_E_INTERNAL, "gdb %s: '%s' (%zu "
				 "bytes) does not fit a packet of %zu", l->addr,
				 what, n, l->pktsize);
	return send_all(l, l->txbuf, *flen, what);
}

int gdb_link_req(struct gdb_link *l, const void *data, size_t n,
		 const char *what)
{
	size_t flen;
	int rc = send_packet(l, data, n, what, &flen);

	return rc ? rc : wait_packet(l, what, flen, l->timeout_ms);
}

int gdb_link_send(struct gdb_link *l, const void *data, size_t n,
		  const char *what)
{
	size_t flen;

	return send_packet(l, data, n, what, &flen);
}

int gdb_link_recv(struct gdb_link *l, const char *what)
{
	return wait_packet(l, what, 0, l->timeout_ms);
}

/* Only the ack of a packet with no reply: in no-ack mode nothing. */
static int wait_ack(struct gdb_link *l, const char *what, size_t flen)
{
	uint64_t deadline = now_ms() + l->timeout_ms;
	unsigned naks = 0;
	size_t raw = 0;

	while (!l->no_ack) {
		enum gdb_rx_event ev;
		int rc = next_event(l, deadline, &raw, what, &ev);

		if (rc)
			return rc;
		if (ev == GDB_RX_ACK)
			return 0;
		if (ev != GDB_RX_NAK)
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: unexpected "
					 "reply '%.20s' to '%s'", l->addr,
					 ev == GDB_RX_PACKET ?
					 (const char *)l->rxbuf : "?", what);
		if (++naks >= TRIES)
			return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the stub "
					 "refused '%s' %u times", l->addr,
					 what, naks);
		rc = send_all(l, l->txbuf, flen, what);
		if (rc)
			return rc;
	}
	return 0;
}

int gdb_link_resume(struct gdb_link *l, const char *data, const char *what)
{
	size_t flen;
	int rc = send_packet(l, data, strlen(data), what, &flen);

	if (!rc)
		rc = wait_ack(l, what, flen);
	if (!rc)
		l->running = true;
	return rc;
}

/* A packet the stub sent while the target ran (it stopped by itself)? */
static bool pending(struct gdb_link *l, unsigned ms)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };

	return l->inpos < l->inlen || poll(&pfd, 1, (int)ms) > 0;
}

int gdb_link_interrupt(struct gdb_link *l)
{
	return gdb_link_stop(l, 0);
}

int gdb_link_stop(struct gdb_link *l, unsigned grace_ms)
{
	static const uint8_t intr = GDB_INTERRUPT;
	unsigned sig;
	int rc, stop;

	if (!l->running)
		return 0;
	l->self_stop = pending(l, grace_ms);
	rc = l->self_stop ? 0 : send_all(l, &intr, 1, "interrupt");
	if (!rc)
		rc = wait_packet(l, "interrupt", 0, l->timeout_ms);
	if (rc)
		return rc;
	stop = gdb_reply_stop(l->reply, l->rlen, &sig);
	if (stop == 'W' || stop == 'X') {
		l->dead = true;
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: the target has "
				 "exited ('%.20s')", l->addr, l->reply);
	}
	if (stop != 'S' && stop != 'T')
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: '%.20s' where the "
				 "stop reply to an interrupt belongs", l->addr,
				 l->reply);
	/* our own watchpoint (gdb.c's on the status word) is ours to
	 * continue from, like an interrupt */
	l->watch_stop = strstr(l->reply, "watch:") != NULL;
	if (l->watch_stop)
		l->self_stop = false;
	l->running = false;
	return 0;
}

static int connect_unix(struct gdb_link *l, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!*path || strlen(path) >= sizeof(sa.sun_path))
		return cl_seterr(l->ctx, CL_E_USAGE, "-O gdb.addr=unix:%s: "
				 "not a usable socket path", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return cl_seterr(l->ctx, CL_E_NODEV, "gdb %s: cannot connect: "
				 "%s (is the simulator or probe running?)",
				 l->addr, strerror(errno));
	return 0;
}

static int connect_tcp(struct gdb_link *l, const char *hostport)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char host[96];
	const char *colon = strrchr(hostport, ':');
	int one = 1, err = 0, r;

	if (!colon || colon == hostport || !colon[1] ||
	    (size_t)(colon - hostport) >= sizeof(host))
		return cl_seterr(l->ctx, CL_E_USAGE, "-O gdb.addr=%s: want "
				 "HOST:PORT or unix:PATH", hostport);
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	r = getaddrinfo(host, colon + 1, &hints, &res);
	if (r)
		return cl_seterr(l->ctx, CL_E_NODEV, "gdb %s: %s", l->addr,
				 gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		l->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (l->fd >= 0 && !connect(l->fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = errno;
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
	}
	freeaddrinfo(res);
	if (l->fd < 0)
		return cl_seterr(l->ctx, CL_E_NODEV, "gdb %s: cannot connect: "
				 "%s (is the simulator or probe running?)",
				 l->addr, strerror(err));
	setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static int buffers(struct gdb_link *l, size_t pkt)
{
	free(l->txbuf);
	free(l->rxbuf);
	l->pktsize = pkt;
	/* replies may run past the request size (target descriptions) */
	l->rxcap = (pkt > 16384 ? pkt : 16384) + 1;
	l->txbuf = malloc(pkt + 4);
	l->rxbuf = malloc(l->rxcap);
	if (!l->txbuf || !l->rxbuf)
		return cl_seterr(l->ctx, CL_E_NOMEM, "out of memory");
	gdb_rx_init(&l->rx, l->rxbuf, l->rxcap);
	return 0;
}

static int handshake(struct gdb_link *l, size_t maxpkt)
{
	static const char sup[] = "qSupported:swbreak+;hwbreak+";
	size_t pkt;
	int rc = send_all(l, "+", 1, "hello");

	if (!rc)
		rc = gdb_link_req(l, sup, strlen(sup), "qSupported");
	/* QEMU halts a running machine when a debugger connects and says so
	 * at once: a stop reply before the answer */
	while (!rc && strchr("ST", l->reply[0]) && l->reply[0]) {
		l->was_running = true;
		rc = gdb_link_recv(l, "qSupported");
	}
	if (rc)
		return rc;
	if (gdb_supported_parse(l->reply, l->rlen, &l->feat))
		return cl_seterr(l->ctx, CL_E_IO, "gdb %s: a malformed "
				 "qSupported reply '%.60s'", l->addr,
				 l->reply);
	pkt = l->feat.packet_size ? l->feat.packet_size : PKT_DEFAULT;
	if (maxpkt && maxpkt < pkt)
		pkt = maxpkt;
	rc = buffers(l, pkt);
	if (rc || !l->feat.no_ack)
		return rc;
	rc = gdb_link_req(l, "QStartNoAckMode", 15, "QStartNoAckMode");
	if (!rc && !strcmp(l->reply, "OK"))
		l->no_ack = true;
	return rc;
}

int gdb_link_open(struct gdb_link *l, struct cl_ctx *ctx, const char *addr,
		  unsigned timeout_ms, size_t maxpkt)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->fd = -1;
	l->timeout_ms = timeout_ms;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	rc = buffers(l, 1024); /* enough for qSupported's reply */
	if (rc)
		return rc;
	if (!strncmp(addr, "unix:", 5))
		rc = connect_unix(l, addr + 5);
	else
		rc = connect_tcp(l, addr);
	if (!rc)
		rc = handshake(l, maxpkt > PKT_MAX ? PKT_MAX : maxpkt);
	return rc;
}

void gdb_link_close(struct gdb_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->txbuf);
	free(l->rxbuf);
	l->txbuf = NULL;
	l->rxbuf = NULL;
}
