/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctx.c - the library context: last error, log and progress callbacks */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

struct cl_ctx *cl_ctx_new(void)
{
	return calloc(1, sizeof(struct cl_ctx));
}

void cl_ctx_free(struct cl_ctx *ctx)
{
	free(ctx);
}

const char *cl_errmsg(const struct cl_ctx *ctx)
{
	if (!ctx || !ctx->err)
		return "no error";
	return ctx->msg[0] ? ctx->msg : cl_strerror(ctx->err);
}

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

int cl_seterr(struct cl_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return err;
	/* the load's read-back thread may report at the same time */
	pthread_mutex_lock(&err_lock);
	ctx->err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&err_lock);
	return err;
}

void cl_set_log(struct cl_ctx *ctx, cl_log_fn fn, void *arg)
{
	ctx->log = fn;
	ctx->log_arg = arg;
}

void cl_set_progress(struct cl_ctx *ctx, cl_progress_fn fn, void *arg)
{
	ctx->progress = fn;
	ctx->progress_arg = arg;
}

void cl_log(struct cl_ctx *ctx, enum cl_log_level lvl, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!ctx || !ctx->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_arg, lvl, buf);
}

void cl_progress(struct cl_ctx *ctx, const char *stage, uint64_t done,
		 uint64_t total)
{
	if (ctx && ctx->progress)
		ctx->progress(ctx->progress_arg, stage, done, total);
}

double cl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void cl_interrupt(struct cl_ctx *ctx)
{
	if (ctx)
		ctx->intr = 1; /* async-signal-safe: one store */
}

void cl_set_cancel(struct cl_ctx *ctx, volatile int *flag)
{
	ctx->cancel = flag;
}

int cl_interrupted(struct cl_ctx *ctx)
{
	if (!ctx || !(ctx->intr || (ctx->cancel && *ctx->cancel)))
		return 0;
	cl_seterr(ctx, CL_E_INTR, "interrupted; the card is left held");
	return 1;
}

const char *cl_version(void)
{
	return CL_VERSION;
}
