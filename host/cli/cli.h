/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h - what the cardload command's files share: the command table,
 * parsed options, and the helpers that turn library results into text,
 * JSON and exit codes */
#ifndef CL_CLI_H
#define CL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "cardload.h"
#include "json.h"

#define CLI_MAX_PARAMS 32
#define CLI_MAX_ARGS 8
#define CLI_RECIPE_MAX_BYTES (1 << 20)
#define CLI_RECIPE_MAX_OPTS 4096
#define CLI_RECIPE_MAX_LINE 4094
#define CLI_JSON_SCHEMA 1   /* --json output: bumped when a key changes */

/* Every option any command takes. A command lists the ones it takes in its
 * own table (struct cli_cmd.opts); any other is a usage error naming it. */
enum cli_opt {
	CO_BOARD, CO_SLOT, CO_DEVICE, CO_OPTION,
	CO_BASE, CO_ADDR, CO_ENTRY, CO_ARG, CO_USE_VADDR,
	CO_MAX_SIZE, CO_MAX_RATIO, CO_LOW_MEMORY, CO_NO_LOW_MEMORY,
	CO_MEM_BUDGET,
	CO_CMDLINE, CO_IMAGE, CO_BLOB, CO_INITRD, CO_DTB, CO_DTB_FROM_CARD,
	CO_SET, CO_RECIPE,
	CO_DRY_RUN, CO_NO_START, CO_WAIT, CO_JSON, CO_PROGRESS,
	CO_NO_PROGRESS, CO_VERBOSE, CO_HELP,
	CO_OUTPUT, CO_FORCE, CO_NO_HOLD, CO_FOLLOW,
	CO__COUNT
};

#define CLI_EXIT_CODES \
"Exit codes: 0 ok, 1 internal, 2 usage, 3 board file, 4 bad image,\n" \
"5 placement conflict, 6 no device, 7 busy, 8 transport I/O,\n" \
"9 verify mismatch, 10 timeout, 11 interrupted, 12 wrong card state,\n" \
"13 payload reported failure, 14 more than one card matches.\n"

#define CLI_OPT(o) (UINT64_C(1) << (o))
/* groups used by several commands */
#define CLI_OPTS_COMMON (CLI_OPT(CO_JSON) | CLI_OPT(CO_VERBOSE) | \
			 CLI_OPT(CO_HELP))
#define CLI_OPTS_CARD (CLI_OPT(CO_BOARD) | CLI_OPT(CO_SLOT) | \
		       CLI_OPT(CO_DEVICE) | CLI_OPT(CO_OPTION))
#define CLI_OPTS_IMAGE (CLI_OPT(CO_BASE) | CLI_OPT(CO_ADDR) | \
			CLI_OPT(CO_USE_VADDR) | CLI_OPT(CO_MAX_SIZE) | \
			CLI_OPT(CO_MAX_RATIO) | CLI_OPT(CO_LOW_MEMORY) | \
			CLI_OPT(CO_NO_LOW_MEMORY) | CLI_OPT(CO_MEM_BUDGET))
#define CLI_OPTS_BOOT (CLI_OPT(CO_ENTRY) | CLI_OPT(CO_ARG) | \
		       CLI_OPT(CO_CMDLINE) | CLI_OPT(CO_IMAGE) | \
		       CLI_OPT(CO_BLOB) | CLI_OPT(CO_INITRD) | \
		       CLI_OPT(CO_DTB) | CLI_OPT(CO_DTB_FROM_CARD) | \
		       CLI_OPT(CO_SET) | CLI_OPT(CO_RECIPE))

struct cli;
typedef int (*cli_cmd_fn)(struct cli *c);

struct cli_cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *what;       /* one line for 'cardload --help' */
	const char *usage;      /* 'cardload NAME --help' */
	uint64_t opts;          /* CLI_OPT() of every option it takes */
	unsigned min_args, max_args; /* positional arguments */
};

struct cli {
	FILE *out, *err;             /* stdout and stderr, or cl_run's buffers */
	bool lib;                    /* run by cl_run: no progress bar */
	const struct cli_cmd *cmd;
	const char *name;            /* the command's name, for messages */
	struct cl_ctx *ctx;
	/* options */
	const char *board_name;
	struct cl_param param[CLI_MAX_PARAMS];
	unsigned nparam;
	const char *arg[CLI_MAX_ARGS]; /* positional arguments */
	unsigned nargs;
	const char *image;           /* main image (boot, load, verify,
				      * inspect) */
	struct cl_image_opts iopts;
	struct cl_plan_opts popts;
	struct cl_load_opts lopts;
	bool dry_run, json, progress, no_progress, force, no_hold, follow;
	bool wait;
	unsigned wait_ms;
	const char *output;          /* read -o FILE */
	struct cl_boot_spec spec;    /* images, blobs, initrd, dtb, refs */
	char **recipe_argv;          /* argv built from --recipe (owned) */
	char *recipe_store;
	int verbose;
	/* output: one JSON object for the whole run with --json */
	struct json j;
	bool json_open;
	int exit_code;               /* of the error recorded, 0 if none */
	char err_name[32];
	char err_msg[1024];
	/* state */
	struct cl_board board;
	bool have_board;
};

/* main.c: set by SIGINT/SIGTERM */
#include <signal.h>
extern volatile sig_atomic_t cli_interrupted;

/* run.c: every command (NULL-terminated); run one on c (c->ctx, out and
 * err set), argv[0] its name; the exit status. cli_free: what a run
 * leaves, the context included. */
extern const struct cli_cmd *const cli_cmds[];
int cli_main(struct cli *c, int argc, char **argv);
void cli_free(struct cli *c);

/* opts.c */
int cli_parse(struct cli *c, int argc, char **argv);
int cli_check_args(struct cli *c);          /* positionals, after parse */
int cli_fail(struct cli *c, int err);       /* print the error, exit code */
int cli_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_load_board(struct cli *c);          /* --board, required */
const char *const *cli_board_dirs(void);    /* NULL-terminated */
int cli_parse_addr(struct cli *c, const char *what, const char *s,
		   uint64_t *out);
void cli_on_log(void *arg, enum cl_log_level lvl, const char *msg);
void cli_json_begin(struct cli *c);         /* open the top-level object */
int cli_open_card(struct cli *c, struct cl_tp **tp);

/* recipe.c: --recipe FILE expanded into argv ahead of the command line */
int cli_expand_recipe(struct cli *c, int *argc, char ***argv);

/* text.c: names from the outside world, printed safely */
const char *cli_safe(const char *s);         /* rotating static buffers */
void cli_put_safe(FILE *f, const char *s, size_t len, bool keep_newlines);
void cli_progress_start(struct cli *c);
void cli_progress_end(struct cli *c, bool ok);

/* cmd_load.c: --wait after a release (boot, start) */
int cli_wait(struct cli *c, struct cl_tp *tp);

/* report.c */
void report_image(const struct cl_image *img, FILE *f);
void report_plan(const struct cl_plan *p, FILE *f);
void report_result(const struct cl_plan *p, const struct cl_load_result *r,
		   FILE *f);
void json_image(struct json *j, const struct cl_image *img);
void json_plan(struct json *j, const struct cl_plan *p);
void json_args(struct json *j, const char *key, uint32_t mask,
	       const uint64_t *arg);
void json_result(struct json *j, const struct cl_plan *p,
		 const struct cl_load_result *r);
void json_board(struct cli *c);
void report_board(struct cli *c);

/* the commands, each with its own option table */
extern const struct cli_cmd cli_cmd_boot, cli_cmd_load, cli_cmd_verify,
	cli_cmd_start, cli_cmd_hold, cli_cmd_status, cli_cmd_console,
	cli_cmd_read, cli_cmd_write, cli_cmd_list, cli_cmd_inspect,
	cli_cmd_board, cli_cmd_version;

#endif /* CL_CLI_H */
