/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.c - one cardload command: find it, parse its options against its own
 * table, run it, and with --json close the one JSON object the run prints
 * (with the error, if any); for the command (main.c) on stdout and stderr,
 * and for programs and bindings through cl_run (cardload_run.h), with
 * --json implied and both streams in memory
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* set by the command's SIGINT/SIGTERM handler (main.c) */
volatile sig_atomic_t cli_interrupted;

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
		fprintf(c->out, "cardload %s\n", CL_VERSION);
	return 0;
}

const struct cli_cmd cli_cmd_version = {
	.name = "version", .fn = cmd_version,
	.what = "print the version",
	.usage = version_usage,
	.opts = CLI_OPT(CO_JSON) | CLI_OPT(CO_HELP),
};

const struct cli_cmd *const cli_cmds[] = {
	&cli_cmd_boot, &cli_cmd_load, &cli_cmd_start, &cli_cmd_hold,
	&cli_cmd_verify, &cli_cmd_status, &cli_cmd_console, &cli_cmd_read,
	&cli_cmd_write, &cli_cmd_list, &cli_cmd_inspect, &cli_cmd_board,
	&cli_cmd_version, NULL,
};

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
	fprintf(c->err, "cardload: unknown command '%s' (see 'cardload "
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

int cli_main(struct cli *c, int argc, char **argv)
{
	unsigned i;
	int k;

	for (i = 0; cli_cmds[i]; i++)
		if (!strcmp(argv[0], cli_cmds[i]->name))
			break;
	if (!cli_cmds[i]) { /* --json anywhere: the error as JSON too */
		for (k = 0; k < argc; k++)
			c->json |= !strcmp(argv[k], "--json");
		return unknown(c, argv[0]);
	}
	c->cmd = cli_cmds[i];
	c->name = cli_cmds[i]->name;
	return finish(c, run(c, argc, argv));
}

void cli_free(struct cli *c)
{
	cl_ctx_free(c->ctx);
	free(c->recipe_argv);
	free(c->recipe_store);
}

/* cl_run's messages: to the caller's log function, if any */
struct run_log {
	struct cli *c;
	const struct cl_run_opts *o;
};

static void run_log(void *arg, enum cl_log_level lvl, const char *msg)
{
	struct run_log *r = arg;

	if (r->o->log && (lvl <= CL_LOG_WARN ||
			  (int)lvl - (int)CL_LOG_WARN <= r->c->verbose))
		r->o->log(r->o->log_arg, lvl, msg);
}

int cl_run(int argc, const char *const *argv, const struct cl_run_opts *opts,
	   char **json)
{
	struct cl_run_opts o = { 0 };
	struct cli c = { .lib = true };
	struct run_log rl = { &c, &o };
	char **args = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	int rc = CL_EXIT_INTERNAL, k;

	if (opts)
		memcpy(&o, opts, opts->size < sizeof(o) ? opts->size :
		       sizeof(o));
	*json = NULL;
	c.out = open_memstream(json, &outlen);
	c.err = open_memstream(&err, &errlen);
	c.ctx = cl_ctx_new();
	args = calloc((size_t)(argc > 0 ? argc : 0) + 2, sizeof(*args));
	if (c.out && c.err && c.ctx && args && argc > 0) {
		for (k = 0; k < argc; k++)
			args[k] = (char *)argv[k];
		args[argc] = (char *)"--json"; /* given twice is no error */
		c.json = true;
		cl_set_log(c.ctx, run_log, &rl);
		cl_set_progress(c.ctx, o.progress, o.progress_arg);
		cl_set_cancel(c.ctx, o.cancel);
		rc = cli_main(&c, argc + 1, args);
	} else if (c.out && argc <= 0) {
		rc = CL_EXIT_USAGE;
		fprintf(c.out, "{\"schema\": %d, \"command\": null, "
			"\"exit\": 2, \"error\": {\"name\": \"CL_E_USAGE\", "
			"\"exit\": 2, \"message\": \"no command\"}}\n",
			CLI_JSON_SCHEMA);
	}
	if (c.ctx)
		cli_free(&c);
	free(args);
	if (c.err)
		fclose(c.err);
	free(err);
	if (c.out)
		fclose(c.out); /* *json final here */
	return rc;
}
