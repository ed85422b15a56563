/* cli.h - what the cardload command's files share: parsed options and the
 * helpers that turn library results into text, JSON and exit codes */
#ifndef CL_CLI_H
#define CL_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "cardload.h"
#include "json.h"

#define CLI_MAX_PARAMS 32

struct cli {
	const char *cmd;
	const char *argv0;
	struct cl_ctx *ctx;
	/* options */
	const char *board_name;
	struct cl_param param[CLI_MAX_PARAMS];
	unsigned nparam;
	const char *image;
	struct cl_image_opts iopts;
	struct cl_plan_opts popts;
	struct cl_load_opts lopts;
	bool dry_run, json, progress, no_progress;
	bool wait;
	unsigned wait_ms;
	struct cl_boot_spec spec;    /* images, blobs, initrd, dtb, refs */
	char *recipe_argv[256];      /* argv built from --recipe */
	char recipe_store[16384];
	int verbose;
	/* state */
	struct cl_board board;
	bool have_board;
};

typedef int (*cli_cmd_fn)(struct cli *c, int argc, char **argv);

/* opts.c */
int cli_parse(struct cli *c, int argc, char **argv, const char *usage,
	      int want_image);
int cli_fail(struct cli *c, int err);       /* print the error, exit code */
int cli_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_load_board(struct cli *c);          /* --board, required */
const char *const *cli_board_dirs(void);    /* NULL-terminated */
void cli_on_progress(void *arg, const char *stage, uint64_t done,
		     uint64_t total);
void cli_on_log(void *arg, enum cl_log_level lvl, const char *msg);

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

/* the commands */
int cmd_inspect(struct cli *c, int argc, char **argv);
int cmd_boot(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_start(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_board(struct cli *c, int argc, char **argv);
int cmd_console(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);

#endif /* CL_CLI_H */
