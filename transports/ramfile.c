/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ramfile.c - open the file that holds a card's RAM (the mem transport)
 *
 * The file usually lives in a directory everyone may write (/dev/shm), and
 * cardload often runs as root: a symlink or a file planted there by another
 * user must not turn a load into a write to any file. So the file is opened
 * by name inside its opened parent directory, without following a final
 * symlink, and refused when that directory is sticky and world-writable and
 * the file belongs to neither the caller nor root; -O mem.trust-path=1
 * lifts both rules. The checks are made on the open descriptors (no race
 * with a rename). One rule for everything that cannot serve as card RAM
 * (missing, a symlink, a directory, FIFO, socket or device, too small, an
 * untrusted owner): CL_E_NODEV. Permission and I/O errors stay CL_E_IO.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "ramfile.h"
#include "transport.h"

/* "a directory", for messages about what the path names instead */
static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFLNK: return "a symbolic link";
	default: return "not a regular file";
	}
}

static int not_ram(struct cl_tp *tp, const char *path, const char *what,
		   uint64_t need)
{
	return cl_seterr(tp->ctx, CL_E_NODEV, "card memory '%s' is %s; board "
			 "'%s' needs a regular file of at least %" PRIu64
			 " bytes", path, what, tp->board->name, need);
}

/* openat(dfd, name) failed with err: say why, from what is there. */
static int open_failed(struct cl_tp *tp, const char *path, int dfd,
		       const char *name, int err, bool trust, uint64_t need)
{
	struct stat ls;
	bool there = !fstatat(dfd, name, &ls, AT_SYMLINK_NOFOLLOW);

	if (there && S_ISLNK(ls.st_mode) && !trust)
		return cl_seterr(tp->ctx, CL_E_NODEV, "card memory '%s' is a "
				 "symbolic link, which cardload does not "
				 "follow (-O mem.trust-path=1 to allow it)",
				 path);
	if (there && S_ISLNK(ls.st_mode) && err == ENOENT)
		return cl_seterr(tp->ctx, CL_E_NODEV, "card memory '%s' is a "
				 "dangling symbolic link", path);
	if (there && !S_ISREG(ls.st_mode) && !S_ISLNK(ls.st_mode))
		return not_ram(tp, path, file_kind(ls.st_mode), need);
	return cl_seterr(tp->ctx, err == ENOENT ? CL_E_NODEV : CL_E_IO,
			 "cannot open card memory '%s': %s%s", path,
			 strerror(err), err == EACCES ?
			 " (needs write permission on the file)" : "");
}

/*
 * Open the file named by path for reading and writing: the parent
 * directory first, then the file inside it, so that the owner rule is
 * checked against the directory that really holds it. Returns the file's
 * descriptor in *fd, its stat in *st.
 */
int cl_ram_file_open(struct cl_tp *tp, const char *path, bool trust,
		     uint64_t need, int *fd, struct stat *st)
{
	char *dir = strdup(path), *name;
	const char *dpath = dir;
	int dfd = -1, rc = 0;
	struct stat ds;

	if (!dir)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	name = strrchr(dir, '/');
	if (!name) {
		name = dir;
		dpath = ".";
	} else {
		if (name == dir)
			dpath = "/";
		*name++ = '\0';
	}
	dfd = open(dpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = cl_seterr(tp->ctx, errno == ENOENT || errno == ENOTDIR ?
				CL_E_NODEV : CL_E_IO, "cannot open the "
			       "directory of card memory '%s': %s", path,
			       strerror(errno));
		goto out;
	}
	if (!*name) {	/* "/", "dir/" */
		rc = not_ram(tp, path, "a directory", need);
		goto out;
	}
	*fd = openat(dfd, name, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		     (trust ? 0 : O_NOFOLLOW));
	if (*fd < 0) {
		rc = open_failed(tp, path, dfd, name, errno, trust, need);
		goto out;
	}
	if (fstat(*fd, st)) {
		rc = cl_seterr(tp->ctx, CL_E_IO, "cannot stat card memory "
			       "'%s': %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st->st_mode)) {
		rc = not_ram(tp, path, file_kind(st->st_mode), need);
		goto out_close;
	}
	if (!trust && !fstat(dfd, &ds) && (ds.st_mode & S_ISVTX) &&
	    (ds.st_mode & S_IWOTH) && st->st_uid != geteuid() &&
	    st->st_uid != 0) {
		rc = cl_seterr(tp->ctx, CL_E_NODEV, "card memory '%s' belongs "
			       "to uid %u, neither this user (uid %u) nor "
			       "root, in the sticky world-writable directory "
			       "'%s': refused (-O mem.trust-path=1 to use it)",
			       path, (unsigned)st->st_uid, (unsigned)geteuid(),
			       dpath);
		goto out_close;
	}
	if ((uint64_t)st->st_size < need) {
		rc = not_ram(tp, path, "too small", need);
		goto out_close;
	}
	goto out;
out_close:
	close(*fd);
	*fd = -1;
out:
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}
