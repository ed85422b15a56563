/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rusage.c - run one command; write its wall time, exit status, peak RSS
 *
 *   rusage RESULT CMD [ARG]...          (helper of load-speed.py, host tool)
 *
 * Forks, execs CMD (stdin, stdout and stderr as given to us), waits with
 * wait4 and writes one line "SECONDS STATUS MAXRSS_KIB" to the file RESULT:
 * the time from fork to the end of wait4 (CLOCK_MONOTONIC), the raw wait
 * status and the child's ru_maxrss. Exit status 0 unless we failed.
 *
 * Why not os.wait4 in Python directly: Linux folds the high-water RSS of
 * the process that execs into the new program's ru_maxrss (exec_mmap), so
 * a child forked or vforked by a Python process holding tens of MiB
 * reports at least that much. Forked from this small program, the floor
 * is about a MiB.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: rusage RESULT CMD [ARG]...\n");
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("rusage: wait4");
		return 1;
	}
	t1 = now();
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%.6f %d %ld\n", t1 - t0, status, ru.ru_maxrss) < 0 ||
	    fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
