/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem.c - transport "mem": card RAM is a file mapped MAP_SHARED
 *
 * The file is a simulator's RAM (QEMU's memory-backend-file with share=on)
 * or a /dev/shm file in tests. Board window N lives at file offset
 * win[N].offset. The mapping sits between two PROT_NONE guard pages, so a
 * stray access just outside it faults instead of passing silently. An
 * exclusive flock on the file keeps a second cardload away.
 *
 * Bulk data goes through pwrite/pread on the same file (one page cache, so
 * the card sees it as through the mapping): the kernel fills fresh pages
 * without a page fault per 4 KiB, faster than copying into the mapping,
 * and the card's RAM never counts in this process's memory.
 * Naturally aligned words (the mailbox) stay single stores to the mapping.
 * The first write to a page of a fresh file costs as much again as the copy
 * (the kernel allocates the page): prepare allocates the pages a load will
 * write ahead of it, from another thread while the image inflates.
 *
 * With -O mem.qmp=SOCKET (boards with `release-step = qmp`), the card is a
 * QEMU machine whose CPU cardload holds itself: QMP stop + system_reset
 * before anything is written, cont just before the mailbox says GO.
 *
 * The file is opened safely by ramfile.c (no symlinks, no file planted by
 * another user in a sticky directory unless -O mem.trust-path=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "mmio.h"
#include "qmp.h"
#include "ramfile.h"
#include "transport.h"

struct mem {
	int fd;
	uint8_t *reserve;  /* guard + mapping + guard */
	size_t reserve_len;
	uint8_t *base;     /* file offset 0 */
	uint64_t len;      /* bytes mapped */
	char path[256];
	bool has_qmp;
	struct cl_qmp qmp;
	/* [hole_lo, hole_hi): file offsets the last data_extent found to be
	 * hole, less what was written since; forgotten at hold and release
	 * (only a held card's RAM changes through us alone). SEEK_DATA
	 * visits every page the file holds but has not had written (prepared
	 * pages) on its way: asked again for each piece of a load, n^2. */
	uint64_t hole_lo, hole_hi;
};

static int mem_open(struct cl_tp *tp)
{
	const char *path = cl_tp_param(tp, "mem.path");
	const struct cl_board *b = tp->board;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t need = 0, end;
	uint64_t trust = 0;
	bool given;
	struct stat st;
	struct mem *m;
	unsigned i;
	int rc;

	if (!path)
		return cl_seterr(tp->ctx, CL_E_USAGE, "transport 'mem' needs "
				 "-O mem.path=FILE (the card's RAM file)");
	rc = cl_tp_param_u64(tp, "mem.trust-path", &trust, &given);
	if (rc)
		return rc;
	if (trust > 1)
		return cl_seterr(tp->ctx, CL_E_USAGE, "-O mem.trust-path=%s: "
				 "must be 0 or 1",
				 cl_tp_param(tp, "mem.trust-path"));
	for (i = 0; i < b->nwin; i++) {
		if (cl_add_ovf(b->win[i].offset, b->win[i].size, &end))
			return cl_seterr(tp->ctx, CL_E_BOARD, "board '%s': "
					 "window '%s' offset wraps", b->name,
					 b->win[i].name);
		if (end > need)
			need = end;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	snprintf(m->path, sizeof(m->path), "%s", path);
	rc = cl_ram_file_open(tp, path, trust, need, &m->fd, &st);
	if (rc)
		goto out_free;
	if (flock(m->fd, LOCK_EX | LOCK_NB)) {
		rc = cl_seterr(tp->ctx, errno == EWOULDBLOCK ? CL_E_BUSY :
							      CL_E_IO,
			       "card memory '%s' is locked by another loader"
			       " (%s)", path, strerror(errno));
		goto out_close;
	}
	m->len = need;
	m->reserve_len = (size_t)need + 2 * page;
	m->reserve = mmap(NULL, m->reserve_len, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->reserve == MAP_FAILED) {
		rc = cl_seterr(tp->ctx, CL_E_NOMEM, "cannot reserve %zu bytes "
			       "of address space: %s", m->reserve_len,
			       strerror(errno));
		goto out_close;
	}
	m->base = mmap(m->reserve + page, (size_t)need, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		rc = cl_seterr(tp->ctx, CL_E_IO, "cannot map card memory '%s':"
			       " %s", path, strerror(errno));
		munmap(m->reserve, m->reserve_len);
		goto out_close;
	}
	if (cl_tp_param(tp, "mem.qmp")) {
		rc = cl_qmp_open(tp->ctx, cl_tp_param(tp, "mem.qmp"), &m->qmp);
		if (rc) {
			munmap(m->reserve, m->reserve_len);
			goto out_close;
		}
		m->has_qmp = true;
	} else if (b->release_step == CL_STEP_QMP) {
		cl_log(tp->ctx, CL_LOG_INFO, "board '%s' can hold its CPU "
		       "through QMP; without -O mem.qmp=SOCKET the card is "
		       "assumed to be spinning in its ROM", b->name);
	}
	tp->priv = m;
	return 0;
out_close:
	close(m->fd);
out_free:
	free(m);
	return rc;
}

static void mem_close(struct cl_tp *tp)
{
	struct mem *m = tp->priv;

	if (!m)
		return;
	if (m->has_qmp)
		cl_qmp_close(&m->qmp);
	munmap(m->reserve, m->reserve_len);
	close(m->fd); /* drops the flock */
	free(m);
	tp->priv = NULL;
}

/* Where window w, offset off lives in the mapping. The caller checked the
 * range against the board; mapping covers every window by construction. */
static uint8_t *at(struct cl_tp *tp, unsigned w, uint64_t off)
{
	struct mem *m = tp->priv;

	return m->base + tp->board->win[w].offset + off;
}

/* The file shrank under the mapping (or its medium failed). */
static int vanished(struct cl_tp *tp, unsigned w, uint64_t off, size_t at)
{
	struct mem *m = tp->priv;

	return cl_seterr(tp->ctx, CL_E_IO, "card memory '%s' vanished: bus "
			 "error at file offset 0x%" PRIx64 "; card left held",
			 m->path, tp->board->win[w].offset + off + at);
}

static bool is_word(const void *p, size_t len)
{
	return (len == 4 && !((uintptr_t)p & 3)) ||
	       (len == 8 && !((uintptr_t)p & 7));
}

/* pwrite/pread have no guard pages: the same promise, kept by a check.
 * The bounds check upstream makes this unreachable; if it ever is not, stop
 * rather than let the bytes land outside the windows. */
static void inside(const struct mem *m, uint64_t pos, size_t len)
{
	if (pos > m->len || len > m->len - pos)
		abort();
}

/* The file still covers [pos, pos+len): a pwrite past a shrunken end
 * would grow it back silently where the mapping would fault. */
static int still_there(struct cl_tp *tp, unsigned w, uint64_t off, size_t len)
{
	struct mem *m = tp->priv;
	struct stat st;

	if (fstat(m->fd, &st) || (uint64_t)st.st_size <
	    tp->board->win[w].offset + off + len)
		return vanished(tp, w, off, 0);
	return 0;
}

/* [pos, pos+len) is being written: its pages become data, and the known
 * hole keeps only what lies after them (a load writes forward; forgetting
 * a hole is always safe). */
static void written(struct mem *m, uint64_t pos, uint64_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t end = (pos + len + page - 1) / page * page;

	if (pos < m->hole_hi && end > m->hole_lo)
		m->hole_lo = end < m->hole_hi ? end : m->hole_hi;
}

static int mem_write(struct cl_tp *tp, unsigned w, uint64_t off,
		     const void *buf, size_t len)
{
	struct mem *m = tp->priv;
	uint8_t *dst = at(tp, w, off);
	uint64_t pos = tp->board->win[w].offset + off;
	const uint8_t *src = buf;
	size_t bad, done = 0;
	int rc;

	written(m, pos, len);
	/* A naturally aligned word is one store: the mailbox relies on it. */
	if (is_word(dst, len)) {
		if (cl_mmio_write(dst, buf, len, (unsigned)len, &bad))
			return vanished(tp, w, off, bad);
		return 0;
	}
	inside(m, pos, len);
	rc = still_there(tp, w, off, len);
	while (!rc && done < len) {
		ssize_t n = pwrite(m->fd, src + done, len - done,
				   (off_t)(pos + done));

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			rc = cl_seterr(tp->ctx, CL_E_IO, "writing card memory "
				       "'%s' at file offset 0x%" PRIx64 ": %s",
				       m->path, pos + done,
				       n ? strerror(errno) : "no progress");
	}
	return rc;
}

static int mem_read(struct cl_tp *tp, unsigned w, uint64_t off, void *buf,
		    size_t len)
{
	struct mem *m = tp->priv;
	uint64_t pos = tp->board->win[w].offset + off;
	uint8_t *dst = buf;
	size_t bad, done = 0;

	if (len <= 8) {
		if (cl_guarded_copy(buf, at(tp, w, off), len, &bad))
			return vanished(tp, w, off, bad);
		return 0;
	}
	inside(m, pos, len);
	while (done < len) {
		ssize_t n = pread(m->fd, dst + done, len - done,
				  (off_t)(pos + done));

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (!n)
			return vanished(tp, w, off, done);
		else
			return cl_seterr(tp->ctx, CL_E_IO, "reading card memory"
					 " '%s' at file offset 0x%" PRIx64 ": %s",
					 m->path, pos + done, strerror(errno));
	}
	return 0;
}

/* Holes in the file read as zeros: only data extents need zero-filling. */
static int mem_data_extent(struct cl_tp *tp, unsigned w, uint64_t off,
			   uint64_t len, uint64_t *doff, uint64_t *dlen)
{
	struct mem *m = tp->priv;
	uint64_t start = tp->board->win[w].offset + off, end = start + len;
	off_t d, h;

	*dlen = 0;
	if (start < m->hole_lo || start >= m->hole_hi) {
		d = lseek(m->fd, (off_t)start, SEEK_DATA);
		if (d < 0 && errno != ENXIO)
			goto all_data;
		m->hole_lo = start; /* ENXIO: nothing but hole from start on */
		m->hole_hi = d < 0 ? UINT64_MAX : (uint64_t)d;
	}
	if (m->hole_hi >= end) /* the first data at or after start */
		return 0;
	d = (off_t)m->hole_hi;
	h = lseek(m->fd, d, SEEK_HOLE);
	if (h < 0)
		goto all_data;
	*doff = (uint64_t)d - tp->board->win[w].offset;
	*dlen = ((uint64_t)h < end ? (uint64_t)h : end) - (uint64_t)d;
	return 0;
all_data: /* cannot tell */
	*doff = off;
	*dlen = len;
	return 0;
}

/* Allocate the file's pages under [off, off+len) of window w. fallocate
 * with FALLOC_FL_KEEP_SIZE changes no byte and not the size: data stays,
 * a hole reads zeros as before (tmpfs even reports the page as a hole to
 * SEEK_DATA until it is written, so zero-skipping is unchanged). Writes
 * wait for the file's lock while it runs: callers ask in pieces. */
static void mem_prepare(struct cl_tp *tp, unsigned w, uint64_t off,
			uint64_t len)
{
	struct mem *m = tp->priv;
	uint64_t pos = tp->board->win[w].offset + off;
	struct stat st;

	inside(m, pos, len);
	/* a file shrunk under us is not grown back, not even in blocks past
	 * its end */
	if (!fstat(m->fd, &st) && (uint64_t)st.st_size >= pos + len)
		fallocate(m->fd, FALLOC_FL_KEEP_SIZE, (off_t)pos, (off_t)len);
}

static int mem_flush(struct cl_tp *tp)
{
	struct mem *m = tp->priv;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (msync(m->base, (size_t)m->len, MS_SYNC))
		return cl_seterr(tp->ctx, CL_E_IO, "msync of '%s' failed: %s",
				 m->path, strerror(errno));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static int mem_hold(struct cl_tp *tp)
{
	struct mem *m = tp->priv;

	/* held from here: the RAM changes only through us; learn afresh */
	m->hole_lo = m->hole_hi = 0;
	return m->has_qmp ? cl_qmp_hold(&m->qmp) : 0;
}

static int mem_release(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		       uint32_t argmask)
{
	struct mem *m = tp->priv;

	(void)entry, (void)args, (void)argmask; /* the mailbox carries them */
	m->hole_lo = m->hole_hi = 0; /* the card may write its RAM now */
	return m->has_qmp ? cl_qmp_release(&m->qmp) : 0;
}

static int mem_describe(struct cl_tp *tp, char *buf, size_t len)
{
	struct mem *m = tp->priv;

	snprintf(buf, len, "mem %s (%" PRIu64 " bytes mapped)", m->path,
		 m->len);
	return 0;
}

const struct cl_tp_ops cl_tp_mem = {
	.name = "mem",
	.opts = (const struct cl_tp_opt[]){
		{ .key = "mem.path", .arg = "FILE",
		  .help = "the file holding the card's RAM (shm file)" },
		{ .key = "mem.trust-path", .arg = "1", .def = "0",
		  .help = "FILE may be a symlink, or another user's file in a "
			  "sticky directory" },
		{ .key = "mem.qmp", .arg = "SOCKET",
		  .help = "QEMU's QMP socket: hold and release the CPU" },
		{ .key = NULL }
	},
	.open = mem_open,
	.close = mem_close,
	.write = mem_write,
	.read = mem_read,
	.concurrent_read = true,
	.data_extent = mem_data_extent,
	.prepare = mem_prepare,
	.flush = mem_flush,
	.hold = mem_hold,
	.release = mem_release,
	.describe = mem_describe,
};
