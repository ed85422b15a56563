/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ramfile.h - open the file that holds a card's RAM */
#ifndef CL_RAMFILE_H
#define CL_RAMFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct cl_tp;

/*
 * Open path for reading and writing: its parent directory first, then the
 * file inside it without following a final symlink, so that the owner rule
 * (trust false: in a sticky world-writable directory, only the caller's or
 * root's files) is checked against the directory that really holds it.
 * need: the bytes the board's windows reach (a smaller file is refused).
 * Returns 0 with the file's
 * descriptor in *fd and its stat in *st; CL_E_NODEV for anything that
 * cannot serve as card RAM, CL_E_IO for permission and I/O errors.
 */
int cl_ram_file_open(struct cl_tp *tp, const char *path, bool trust,
		     uint64_t need, int *fd, struct stat *st);

#endif /* CL_RAMFILE_H */
