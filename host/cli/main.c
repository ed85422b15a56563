/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the cardload command: the top-level help, signals, and one
 * command run by run.c on the process's stdout and stderr */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* SIGINT/SIGTERM: the library stops at its next step, before any release;
 * the card stays held, the lock goes with the process, exit code 11. */
static struct cl_ctx *volatile sig_ctx;

static void on_signal(int sig)
{
	(void)sig;
	cli_interrupted = 1;
	cl_interrupt(sig_ctx);
}

static void catch_signals(struct cl_ctx *ctx)
{
	struct sigaction sa;

	sig_ctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: cardload COMMAND [options]   (cardload %s)\n\n",
		CL_VERSION);
	for (i = 0; cli_cmds[i]; i++)
		fprintf(f, "  %-8s %s\n", cli_cmds[i]->name,
			cli_cmds[i]->what);
	fprintf(f, "\n'cardload COMMAND --help' for a command's options; "
		"'cardload boot -O help' for\ntransport options. --json "
		"makes any command print one JSON object.\n%s", CLI_EXIT_CODES);
}

int main(int argc, char **argv)
{
	struct cli c = { .out = stdout, .err = stderr };
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		argv[1] = (char *)"version";
	c.ctx = cl_ctx_new();
	if (!c.ctx) {
		fprintf(stderr, "cardload: error: out of memory\n");
		return CL_EXIT_INTERNAL;
	}
	cl_set_log(c.ctx, cli_on_log, &c);
	catch_signals(c.ctx);
	rc = cli_main(&c, argc - 1, argv + 1);
	cli_free(&c);
	return rc;
}
