/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.c - a program built against an installed libcardload.so with
 * pkg-config only (e2e/install.sh): a cardload command through cl_run
 *
 *   cc run.c $(pkg-config --cflags --libs cardload) -o run
 *   ./run inspect --board BOARD_FILE IMAGE
 *
 * Prints the library's version, then the command's JSON; exits with the
 * command's exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <cardload_run.h>

static void on_log(void *arg, enum cl_log_level lvl, const char *msg)
{
	(void)arg;
	fprintf(stderr, "log %d: %s\n", (int)lvl, msg);
}

int main(int argc, char **argv)
{
	struct cl_run_opts opts = { .size = sizeof(opts), .log = on_log };
	char *json = NULL;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: run COMMAND [ARGS...]\n");
		return 2;
	}
	printf("libcardload %s (built with %s)\n", cl_version(), CL_VERSION);
	status = cl_run(argc - 1, (const char *const *)argv + 1, &opts, &json);
	fputs(json ? json : "(no json)\n", stdout);
	free(json);
	return status;
}
