/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the cardload command: find the subcommand, parse its options
 * against its own table, run it, and with --json close the one JSON object
 * the run prints (with the error, if any) */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* SIGINT/SIGTERM: the library stops at its next step, before any release;
 * the card stays held, the lock goes with the process, exit code 11. */
static struct cl_ctx *volatile sig_ctx;
volatile sig_atomic_t cli_interrupted;

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

static const char version_usage[] =
"usage: cardload version [--json]   (also: cardload -V)\n"
"\n"
"Print cardload's version.\n"
"\n"
"      --json           one JSON object on stdout: version\n"
"  -h, --help           this text\n";

static int cmd_version(struct cli *c)
{
	if (c->json)
		json_str(&c->j, "version", CL_VERSION);
	else
		printf("cardload %s\n", CL_VERSION);
	return 0;
}

const struct cli_cmd cli_cmd_version = {
	.name = "version", .fn = cmd_version,
	.what = "print the version",
	.usage = version_usage,
	.opts = CLI_OPT(CO_JSON) | CLI_OPT(CO_HELP),
};

static const struct cli_cmd *const cmds[] = {
	&cli_cmd_boot, &cli_cmd_load, &cli_cmd_start, &cli_cmd_hold,
	&cli_cmd_verify, &cli_cmd_status, &cli_cmd_console, &cli_cmd_read,
	&cli_cmd_write, &cli_cmd_list, &cli_cmd_inspect, &cli_cmd_board,
	&cli_cmd_version,
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))


static void usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: cardload COMMAND [options]   (cardload %s)\n\n",
		CL_VERSION);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i]->name, cmds[i]->what);
	fprintf(f, "\n'cardload COMMAND --help' for a command's options; "
		"'cardload boot -O help' for\ntransport options. --json "
		"makes any command print one JSON object.\n%s", CLI_EXIT_CODES);
}

/* With --json, close the run's one object: its exit status and the error
 * recorded, if any. */
static int finish(struct cli *c, int rc)
{
	if (!c->json)
		return rc;
	cli_json_begin(c); /* a usage error may come first */
	json_u64(&c->j, "exit", (uint64_t)rc);
	if (rc) {
		json_obj(&c->j, "error");
		json_str(&c->j, "name", c->exit_code ? c->err_name :
			 "CL_E_INTERNAL");
		json_u64(&c->j, "exit", (uint64_t)rc);
		json_str(&c->j, "message", c->exit_code ? c->err_msg :
			 "failed");
		json_end_obj(&c->j);
	}
	json_end_obj(&c->j);
	json_done(&c->j);
	return rc;
}

/* 'cardload foo' and 'cardload --foo': one line, a hint, exit 2. */
static int unknown(struct cli *c, const char *what)
{
	fprintf(stderr, "cardload: unknown command '%s' (see 'cardload "
		"--help')\n", cli_safe(what));
	snprintf(c->err_name, sizeof(c->err_name), "CL_E_USAGE");
	snprintf(c->err_msg, sizeof(c->err_msg), "unknown command");
	c->exit_code = CL_EXIT_USAGE;
	return finish(c, CL_EXIT_USAGE);
}

static int run(struct cli *c, int argc, char **argv)
{
	int rc = cli_parse(c, argc, argv);

	if (rc == -1)
		return 0; /* --help */
	if (!rc)
		rc = cli_check_args(c);
	if (!rc && c->json)
		cli_json_begin(c);
	if (!rc)
		rc = c->cmd->fn(c);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	unsigned i;
	int rc, k;

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
	for (i = 0; i < NCMDS; i++)
		if (!strcmp(argv[1], cmds[i]->name))
			break;
	if (i == NCMDS) { /* --json anywhere: the error as JSON too */
		for (k = 1; k < argc; k++)
			c.json |= !strcmp(argv[k], "--json");
		return unknown(&c, argv[1]);
	}
	c.cmd = cmds[i];
	c.name = cmds[i]->name;
	c.ctx = cl_ctx_new();
	if (!c.ctx) {
		fprintf(stderr, "cardload %s: error: out of memory\n", c.name);
		return CL_EXIT_INTERNAL;
	}
	cl_set_log(c.ctx, cli_on_log, &c);
	catch_signals(c.ctx);
	rc = finish(&c, run(&c, argc - 1, argv + 1));
	cl_ctx_free(c.ctx);
	free(c.recipe_argv);
	free(c.recipe_store);
	return rc;
}
