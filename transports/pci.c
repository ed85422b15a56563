/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pci.c - transport "pci": card RAM in a PCI BAR, through Linux sysfs
 *
 * libpci (its linux-sysfs method only: never /dev/mem) finds the card by
 * the board's match ids and lspci-style -s/-d filters. BAR sizes come from
 * the device's `resource` file; each BAR is mapped through `resourceN`
 * (`resourceN_wc` for writes when the board allows write-combining and
 * the BAR is prefetchable; reads always go through the uncached mapping).
 * Card RAM takes aligned stores of the board's access width; a BAR that
 * shows only an aperture of a larger window is paged through its window
 * register. A bus error on the mapping (the card vanished) is an error,
 * not a crash. An exclusive lock on the device's config file keeps a
 * second loader away.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "mmio.h"
#include "pcidev.h"
#include "transport.h"

struct bar {
	int fd, fd_wc;
	uint8_t *map, *map_wc;  /* map_wc: write-combining, or NULL */
	size_t map_len;
};

struct pci {
	struct cl_pci_dev dev;
	char dir[PATH_MAX];     /* <sysfs>/devices/<slot> */
	int lock_fd;
	struct bar bar[CL_PCI_BARS];
	uint64_t page[CL_MAX_WINDOWS]; /* aperture base shown, or ~0 */
};

static int sys_err(struct cl_tp *tp, const char *what, const char *path,
		   int err)
{
	const char *hint = "";

	if (err == EACCES)
		hint = " (run as root, or give your user access to the card: "
		       "see contrib/99-cardload.rules)";
	else if (err == EPERM)
		hint = " (a locked-down kernel forbids mapping PCI BARs from "
		       "user space: see /sys/kernel/security/lockdown; "
		       "cardload never falls back to /dev/mem)";
	return cl_seterr(tp->ctx, err == ENOENT ? CL_E_NODEV : CL_E_IO,
			 "cannot %s '%s': %s%s", what, path, strerror(err),
			 hint);
}

/* Memory decoding on (the sysfs `enable` file, else the command reg). */
static int enable(struct cl_tp *tp, struct pci *p)
{
	char path[PATH_MAX + 16];
	uint8_t cmd[2];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/config", p->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sys_err(tp, "open", path, errno);
	ok = pread(fd, cmd, 2, 4) == 2;
	close(fd);
	if (ok && (cmd[0] & 2))
		return 0;
	snprintf(path, sizeof(path), "%s/enable", p->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return sys_err(tp, "enable memory decoding through", path, e);
	}
	close(fd);
	cl_log(tp->ctx, CL_LOG_INFO, "%s: memory decoding was off; enabled",
	       p->dev.slot);
	return 0;
}

static int map_bar(struct cl_tp *tp, struct pci *p, unsigned n, bool wc)
{
	struct bar *b = &p->bar[n];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char path[PATH_MAX + 16];

	if (b->map)
		return 0;
	if (!p->dev.bar_size[n] || !(p->dev.bar_flags[n] & CL_PCI_RES_MEM))
		return cl_seterr(tp->ctx, CL_E_NODEV, "%s: BAR%u is not a "
				 "memory BAR", p->dev.slot, n);
	b->map_len = (size_t)((p->dev.bar_size[n] + page - 1) & ~(page - 1));
	snprintf(path, sizeof(path), "%s/resource%u", p->dir, n);
	b->fd = open(path, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return sys_err(tp, "open", path, errno);
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->fd, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return sys_err(tp, "map", path, errno);
	}
	if (!wc || !(p->dev.bar_flags[n] & CL_PCI_RES_PREFETCH))
		return 0;
	snprintf(path, sizeof(path), "%s/resource%u_wc", p->dir, n);
	b->fd_wc = open(path, O_RDWR | O_CLOEXEC);
	if (b->fd_wc < 0) /* no _wc file: the uncached mapping serves */
		return 0;
	b->map_wc = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 b->fd_wc, 0);
	if (b->map_wc == MAP_FAILED)
		b->map_wc = NULL;
	return 0;
}

/* Every window fits its BAR; map what the board uses. */
static int reg_at(struct cl_tp *tp, unsigned bar, uint64_t off,
		  unsigned w, uint8_t **ptr);
static unsigned width(const struct cl_tp *tp);

static int map_windows(struct cl_tp *tp, struct pci *p)
{
	const struct cl_board *bd = tp->board;
	uint8_t *reg;
	unsigned i;
	int rc;

	for (i = 0; i < bd->nwin; i++) {
		const struct cl_window *w = &bd->win[i];
		uint64_t need = w->offset + (w->aperture ? w->aperture : w->size);

		if (w->bar < 0)
			return cl_seterr(tp->ctx, CL_E_BOARD, "board '%s': "
					 "window '%s' needs bar=N for the pci "
					 "transport", bd->name, w->name);
		if (p->dev.bar_size[w->bar] < need)
			return cl_seterr(tp->ctx, CL_E_NODEV, "%s: BAR%d is "
					 "%" PRIu64 " bytes (%" PRIu64 " KiB); "
					 "board '%s' window '%s' needs %" PRIu64
					 " bytes", p->dev.slot, w->bar,
					 p->dev.bar_size[w->bar],
					 p->dev.bar_size[w->bar] >> 10,
					 bd->name, w->name, need);
		rc = map_bar(tp, p, (unsigned)w->bar, bd->write_combine);
		if (rc)
			return rc;
		p->page[i] = UINT64_MAX;
		if (!w->aperture)
			continue;
		if (width(tp) != 8 && w->addr + (w->size - 1) > UINT32_MAX)
			return cl_seterr(tp->ctx, CL_E_BOARD, "board '%s': "
					 "window '%s' reaches above 4 GiB; its "
					 "window register needs access-width = "
					 "8", bd->name, w->name);
		rc = reg_at(tp, (unsigned)w->winreg.bar, w->winreg.off,
			    width(tp) == 8 ? 8 : 4, &reg);
		if (rc)
			return rc;
	}
	return 0;
}

static int pci_open(struct cl_tp *tp)
{
	const struct cl_board *bd = tp->board;
	const char *root = cl_tp_param(tp, "pci.sysfs"); /* has a default */
	const char *ids[CL_MAX_MATCH];
	struct cl_pci_dev found[2];
	char path[PATH_MAX + 16];
	struct pci *p;
	unsigned i, n = 0;
	int rc;

	for (i = 0; i < bd->nmatch; i++)
		ids[i] = bd->match[i];
	rc = cl_pci_scan(tp->ctx, root, cl_tp_param(tp, "pci.slot"),
			 cl_tp_param(tp, "pci.id"), ids, bd->nmatch, found, 2,
			 &n);
	if (rc)
		return rc;
	if (n == 0) {
		const char *sl = cl_tp_param(tp, "pci.slot");
		const char *id = cl_tp_param(tp, "pci.id");

		return cl_seterr(tp->ctx, CL_E_NODEV, "no PCI device%s%s%s%s "
				 "matches board '%s'%s%s%s%s ('cardload list' "
				 "shows candidates)", sl ? " at -s " : "",
				 sl ? sl : "", id ? " with -d " : "",
				 id ? id : "", bd->name,
				 bd->nmatch ? " (ids " : "",
				 bd->nmatch ? bd->match[0] : "",
				 bd->nmatch > 1 ? ", ..." : "",
				 bd->nmatch ? ")" : "");
	}
	if (n > 1)
		return cl_seterr(tp->ctx, CL_E_MANY, "more than one PCI device "
				 "matches board '%s' (%s, %s%s); pick one with "
				 "-s SLOT ('cardload list' shows them)",
				 bd->name, found[0].slot, found[1].slot,
				 n > 2 ? ", ..." : "");
	p = calloc(1, sizeof(*p));
	if (!p)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	p->dev = found[0];
	p->lock_fd = -1;
	for (i = 0; i < CL_PCI_BARS; i++)
		p->bar[i].fd = p->bar[i].fd_wc = -1;
	tp->priv = p;
	snprintf(p->dir, sizeof(p->dir), "%s/devices/%s", root, p->dev.slot);
	snprintf(path, sizeof(path), "%s/config", p->dir);
	p->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->lock_fd < 0)
		return sys_err(tp, "open", path, errno);
	if (flock(p->lock_fd, LOCK_EX | LOCK_NB))
		return cl_seterr(tp->ctx, errno == EWOULDBLOCK ? CL_E_BUSY :
				 CL_E_IO, "card %s is in use by another loader "
				 "(lock on '%s': %s)", p->dev.slot, path,
				 strerror(errno));
	rc = enable(tp, p);
	if (!rc)
		rc = map_windows(tp, p);
	return rc; /* on error the caller closes, which unmaps */
}

static void pci_close(struct cl_tp *tp)
{
	struct pci *p = tp->priv;
	unsigned i;

	if (!p)
		return;
	for (i = 0; i < CL_PCI_BARS; i++) {
		struct bar *b = &p->bar[i];

		if (b->map)
			munmap(b->map, b->map_len);
		if (b->map_wc)
			munmap(b->map_wc, b->map_len);
		if (b->fd >= 0)
			close(b->fd);
		if (b->fd_wc >= 0)
			close(b->fd_wc);
	}
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	free(p);
	tp->priv = NULL;
}

static unsigned width(const struct cl_tp *tp)
{
	return tp->board->access_width ? tp->board->access_width : 4;
}

static int bus_error(struct cl_tp *tp, const struct pci *p, unsigned bar,
		     uint64_t off, const char *what)
{
	return cl_seterr(tp->ctx, CL_E_IO, "%s: bus error %s BAR%u at offset "
			 "0x%" PRIx64 " (did the card vanish?); card left "
			 "held", p->dev.slot, what, bar, off);
}

/* Point window w's aperture at the page holding offset off. */
static int set_page(struct cl_tp *tp, struct pci *p, unsigned w, uint64_t off)
{
	const struct cl_window *win = &tp->board->win[w];
	uint64_t base = off & ~(win->aperture - 1);
	int rc;

	if (p->page[w] == base)
		return 0;
	rc = cl_tp_reg_write(tp, win->winreg.bar, win->winreg.off,
			     width(tp) == 8 ? 8 : 4, win->addr + base);
	if (rc)
		return rc;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->page[w] = base;
	return 0;
}

/* Run op over [off, off+len) of window w, one aperture page at a time. */
static int each_page(struct cl_tp *tp, unsigned w, uint64_t off, size_t len,
		     int (*op)(struct cl_tp *, struct bar *, unsigned, uint64_t,
			       size_t, size_t, void *), void *arg)
{
	const struct cl_window *win = &tp->board->win[w];
	struct pci *p = tp->priv;
	struct bar *b = &p->bar[win->bar];
	size_t done = 0;
	int rc;

	while (done < len) {
		uint64_t at = off + done, in_bar = win->offset + at;
		size_t n = len - done;

		if (win->aperture) {
			uint64_t room = win->aperture -
					(at & (win->aperture - 1));

			rc = set_page(tp, p, w, at);
			if (rc)
				return rc;
			in_bar = win->offset + (at & (win->aperture - 1));
			if (n > room)
				n = (size_t)room;
		}
		rc = op(tp, b, (unsigned)win->bar, in_bar, n, done, arg);
		if (rc)
			return rc;
		done += n;
	}
	return 0;
}

static int op_write(struct cl_tp *tp, struct bar *b, unsigned bar,
		    uint64_t in_bar, size_t n, size_t done, void *arg)
{
	uint8_t *map = b->map_wc ? b->map_wc : b->map;
	size_t at;

	if (cl_mmio_write(map + in_bar, (const uint8_t *)arg + done, n,
			  width(tp), &at))
		return bus_error(tp, tp->priv, bar, in_bar + at, "writing");
	return 0;
}

static int op_read(struct cl_tp *tp, struct bar *b, unsigned bar,
		   uint64_t in_bar, size_t n, size_t done, void *arg)
{
	size_t at;

	if (cl_mmio_read((uint8_t *)arg + done, b->map + in_bar, n, width(tp),
			 &at))
		return bus_error(tp, tp->priv, bar, in_bar + at, "reading");
	return 0;
}

static int op_fill(struct cl_tp *tp, struct bar *b, unsigned bar,
		   uint64_t in_bar, size_t n, size_t done, void *arg)
{
	uint8_t *map = b->map_wc ? b->map_wc : b->map;
	size_t at;

	(void)done;
	if (cl_mmio_fill(map + in_bar, *(const uint8_t *)arg, n, width(tp),
			 &at))
		return bus_error(tp, tp->priv, bar, in_bar + at, "filling");
	return 0;
}

static int pci_write(struct cl_tp *tp, unsigned w, uint64_t off,
		     const void *buf, size_t len)
{
	return each_page(tp, w, off, len, op_write, (void *)buf);
}

static int pci_read(struct cl_tp *tp, unsigned w, uint64_t off, void *buf,
		    size_t len)
{
	/* write-combined stores must land before they are read back */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return each_page(tp, w, off, len, op_read, buf);
}

static int pci_fill(struct cl_tp *tp, unsigned w, uint64_t off, int byte,
		    uint64_t len)
{
	uint8_t b = (uint8_t)byte;

	return each_page(tp, w, off, (size_t)len, op_fill, &b);
}

/* A full fence drains write-combining buffers (mfence on x86). */
static int pci_flush(struct cl_tp *tp)
{
	(void)tp;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static int reg_at(struct cl_tp *tp, unsigned bar, uint64_t off,
		  unsigned w, uint8_t **ptr)
{
	struct pci *p = tp->priv;
	uint64_t end;
	int rc;

	if (bar >= CL_PCI_BARS)
		return cl_seterr(tp->ctx, CL_E_BOARD, "no BAR%u", bar);
	rc = map_bar(tp, p, bar, false);
	if (rc)
		return rc;
	if (cl_add_ovf(off, (uint64_t)w, &end) || end > p->dev.bar_size[bar])
		return cl_seterr(tp->ctx, CL_E_BOARD, "%s: register %u:0x%"
				 PRIx64 " is outside BAR%u (%" PRIu64
				 " bytes)", p->dev.slot, bar, off, bar,
				 p->dev.bar_size[bar]);
	*ptr = p->bar[bar].map + off;
	return 0;
}

static int pci_reg_read(struct cl_tp *tp, unsigned bar, uint64_t off,
			unsigned w, uint64_t *v)
{
	uint8_t *r;
	int rc = reg_at(tp, bar, off, w, &r);

	if (!rc && cl_mmio_load(r, w, v))
		rc = bus_error(tp, tp->priv, bar, off, "reading register in");
	return rc;
}

static int pci_reg_write(struct cl_tp *tp, unsigned bar, uint64_t off,
			 unsigned w, uint64_t v)
{
	uint8_t *r;
	int rc = reg_at(tp, bar, off, w, &r);

	if (!rc && cl_mmio_store(r, w, v))
		rc = bus_error(tp, tp->priv, bar, off, "writing register in");
	return rc;
}

static int pci_describe(struct cl_tp *tp, char *buf, size_t len)
{
	struct pci *p = tp->priv;

	snprintf(buf, len, "pci %s %04x:%04x", p->dev.slot, p->dev.vendor,
		 p->dev.device);
	return 0;
}

const struct cl_tp_ops cl_tp_pci = {
	.name = "pci",
	.opts = (const struct cl_tp_opt[]){
		{ .key = "pci.slot", .arg = "SLOT",
		  .help = "[[[[domain]:]bus]:][slot][.[func]] (-s)" },
		{ .key = "pci.id", .arg = "VENDOR:DEVICE",
		  .help = "lspci -d syntax (-d)" },
		{ .key = "pci.sysfs", .arg = "DIR", .def = "/sys/bus/pci",
		  .help = "sysfs PCI root" },
		{ .key = NULL }
	},
	.open = pci_open,
	.close = pci_close,
	.write = pci_write,
	.read = pci_read,
	.fill = pci_fill,
	.flush = pci_flush,
	.reg_read = pci_reg_read,
	.reg_write = pci_reg_write,
	.describe = pci_describe,
};
