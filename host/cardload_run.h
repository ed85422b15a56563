/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cardload_run.h - the stable interface of libcardload.so: run any cardload
 * command in this process and get its JSON
 *
 * Everything libcardload.so exports is declared here. The command line is
 * the interface (argv as `cardload` takes it) and the result is the one
 * JSON object `cardload ... --json` prints (its keys are documented in
 * cardload.schema.json and carry a "schema" version), so programs and
 * language bindings never see a C structure that could change size. The
 * structure API of cardload.h (boards, images, plans) is for static
 * linking with libcardload.a.
 *
 *   const char *argv[] = { "boot", "--board", "qemu-virt-riscv64",
 *                          "-O", "mem.path=/dev/shm/card", "--wait",
 *                          "hello.elf.gz", NULL };
 *   char *json = NULL;
 *   int status = cl_run(7, argv, NULL, &json);   (0: done; else 1..14)
 *   ... parse json ...
 *   free(json);
 */
#ifndef CARDLOAD_RUN_H
#define CARDLOAD_RUN_H

#include <stddef.h>
#include <stdint.h>

#define CL_VERSION "0.1.0"

/* The version of the library a program runs with ("0.1.0"), which for a
 * shared libcardload may differ from the CL_VERSION it was built with. */
const char *cl_version(void);

enum cl_log_level { CL_LOG_ERR, CL_LOG_WARN, CL_LOG_INFO, CL_LOG_DEBUG };
typedef void (*cl_log_fn)(void *arg, enum cl_log_level lvl, const char *msg);
/* stage is "write", "zero", "verify"; done/total in bytes */
typedef void (*cl_progress_fn)(void *arg, const char *stage, uint64_t done,
			       uint64_t total);

/* How cl_run reports as it goes. size is sizeof(struct cl_run_opts) as the
 * caller was built: a later library that adds members reads only the
 * first size bytes, so old callers keep working. */
struct cl_run_opts {
	size_t size;
	cl_log_fn log;            /* every message (NULL: none); -v and -vv
				   * in argv let info and debug through */
	void *log_arg;
	cl_progress_fn progress;  /* load progress (NULL: none) */
	void *progress_arg;
	volatile int *cancel;     /* set non-zero (from another thread or a
				   * signal handler) to stop a load at its
				   * next step, the card held: exit 11 */
};

/* Run one command: argv[0] is the command's name ("boot", "status", ...),
 * the rest its arguments as the command line takes them; --json is implied
 * (given or not). *json gets the command's JSON object, NUL-terminated
 * (free() it; NULL only when out of memory). opts may be NULL.
 * Return: the command's exit status, 0..14 as `cardload` exits. Not
 * reentrant: one cl_run at a time in a process. */
int cl_run(int argc, const char *const *argv, const struct cl_run_opts *opts,
	   char **json);

#endif /* CARDLOAD_RUN_H */
