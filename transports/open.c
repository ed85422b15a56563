/* SPDX-License-Identifier: GPL-2.0-or-later */
/* open.c - opening a board's transport: backend lookup, its -O options
 * checked against the backend's option table (defaults from it too),
 * wrapping backends of test builds, and -O help made from the tables */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "transport.h"

/* Append to buf (len bytes, used so far) as snprintf would. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used = n < 0 ? len : *used + (size_t)n;
}

const struct cl_tp_ops *const cl_transports[] = {
	&cl_tp_mem,
	&cl_tp_pci,
	&cl_tp_usb,
	&cl_tp_gdb,
	NULL,
};

/* Wrapping backends registered by a test build (none in the library). */
static const struct cl_tp_ops *wrappers[CL_TP_MAX_WRAPPERS];
static unsigned nwrappers;

int cl_tp_add_wrapper(const struct cl_tp_ops *ops)
{
	unsigned i;

	for (i = 0; i < nwrappers; i++)
		if (wrappers[i] == ops)
			return 0;
	if (nwrappers == CL_TP_MAX_WRAPPERS)
		return -1;
	wrappers[nwrappers++] = ops;
	return 0;
}

static const struct cl_tp_ops *find_ops(const char *name)
{
	unsigned i;

	for (i = 0; cl_transports[i]; i++)
		if (!strcmp(cl_transports[i]->name, name))
			return cl_transports[i];
	return NULL;
}

/* Does ops, or a registered wrapper, take this key? */
static bool takes(const struct cl_tp_ops *ops, const char *key)
{
	unsigned i;

	for (i = 0; i < nwrappers; i++)
		if (cl_tp_opt_find(wrappers[i], key))
			return true;
	return cl_tp_opt_find(ops, key) != NULL;
}

/* "mem.path, mem.trust-path, ...": the keys takes() accepts. */
static void list_keys(const struct cl_tp_ops *ops, char *buf, size_t len)
{
	const struct cl_tp_opt *o;
	size_t used = 0;
	unsigned i;

	buf[0] = 0;
	for (i = 0; i <= nwrappers; i++)
		for (o = i ? wrappers[i - 1]->opts : ops->opts; o && o->key;
		     o++)
			append(buf, len, &used, "%s%s", used ? ", " : "",
			       o->key);
}

/* Board defaults first, then -O params; a later key replaces an earlier.
 * A key without a dot is the transport's own: "slot" (-s) and "id" (-d)
 * are "pci.slot" for the pci transport, "usb.slot" for usb. */
static int set_param(struct cl_tp *tp, const struct cl_tp_ops *ops,
		     const char *key, const char *value)
{
	char keys[256];
	unsigned i;

	if (!strchr(key, '.')) {
		const struct cl_tp_opt *o;
		char full[64];

		snprintf(full, sizeof(full), "%s.%s", ops->name, key);
		o = cl_tp_opt_find(ops, full);
		if (!o)
			return cl_seterr(tp->ctx, CL_E_USAGE, "%s selects a "
					 "device; transport '%s' of board '%s'"
					 " has none to select", !strcmp(key,
					 "slot") ? "-s" : !strcmp(key, "id") ?
					 "-d" : key, ops->name,
					 tp->board->name);
		key = o->key;
	}
	if (!takes(ops, key)) {
		list_keys(ops, keys, sizeof(keys));
		return cl_seterr(tp->ctx, CL_E_USAGE, "unknown option '%s' for"
				 " transport '%s', which takes %s (see -O "
				 "help)", key, ops->name, keys);
	}
	for (i = 0; i < tp->nparam; i++)
		if (!strcmp(tp->param[i].key, key)) {
			tp->param[i].value = value;
			return 0;
		}
	if (tp->nparam == CL_TP_MAX_PARAMS)
		return cl_seterr(tp->ctx, CL_E_USAGE, "too many -O options");
	tp->param[tp->nparam++] = (struct cl_param){ key, value };
	return 0;
}

/* Put the wrapper ops around the open transport *tp; on failure *tp is
 * left as it was. */
static int wrap(const struct cl_tp_ops *ops, struct cl_tp **tp)
{
	struct cl_tp *in = *tp, *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return cl_seterr(in->ctx, CL_E_NOMEM, "out of memory");
	*w = *in;
	w->ops = ops;
	w->inner = in;
	w->priv = NULL;
	rc = ops->open(w);
	if (rc) {
		ops->close(w);
		free(w);
		return rc;
	}
	*tp = w;
	return 0;
}

/* Is one of params[] an option of wrapper ops? */
static bool wanted(const struct cl_tp_ops *ops, const struct cl_param *params,
		   unsigned nparams)
{
	unsigned i;

	for (i = 0; i < nparams; i++)
		if (cl_tp_opt_find(ops, params[i].key))
			return true;
	return false;
}

/* Board options are "key=value" strings; split them into keys[] storage. */
int cl_open(struct cl_ctx *ctx, const struct cl_board *board,
	    const struct cl_param *params, unsigned nparams,
	    struct cl_tp **out)
{
	static const char sep = '=';
	const struct cl_tp_ops *ops = find_ops(board->transport);
	struct cl_tp *tp;
	unsigned i;
	int rc;

	*out = NULL;
	if (!ops)
		return cl_seterr(ctx, CL_E_BOARD, "board '%s': unknown "
				 "transport '%s'", board->name,
				 board->transport);
	tp = calloc(1, sizeof(*tp) + sizeof(board->opt));
	if (!tp)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	tp->ops = ops;
	tp->ctx = ctx;
	tp->board = board;
	for (i = 0; i < board->nopt; i++) {
		char *kv = (char *)(tp + 1) + i * sizeof(board->opt[0]);
		char *eq;

		memcpy(kv, board->opt[i], sizeof(board->opt[0]));
		eq = strchr(kv, sep);
		if (!eq) {
			rc = cl_seterr(ctx, CL_E_BOARD, "board '%s': option "
				       "'%s' has no '='", board->name, kv);
			goto fail;
		}
		*eq = 0;
		rc = set_param(tp, ops, kv, eq + 1);
		if (rc)
			goto fail;
	}
	for (i = 0; i < nparams; i++) {
		rc = set_param(tp, ops, params[i].key, params[i].value);
		if (rc)
			goto fail;
	}
	rc = ops->open(tp);
	if (rc) {
		ops->close(tp); /* backends may fail half-open */
		goto fail;
	}
	for (i = 0; i < nwrappers && !rc; i++)
		if (wanted(wrappers[i], params, nparams))
			rc = wrap(wrappers[i], &tp);
	if (rc) {
		cl_close(tp);
		return rc;
	}
	*out = tp;
	return 0;
fail:
	free(tp);
	return rc;
}

void cl_close(struct cl_tp *tp)
{
	if (!tp)
		return;
	if (tp->ops->close)
		tp->ops->close(tp);
	cl_close(tp->inner);
	free(tp);
}

void cl_describe(struct cl_tp *tp, char *buf, size_t len)
{
	while (tp->inner) /* a wrapper describes nothing of its own */
		tp = tp->inner;
	if (!len)
		return;
	buf[0] = 0;
	if (!tp->ops->describe || tp->ops->describe(tp, buf, len) || !buf[0])
		snprintf(buf, len, "%s", tp->ops->name);
}

static void help_of(const struct cl_tp_ops *ops, char *buf, size_t len,
		    size_t *used)
{
	const struct cl_tp_opt *o;

	append(buf, len, used, "%s:\n", ops->name);
	for (o = ops->opts; o && o->key; o++)
		append(buf, len, used, "  %s=%s  %s%s%s%s\n", o->key, o->arg,
		       o->help, o->def ? " (default " : "",
		       o->def ? o->def : "", o->def ? ")" : "");
}

void cl_tp_help(char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	if (!len)
		return;
	buf[0] = 0;
	for (i = 0; cl_transports[i]; i++)
		help_of(cl_transports[i], buf, len, &used);
	for (i = 0; i < nwrappers; i++)
		help_of(wrappers[i], buf, len, &used);
}
