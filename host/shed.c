/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shed.c - drop a file-backed input's pages behind a whole-buffer decoder
 *
 * libdeflate decompresses a whole gzip member in one call and cannot say how
 * far it has read. Meanwhile every input page it has touched counts in this
 * process's memory until the call returns, so the peak would be input plus
 * output. A second thread watches the decoder's progress and drops the
 * input pages well behind it (MADV_DONTNEED on a clean private file
 * mapping: the page cache keeps them). Dropping is always safe: a page
 * dropped too early is simply mapped again when the decoder reads it.
 *
 * Progress is read from this process's page table (/proc/self/pagemap): the
 * decoder maps the input's pages in order. That leaves the thread free to
 * fault in the output's pages ahead of the decoder, as many as the
 * format's size hint says (at most 16 times the input: the hint is only a
 * claim): the first write to each costs a page fault and zeroing, which
 * then no longer falls on the decoder. Without pagemap, progress is how far
 * the output's pages are resident (mincore) and the output is left to the
 * decoder.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

/* Output faulted in per step, between two sheddings. */
#define POPULATE_STEP ((size_t)4 << 20)
/* The hint is a claim: never fault in more than this times the input. */
#define POPULATE_MAX_RATIO 16

struct cl_shed {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	uint8_t *in;
	size_t in_len, dropped, page;
	uint8_t *out;
	size_t out_cap;
	uint64_t out_hint;	/* expected output size (the format's hint) */
	int pagemap;		/* /proc/self/pagemap, or -1 */
};

/* How much of out is resident: it is written front to back. */
static size_t out_progress(struct cl_shed *s)
{
	size_t lo = 0, hi = s->out_cap / s->page;
	unsigned char v;

	while (lo < hi) {	/* first page not resident */
		size_t mid = lo + (hi - lo) / 2;

		if (!mincore(s->out + mid * s->page, s->page, &v) && (v & 1))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo * s->page;
}

/* Is input page i mapped in this process? (pagemap: bit 63 present) */
static bool in_mapped(struct cl_shed *s, size_t i)
{
	uintptr_t va = (uintptr_t)s->in + i * s->page;
	uint64_t e;

	return pread(s->pagemap, &e, sizeof(e),
		     (off_t)(va / s->page * sizeof(e))) == sizeof(e) &&
	       (e >> 63);
}

/* How far the decoder has read: the input's pages above the dropped ones
 * are mapped in order. */
static size_t in_progress(struct cl_shed *s)
{
	size_t lo = s->dropped / s->page, hi = s->in_len / s->page;

	while (lo < hi) {	/* first page not mapped */
		size_t mid = lo + (hi - lo) / 2;

		if (in_mapped(s, mid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo * s->page;
}

/* Drop the input's pages up to 1 MiB behind the decoder's position: read
 * from the page table, or else estimated from the output's (three quarters
 * of it: slack for a locally better ratio). */
static void shed_step(struct cl_shed *s)
{
	double est = s->pagemap >= 0 ? (double)in_progress(s) :
		     0.75 * (double)out_progress(s) / (double)s->out_hint *
			     (double)s->in_len;
	double keep_from = est - (double)(1 << 20);
	size_t upto = keep_from > 0 ? (size_t)keep_from / s->page * s->page :
				      0;

	if (upto > s->in_len / s->page * s->page)
		upto = s->in_len / s->page * s->page;
	if (upto > s->dropped) {
		madvise(s->in + s->dropped, upto - s->dropped, MADV_DONTNEED);
		s->dropped = upto;
	}
}

static void *run(void *arg)
{
	struct cl_shed *s = arg;
	/* with pagemap, the output is faulted in up to the hint, a step
	 * between two sheddings */
	size_t filled = 0, fill_end = s->pagemap < 0 ? 0 :
		s->out_hint < s->out_cap ? (size_t)s->out_hint : s->out_cap;
	struct timespec ts;

	if (fill_end / POPULATE_MAX_RATIO > s->in_len)
		fill_end = s->in_len * POPULATE_MAX_RATIO;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		shed_step(s);
		if (filled < fill_end) {
			size_t n = fill_end - filled < POPULATE_STEP ?
					   fill_end - filled : POPULATE_STEP;

			pthread_mutex_unlock(&s->mu);
			madvise(s->out + filled, n, MADV_POPULATE_WRITE);
			filled += n;
			pthread_mutex_lock(&s->mu);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 2000000;	/* every 2 ms */
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct cl_shed *cl_shed_start(uint8_t *in, size_t in_len, uint8_t *out,
			      size_t out_cap, uint64_t out_hint)
{
	struct cl_shed *s;

	if (!out_hint || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	*s = (struct cl_shed){ .in = in, .in_len = in_len, .out = out,
			       .out_cap = out_cap, .out_hint = out_hint,
			       .page = (size_t)sysconf(_SC_PAGESIZE),
			       .pagemap = open("/proc/self/pagemap",
					       O_RDONLY | O_CLOEXEC) };
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->th, NULL, run, s)) {
		if (s->pagemap >= 0)
			close(s->pagemap);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

void cl_shed_stop(struct cl_shed *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	if (s->pagemap >= 0)
		close(s->pagemap);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
