/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmp.c - a minimal QMP client: hold and release a simulated card's CPU
 *
 * QMP is QEMU's JSON protocol on a unix socket: a greeting line, then
 * {"execute": "qmp_capabilities"}, then commands, each answered by a line
 * holding "return" or "error"; asynchronous "event" lines may come between
 * and are skipped. Every read is bounded by a timeout.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "util.h"
#include "qmp.h"

#define QMP_TIMEOUT_MS 5000
#define QMP_LINE_MAX 4096

/* One line from the socket, without the newline. */
static int read_line(struct cl_qmp *q, char *line, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			size_t k = (size_t)(nl - q->buf);

			n = k < max - 1 ? k : max - 1;
			memcpy(line, q->buf, n);
			line[n] = 0;
			memmove(q->buf, nl + 1, q->len - k - 1);
			q->len -= k + 1;
			return 0;
		}
		if (q->len == sizeof(q->buf))
			q->len = 0; /* an absurdly long line: drop it */
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int r = poll(&pfd, 1, QMP_TIMEOUT_MS);
		ssize_t got;

		if (r <= 0)
			return cl_seterr(q->ctx, CL_E_TIMEOUT, "QMP socket '%s'"
					 ": no answer within %d ms", q->path,
					 QMP_TIMEOUT_MS);
		got = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (got <= 0) {
			q->closed = true;
			return cl_seterr(q->ctx, CL_E_IO, "QMP socket '%s' "
					 "closed", q->path);
		}
		q->len += (size_t)got;
	}
}

/* Send one command and wait for its answer. */
static int execute(struct cl_qmp *q, const char *cmd)
{
	char line[QMP_LINE_MAX], req[128];
	int n, rc;

	n = snprintf(req, sizeof(req), "{\"execute\": \"%s\"}\n", cmd);
	q->sent = false;
	if (send(q->fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		return cl_seterr(q->ctx, CL_E_IO, "QMP socket '%s': write "
				 "failed: %s", q->path, strerror(errno));
	q->sent = true;
	for (;;) {
		rc = read_line(q, line, sizeof(line));
		if (rc)
			return rc;
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\""))
			return cl_seterr(q->ctx, CL_E_IO, "QMP '%s' failed: %s",
					 cmd, line);
		/* an event or anything else: keep reading */
	}
}

int cl_qmp_open(struct cl_ctx *ctx, const char *path, struct cl_qmp *q)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[QMP_LINE_MAX];
	int rc;

	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	q->fd = -1;
	snprintf(q->path, sizeof(q->path), "%s", path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return cl_seterr(ctx, CL_E_USAGE, "QMP socket path '%s' is too "
				 "long", path);
	strcpy(sa.sun_path, path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		rc = cl_seterr(ctx, CL_E_NODEV, "cannot connect to the card's "
			       "QMP socket '%s': %s", path, strerror(errno));
		cl_qmp_close(q);
		return rc;
	}
	rc = read_line(q, line, sizeof(line)); /* greeting */
	if (!rc && !strstr(line, "\"QMP\""))
		rc = cl_seterr(ctx, CL_E_NODEV, "'%s' does not speak QMP",
			       path);
	if (!rc)
		rc = execute(q, "qmp_capabilities");
	if (rc)
		cl_qmp_close(q);
	return rc;
}

void cl_qmp_close(struct cl_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

int cl_qmp_hold(struct cl_qmp *q)
{
	int rc = execute(q, "stop");

	return rc ? rc : execute(q, "system_reset");
}

/* A payload may power the machine off before QEMU's answer to "cont"
 * reaches us: the socket closing after the command went out means the CPU
 * ran, so it counts as released. */
int cl_qmp_release(struct cl_qmp *q)
{
	int rc = execute(q, "cont");

	if (rc == CL_E_IO && q->sent && q->closed) {
		cl_log(q->ctx, CL_LOG_INFO, "QMP socket '%s' closed after "
		       "'cont': the machine ran and exited", q->path);
		return 0;
	}
	return rc;
}
