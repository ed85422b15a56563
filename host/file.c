/* SPDX-License-Identifier: GPL-2.0-or-later */
/* file.c - a data file read whole: blobs, initrd, device trees, and the
 * files 'cardload write' puts into card memory */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

int cl_read_file(struct cl_ctx *ctx, const char *path, uint64_t max,
		 uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return cl_seterr(ctx, CL_E_FILE, "cannot open '%s': %s", path,
				 strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
	    (uint64_t)st.st_size > max) {
		close(fd);
		return cl_seterr(ctx, CL_E_FILE, "'%s' is not a regular file "
				 "of 1 to %" PRIu64 " bytes", path, max);
	}
	buf = malloc((size_t)st.st_size);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		return cl_seterr(ctx, buf ? CL_E_FILE : CL_E_NOMEM,
				 "cannot read '%s'", path);
	}
	*out = buf;
	*len = got;
	return 0;
}
