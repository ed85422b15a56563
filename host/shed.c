/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shed.c - drop a file-backed input's pages behind a whole-buffer decoder
 *
 * libdeflate decompresses a whole gzip member in one call and cannot say how
 * far it has read. Meanwhile every input page it has touched counts in this
 * process's memory until the call returns, so the peak would be input plus
 * output. A second thread watches the output grow (its pages become
 * resident in order: mincore) and drops the input pages well behind the
 * matching input position (MADV_DONTNEED on a clean private file mapping:
 * the page cache keeps them). Dropping is always safe: a page dropped too
 * early is simply mapped again when the decoder reads it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

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

static void *run(void *arg)
{
	struct cl_shed *s = arg;
	struct timespec ts;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		double est = (double)out_progress(s) / (double)s->out_hint *
			     (double)s->in_len;
		/* three quarters of the estimate, less 1 MiB: slack for a
		 * locally better ratio */
		double keep_from = est * 0.75 - (double)(1 << 20);
		size_t upto = keep_from > 0 ? (size_t)keep_from / s->page *
						      s->page : 0;

		if (upto > s->in_len / s->page * s->page)
			upto = s->in_len / s->page * s->page;
		if (upto > s->dropped) {
			madvise(s->in + s->dropped, upto - s->dropped,
				MADV_DONTNEED);
			s->dropped = upto;
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
			       .page = (size_t)sysconf(_SC_PAGESIZE) };
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->th, NULL, run, s)) {
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
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
