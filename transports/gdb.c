/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdb.c - transport "gdb": a halted CPU behind a GDB remote stub (QEMU's
 * gdbstub, OpenOCD, simulators), with no ROM on the target
 *
 * -O gdb.addr=HOST:PORT or unix:PATH names the stub (gdblink.c talks to
 * it). The board's RAM windows are read and written at the card's own
 * addresses: m to read, X (binary) to write, or M (hex) once the stub has
 * answered X with an empty reply; each packet as large as the stub's
 * PacketSize allows. A stub's refusal (Enn) names the address.
 *
 * Hold: the target halted (connecting halts QEMU; a running one is
 * interrupted). Release (release = gdb): the argument registers and the
 * program counter set by name from the target description, then continue.
 * Registers the boot does not set get what a card ROM passes: a0 = hart
 * id 0, a1 = the board's platform DTB, a2 = a3 = 0.
 *
 * While the target runs (after release, when --wait or status reads the
 * mailbox), a read or write interrupts it, does its work and continues it:
 * the payload pauses for the length of one exchange. A target that
 * stopped by itself (its stop reply came unasked: a payload that powered
 * the machine off under QEMU's -no-shutdown, or hit a breakpoint) is read
 * as it is and never continued: its status word is still there to read.
 *
 * Closing: a target this session released is left running (interrupted if
 * needed, then D: detach); one it held, or whose load failed, is left
 * halted (the socket closed without D). A session that did neither (status,
 * console, read) leaves the target as it found it: running if the board's
 * mailbox has GO set (a release recorded there), else halted.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "gdb.h"
#include "transport.h"
#include "util.h"

static int attach(struct cl_tp *tp);

/* A write watchpoint on the mailbox's status word: the target stops when
 * the payload posts its status, before it can power the machine off (QEMU
 * riscv's test device ends QEMU at once), so --wait reads it. A stub
 * without watchpoints (empty reply, or Enn) leaves --wait to polling. */
static int watch_status(struct gdb *g, const struct cl_board *b, bool on)
{
	char req[64];
	uint64_t a = b->mailbox + CARDBOOT_MB_STATUS_OFF;
	int rc;

	snprintf(req, sizeof(req), "%c2,%" PRIx64 ",4", on ? 'Z' : 'z', a);
	rc = gdb_link_req(&g->l, req, strlen(req), req);
	if (!rc)
		g->watch = on && !strcmp(g->l.reply, "OK");
	if (!rc && on && !g->watch)
		cl_log(g->l.ctx, CL_LOG_INFO, "gdb %s: no write watchpoint "
		       "('%.20s'); --wait polls the status word", g->l.addr,
		       g->l.reply);
	return rc;
}

/* Stopped by the watchpoint: some stubs (QEMU) stop before the store is
 * done. Step over it with the watchpoint out, so the status word read
 * next is the one the payload posted, then put the watchpoint back. */
static int step_past_watch(struct gdb *g)
{
	const struct cl_board *b = g->board;
	unsigned sig;
	int rc = watch_status(g, b, false);

	if (!rc)
		rc = gdb_link_req(&g->l, "s", 1, "s");
	if (!rc && gdb_reply_stop(g->l.reply, g->l.rlen, &sig) != 'T' &&
	    gdb_reply_stop(g->l.reply, g->l.rlen, &sig) != 'S')
		rc = cl_seterr(g->l.ctx, CL_E_IO, "gdb %s: '%.20s' in reply "
			       "to a single step", g->l.addr, g->l.reply);
	if (!rc)
		rc = watch_status(g, b, true);
	return rc;
}

/* Halt a running target for an exchange; pause says to continue it
 * after (paired with unpause). With the status watchpoint set, give the
 * payload a moment to stop by itself first: --wait's polls then rarely
 * interrupt it. */
#define WATCH_GRACE_MS 50

static int pause_for(struct gdb *g, bool *paused)
{
	bool was = g->l.running;
	int rc = gdb_link_stop(&g->l, g->watch ? WATCH_GRACE_MS : 0);

	*paused = was && !g->l.self_stop;
	if (!rc && was && g->l.watch_stop)
		rc = step_past_watch(g);
	return rc;
}

static int unpause(struct gdb *g, bool paused, int rc)
{
	if (paused && !rc)
		rc = gdb_link_resume(&g->l, "c", "c");
	return rc;
}

/* A memory request on the halted target (halted for it if it runs):
 * a write from wbuf, or a read into rbuf. */
static int mem(struct cl_tp *tp, unsigned win, uint64_t off,
	       const void *wbuf, void *rbuf, size_t len)
{
	struct gdb *g = tp->priv;
	uint64_t addr = tp->board->win[win].addr + off;
	bool paused;
	int rc = attach(tp);

	if (!rc)
		rc = pause_for(g, &paused);
	if (rc)
		return rc;
	rc = wbuf ? gdb_mem_write(g, addr, wbuf, len) :
		    gdb_mem_read(g, addr, rbuf, len);
	return unpause(g, paused, rc);
}

static int gdb_write(struct cl_tp *tp, unsigned win, uint64_t off,
		     const void *buf, size_t len)
{
	return mem(tp, win, off, buf, NULL, len);
}

static int gdb_read(struct cl_tp *tp, unsigned win, uint64_t off, void *buf,
		    size_t len)
{
	return mem(tp, win, off, NULL, buf, len);
}

static int gdb_hold(struct cl_tp *tp)
{
	struct gdb *g = tp->priv;
	int rc = attach(tp);

	g->resume = false;
	return rc ? rc : gdb_link_interrupt(&g->l);
}

/* release = gdb: arguments, then pc, then continue. */
static int gdb_release(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		       uint32_t argmask)
{
	struct gdb *g = tp->priv;
	const struct cl_board *b = tp->board;
	uint64_t def[4] = { 0, b->platform_dtb, 0, 0 };
	unsigned i;
	int rc;

	if (b->release != CL_RELEASE_GDB)
		return 0;
	rc = attach(tp);
	if (rc)
		return rc;
	if (!g->r.has_pc)
		return cl_seterr(tp->ctx, CL_E_STATE, "gdb %s: the target has "
				 "no register named pc; not released",
				 g->l.addr);
	if (argmask & ~g->r.argmask & 0xf)
		return cl_seterr(tp->ctx, CL_E_USAGE, "gdb %s: the target has "
				 "no argument register for --arg %d; not "
				 "released", g->l.addr,
				 __builtin_ctz(argmask & ~g->r.argmask));
	rc = gdb_link_interrupt(&g->l);
	for (i = 0; i < 4 && !rc; i++)
		if (g->r.argmask & (1u << i))
			rc = gdb_regs_set(&g->l, &g->r, &g->r.arg[i],
					  argmask & (1u << i) ? args[i] :
					  def[i]);
	if (!rc)
		rc = gdb_regs_set(&g->l, &g->r, &g->r.pc, entry);
	if (!rc && b->has_mailbox && !g->watch)
		rc = watch_status(g, b, true);
	if (!rc)
		rc = gdb_link_resume(&g->l, "c", "c");
	if (!rc) {
		g->resume = true;
		cl_log(tp->ctx, CL_LOG_INFO, "gdb %s: pc = 0x%" PRIx64 ", "
		       "continued", g->l.addr, entry);
	}
	return rc;
}

/* Was the target released by an earlier session? The board's mailbox
 * records it (GO), when it has one. */
static int released_before(struct cl_tp *tp, bool *yes)
{
	uint8_t w[4];
	int rc;

	*yes = false;
	if (!tp->board->has_mailbox || tp->board->release != CL_RELEASE_GDB)
		return 0;
	rc = cl_tp_read(tp, tp->board->mailbox + CARDBOOT_MB_GO_OFF, w, 4);
	if (!rc)
		*yes = (tp->board->endian == ELFDATA2MSB ? be32_get(w) :
			le32_get(w)) == CARDBOOT_GO;
	return rc;
}

static int gdb_open(struct cl_tp *tp)
{
	const struct cl_board *b = tp->board;
	const char *addr = cl_tp_param(tp, "gdb.addr");
	uint64_t timeout, pkt, window;
	struct gdb *g;
	int rc;

	if (!addr)
		return cl_seterr(tp->ctx, CL_E_USAGE, "board '%s' needs -O "
				 "gdb.addr=HOST:PORT or unix:PATH (the GDB "
				 "stub to load through)", b->name);
	g = calloc(1, sizeof(*g));
	if (!g)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	g->l.fd = -1;
	g->board = b;
	tp->priv = g;
	rc = cl_tp_param_range(tp, "gdb.timeout", 1, 600000, &timeout);
	if (!rc)
		rc = cl_tp_param_range(tp, "gdb.packet", 64, 1 << 20, &pkt);
	if (!rc)
		rc = cl_tp_param_range(tp, "gdb.window", 1, GDB_WINDOW_MAX,
				       &window);
	g->window = (unsigned)window;
	g->timeout = (unsigned)timeout;
	g->maxpkt = (size_t)pkt;
	g->addr = addr;
	return rc;
}

/* Connect on first use: a boot plans its images before the card is
 * touched, so an image that cannot load sends the stub nothing. */
static int attach(struct cl_tp *tp)
{
	const struct cl_board *b = tp->board;
	struct gdb *g = tp->priv;
	const char *addr = g->addr;
	unsigned sig;
	int rc;

	if (g->attached)
		return g->attach_rc;
	g->attached = true;
	rc = gdb_link_open(&g->l, tp->ctx, addr, g->timeout, g->maxpkt);
	if (!rc) {
		g->req = malloc(g->l.pktsize + 1);
		if (!g->req)
			rc = cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	}
	if (!rc)
		rc = gdb_link_req(&g->l, "?", 1, "?");
	if (!rc && gdb_reply_stop(g->l.reply, g->l.rlen, &sig) != 'S' &&
	    gdb_reply_stop(g->l.reply, g->l.rlen, &sig) != 'T')
		rc = cl_seterr(tp->ctx, CL_E_STATE, "gdb %s: the target is "
			       "not halted and ready ('?' answered '%.20s')",
			       addr, g->l.reply);
	if (!rc)
		rc = gdb_regs_attach(&g->l, b->machine ?
				     cl_machine_name(b->machine, b->elfclass) :
				     NULL, &g->r);
	if (!rc) {
		g->r.td.big_endian = b->endian == ELFDATA2MSB;
		rc = released_before(tp, &g->resume);
		g->resume = g->resume || g->l.was_running;
	}
	if (!rc) {
		cl_log(tp->ctx, CL_LOG_INFO, "gdb %s: %s, packets of %zu "
		       "bytes%s", addr, g->r.td.arch[0] ? g->r.td.arch :
		       "no target description", g->l.pktsize,
		       g->l.no_ack ? ", no-ack mode" : "");
	}
	g->attach_rc = rc;
	return rc;
}

static void gdb_close(struct cl_tp *tp)
{
	struct gdb *g = tp->priv;

	if (!g)
		return;
	/* a target that stopped by itself stays so: QEMU cannot continue
	 * a machine that powered off under -no-shutdown */
	if (g->l.fd >= 0 && !g->l.dead && !g->l.self_stop &&
	    (g->resume || g->watch) && !gdb_link_interrupt(&g->l) &&
	    !g->l.self_stop) {
		if (g->watch)
			watch_status(g, tp->board, false);
		if (g->resume)
			gdb_link_req(&g->l, "D", 1, "D");
	}
	gdb_link_close(&g->l);
	free(g->req);
	free(g);
	tp->priv = NULL;
}

static int gdb_describe(struct cl_tp *tp, char *buf, size_t len)
{
	struct gdb *g = tp->priv;
	int rc = attach(tp);

	if (rc)
		return rc;
	snprintf(buf, len, "gdb %s, %s, packets of %zu bytes%s%s", g->l.addr,
		 g->r.td.arch[0] ? g->r.td.arch : "no target description",
		 g->l.pktsize, g->l.no_ack ? ", no-ack" : "",
		 g->l.running ? ", running" : ", halted");
	return 0;
}

const struct cl_tp_ops cl_tp_gdb = {
	.name = "gdb",
	.opts = (const struct cl_tp_opt[]){
		{ .key = "gdb.addr", .arg = "HOST:PORT|unix:PATH",
		  .help = "the GDB remote stub (QEMU -gdb, OpenOCD's gdb "
			  "port)" },
		{ .key = "gdb.timeout", .arg = "MS", .def = "5000",
		  .help = "bound of every exchange with the stub" },
		{ .key = "gdb.window", .arg = "N", .def = "8",
		  .help = "memory requests sent before their replies are "
			  "read (1: one at a time, as gdb does)" },
		{ .key = "gdb.packet", .arg = "SIZE",
		  .help = "largest packet to send (default: the stub's "
			  "PacketSize)" },
		{ .key = NULL }
	},
	.open = gdb_open,
	.close = gdb_close,
	.write = gdb_write,
	.read = gdb_read,
	.hold = gdb_hold,
	.release = gdb_release,
	.describe = gdb_describe,
};
