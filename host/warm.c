/* SPDX-License-Identifier: GPL-2.0-or-later */
/* warm.c - get the card pages a load will write ready while its image inflates
 *
 * The first write to a page of a fresh shared-memory RAM file costs about as
 * much as the copy itself (the kernel allocates the page), and a compressed
 * image keeps one CPU inflating before any byte may go to the card: a gzip
 * stream is known good only at its end, and a bad image writes nothing. So
 * meanwhile a second thread decodes the first 64 KiB of the image with a
 * decoder of its own, reads the program headers there, works out where the
 * segments' file bytes will land, and has the transport prepare those
 * ranges (transports/transport.h: prepare), a few MiB at a time. That only
 * allocates: what the card reads stays as it was whether the image turns
 * out good or bad, and the thread stops when the plan is made.
 *
 * It guesses nothing: a layout it cannot read from those bytes (headers
 * further in, an ET_DYN image the plan will place itself, a raw image
 * without a size in its headers) warms nothing. Bss is left out: zeroing
 * writes nothing where the file has holes. The total is held to the size
 * the compressed headers claim, so a lying header cannot have more than
 * that allocated. The thread runs on spare CPU time only (SCHED_IDLE).
 * Nothing here reports an error or touches the context.
 */
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decompress.h"
#include "internal.h"
#include "transport.h"
#include "warm.h"

#define PEEK ((size_t)64 << 10)		/* decoded bytes read for headers */
#define PEEK_DECODER_MEM ((uint64_t)256 << 20) /* reserved, barely touched */
#define STEP ((uint64_t)2 << 20)	/* bytes per prepare call */
#define MAX_RANGES 64

struct cl_warm {
	pthread_t th;
	struct cl_tp *tp;
	char *path;
	int use_vaddr, has_base, raw;
	uint64_t base, raw_addr;
	int stop;			/* atomic: the plan is made */
};

/* The header fields this file reads, at their class-dependent places. */
static uint64_t field(const uint8_t *p, int cls, int end, size_t off32,
		      size_t off64, unsigned w32, unsigned w64)
{
	return cls == ELFCLASS64 ? elf_get(p + off64, w64, end) :
				   elf_get(p + off32, w32, end);
}

unsigned cl_warm_elf_ranges(const uint8_t *h, size_t n, int use_vaddr,
			    int has_base, uint64_t base,
			    struct cl_warm_range *r, unsigned max)
{
	uint64_t phoff, link = UINT64_MAX, end_ph;
	unsigned i, k = 0, phent, phnum, type;
	int cls, end;

	if (n < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG))
		return 0;
	cls = h[EI_CLASS];
	end = h[EI_DATA];
	if ((cls != ELFCLASS32 && cls != ELFCLASS64) ||
	    (end != ELFDATA2LSB && end != ELFDATA2MSB) ||
	    n < (cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return 0;
	type = (unsigned)field(h, cls, end, 16, 16, 2, 2);
	phoff = field(h, cls, end, 28, 32, 4, 8);
	phent = (unsigned)field(h, cls, end, 42, 54, 2, 2);
	phnum = (unsigned)field(h, cls, end, 44, 56, 2, 2);
	if ((type != ET_EXEC && type != ET_DYN) ||
	    (type == ET_DYN) != !!has_base ||
	    phent < (cls == ELFCLASS64 ? sizeof(Elf64_Phdr) :
					 sizeof(Elf32_Phdr)) ||
	    cl_add_ovf(phoff, (uint64_t)phent * phnum, &end_ph) || end_ph > n)
		return 0;
	for (i = 0; i < phnum; i++) { /* ET_DYN: lowest p_vaddr is at base */
		const uint8_t *p = h + phoff + (uint64_t)i * phent;
		uint64_t va = field(p, cls, end, 8, 16, 4, 8);

		if (elf_get(p, 4, end) == PT_LOAD && va < link)
			link = va;
	}
	for (i = 0; i < phnum && k < max; i++) {
		const uint8_t *p = h + phoff + (uint64_t)i * phent;
		uint64_t va = field(p, cls, end, 8, 16, 4, 8);
		uint64_t pa = field(p, cls, end, 12, 24, 4, 8);
		uint64_t filesz = field(p, cls, end, 16, 32, 4, 8), addr, top;

		if (elf_get(p, 4, end) != PT_LOAD || !filesz)
			continue;
		if (type == ET_DYN)
			addr = base + (va - link); /* wraps: checked below */
		else
			addr = use_vaddr ? va : pa;
		if ((type == ET_DYN && addr < base) ||
		    cl_add_ovf(addr, filesz, &top))
			return 0;
		r[k++] = (struct cl_warm_range){ addr, filesz };
	}
	return k;
}

/* Decode the start of the file at map[0, len) into buf (up to PEEK). */
static size_t peek(const struct cl_decomp *d, const char *name,
		   const uint8_t *map, size_t len, uint8_t *buf)
{
	const uint8_t *in = map;
	size_t got = 0, made, left = len;
	bool done = false;
	void *st;

	if (d->open(NULL, name, PEEK_DECODER_MEM, &st))
		return 0;
	while (got < PEEK && !done) {
		size_t before = left;

		if (d->step(st, &in, &left, true, buf + got, PEEK - got, &made,
			    &done) || (!made && left == before))
			break;
		got += made;
	}
	d->close(st);
	return got;
}

/* Where image 0's file bytes go, from the start of its file. */
static unsigned ranges(const struct cl_warm *w, struct cl_warm_range *r,
		       uint64_t *hint)
{
	const struct cl_decomp *d;
	uint8_t *map, *buf = NULL;
	struct stat st;
	unsigned n = 0;
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);

	*hint = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	/* uncompressed (d NULL): no inflating to overlap the warm-up with */
	d = cl_decomp_find(map, (size_t)st.st_size);
	if (d)
		*hint = d->size_hint(map, (size_t)st.st_size);
	if (d && w->raw && *hint) {
		r[0] = (struct cl_warm_range){ w->raw_addr, *hint };
		n = 1;
	} else if (d && !w->raw && (buf = malloc(PEEK))) {
		n = cl_warm_elf_ranges(buf, peek(d, w->path, map,
						 (size_t)st.st_size, buf),
				       w->use_vaddr, w->has_base, w->base, r,
				       MAX_RANGES);
	}
	free(buf);
	munmap(map, (size_t)st.st_size);
	return n;
}

static void *run(void *arg)
{
	struct cl_warm *w = arg;
	struct cl_warm_range r[MAX_RANGES];
	struct sched_param idle = { 0 };
	uint64_t hint, budget, off, len;
	unsigned i, n;

	/* spare CPU time only: pages not allocated here are allocated by
	 * the writes, so this must never slow the decoder down */
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	n = ranges(w, r, &hint);

	budget = hint ? hint : UINT64_MAX;
	for (i = 0; i < n && budget; i++) {
		len = r[i].len < budget ? r[i].len : budget;
		budget -= len;
		for (off = 0; off < len; off += STEP) {
			if (__atomic_load_n(&w->stop, __ATOMIC_RELAXED))
				return NULL;
			cl_tp_prepare(w->tp, r[i].addr + off,
				      len - off < STEP ? len - off : STEP);
		}
	}
	return NULL;
}

struct cl_warm *cl_warm_start(const struct cl_boot_spec *sp,
			      struct cl_tp *tp)
{
	struct cl_warm *w;

	if (!tp || !tp->ops->prepare || !sp->nimage || !sp->image[0].path ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->path = strdup(sp->image[0].path);
	if (!w->path) {
		free(w);
		return NULL;
	}
	w->tp = tp;
	w->use_vaddr = sp->popts.use_vaddr;
	w->has_base = sp->popts.has_base;
	w->base = sp->popts.base;
	w->raw = sp->iopts.raw;
	w->raw_addr = sp->iopts.raw_addr;
	if (pthread_create(&w->th, NULL, run, w)) {
		free(w->path);
		free(w);
		return NULL;
	}
	return w;
}

void cl_warm_stop(struct cl_warm *w)
{
	if (!w)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
	pthread_join(w->th, NULL);
	free(w->path);
	free(w);
}
