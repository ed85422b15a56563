/* SPDX-License-Identifier: GPL-2.0-or-later */
/* file.c - small files read whole: board files, recipes, blobs, initrd,
 * device trees, and the files 'cardload write' puts into card memory
 *
 * One reader, cl_file_slurp; each caller words its own errors (a board
 * file's are board errors, a recipe's usage errors), and cl_read_file is
 * the data files' wording of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

/* First buffer for a file whose size fstat does not tell (a pipe). */
#define SLURP_FIRST 4096

enum cl_slurp cl_file_slurp(const char *path, uint64_t max, unsigned flags,
			    char **out, size_t *len, int *errnum)
{
	enum cl_slurp rc = CL_SLURP_OK;
	size_t got = 0, cap, limit;
	struct stat st;
	char *buf = NULL;
	bool regular;
	int fd;

	*out = NULL;
	*errnum = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*errnum = errno;
		return CL_SLURP_OPEN;
	}
	if (fstat(fd, &st)) {
		*errnum = errno;
		rc = CL_SLURP_READ;
		goto out_close;
	}
	regular = S_ISREG(st.st_mode);
	if ((flags & CL_SLURP_REGULAR) && (!regular || !st.st_size)) {
		rc = CL_SLURP_NOTREG;
		goto out_close;
	}
	if (regular && (uint64_t)st.st_size > max) {
		rc = CL_SLURP_TOOBIG;
		goto out_close;
	}
	/* read one byte more than max, to see that there are more; a regular
	 * file wanted as such is read up to its size at open */
	limit = max < SIZE_MAX - 1 ? (size_t)max + 1 : SIZE_MAX - 1;
	if (flags & CL_SLURP_REGULAR)
		limit = (size_t)st.st_size;
	cap = regular ? (size_t)st.st_size + 1 : SLURP_FIRST;
	if (cap > limit)
		cap = limit;
	buf = malloc(cap + 1);
	while (buf) {
		ssize_t n;

		if (got == cap) {
			char *more;

			if (cap == limit)
				break;
			cap = cap < limit / 2 ? cap * 2 : limit;
			more = realloc(buf, cap + 1);
			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*errnum = errno;
			rc = CL_SLURP_READ;
			goto out_free;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	if (!buf) {
		rc = CL_SLURP_NOMEM;
		goto out_close;
	}
	if ((flags & CL_SLURP_REGULAR) && got != (size_t)st.st_size) {
		rc = CL_SLURP_READ; /* it shrank while it was read */
		goto out_free;
	}
	if (got > max) {
		rc = CL_SLURP_TOOBIG;
		goto out_free;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	close(fd);
	return CL_SLURP_OK;

out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

int cl_read_file(struct cl_ctx *ctx, const char *path, uint64_t max,
		 uint8_t **out, size_t *len)
{
	char *buf;
	int e;

	*out = NULL;
	switch (cl_file_slurp(path, max, CL_SLURP_REGULAR, &buf, len, &e)) {
	case CL_SLURP_OK:
		*out = (uint8_t *)buf;
		return 0;
	case CL_SLURP_OPEN:
		return cl_seterr(ctx, CL_E_FILE, "cannot open '%s': %s", path,
				 strerror(e));
	case CL_SLURP_NOTREG:
	case CL_SLURP_TOOBIG:
		return cl_seterr(ctx, CL_E_FILE, "'%s' is not a regular file "
				 "of 1 to %" PRIu64 " bytes", path, max);
	case CL_SLURP_NOMEM:
		return cl_seterr(ctx, CL_E_NOMEM, "cannot read '%s'", path);
	default:
		return cl_seterr(ctx, CL_E_FILE, "cannot read '%s'", path);
	}
}
