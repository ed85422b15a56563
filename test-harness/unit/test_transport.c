/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_transport.c - the transport layer: the bounds-checked path, the mem
 * backend (mapping, lock, holes, option handling, what mem.path may name)
 * and the fault wrapper */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"
#include "tap.h"
#include "transport.h"

static struct cl_ctx *ctx;
static char path[64];

/* Two windows: ram0 at 0x80000000 (1 MiB, file offset 0) and ram1 at
 * 0x10000000 (64 KiB, file offset 1 MiB). */
static void make_board(struct cl_board *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "t");
	snprintf(b->transport, sizeof(b->transport), "mem");
	b->nwin = 2;
	b->win[0] = (struct cl_window){ .name = "ram0", .addr = 0x80000000, .size = 1 << 20,
				.offset = 0, .bar = -1 };
	b->win[1] = (struct cl_window){ .name = "ram1", .addr = 0x10000000, .size = 64 << 10,
				.offset = 1 << 20, .bar = -1 };
	b->access_width = 4;
}

static void make_file(off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, size))
		perror(path);
	close(fd);
}

static int open_mem(const struct cl_board *b, const char *k2, const char *v2,
		    struct cl_tp **tp)
{
	struct cl_param p[2] = { { "mem.path", path }, { k2, v2 } };

	return cl_open(ctx, b, p, k2 ? 2 : 1, tp);
}

static void file_bytes(off_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);

	if (pread(fd, buf, n, off) != (ssize_t)n)
		memset(buf, 0xee, n);
	close(fd);
}

static void test_paths(const struct cl_board *b)
{
	struct cl_tp *tp = NULL, *tp2 = NULL;
	uint8_t buf[16], got[16];
	int rc;

	make_file((1 << 20) + (64 << 10));
	rc = open_mem(b, NULL, NULL, &tp);
	ok(rc == 0 && tp, "mem: opens a file that covers every window");
	if (rc)
		return;
	memcpy(buf, "0123456789abcdef", 16);
	is_int(cl_tp_write(tp, 0x80000010, buf, 16), 0, "write inside ram0");
	is_int(cl_tp_write(tp, 0x10000000, buf, 8), 0, "write inside ram1");
	file_bytes(0x10, got, 16);
	ok(!memcmp(got, buf, 16), "ram0 bytes land at file offset 0x10");
	file_bytes(1 << 20, got, 8);
	ok(!memcmp(got, buf, 8), "ram1 bytes land at its file offset");
	memset(got, 0, sizeof(got));
	is_int(cl_tp_read(tp, 0x80000010, got, 16), 0, "read back");
	ok(!memcmp(got, buf, 16), "read returns what was written");

	/* the one bounds-checked path refuses anything outside a window */
	is_int(cl_tp_write(tp, 0x800ffff8, buf, 16), CL_E_INTERNAL,
	       "write across the end of ram0 is refused");
	ok(strstr(cl_errmsg(ctx), "0x800ffff8") != NULL,
	   "the refusal names the address");
	is_int(cl_tp_write(tp, 0x7ffffff0, buf, 16), CL_E_INTERNAL,
	       "write before ram0 is refused");
	is_int(cl_tp_write(tp, 0xfffffffffffffff8ull, buf, 16), CL_E_INTERNAL,
	       "a wrapping range is refused");
	is_int(cl_tp_read(tp, 0x1000fff0, got, 32), CL_E_INTERNAL,
	       "read past ram1 is refused");
	is_int(cl_tp_fill(tp, 0x80000000, 0, (1 << 20) + 1), CL_E_INTERNAL,
	       "fill past ram0 is refused");
	file_bytes(0xffff8, got, 8);
	ok(got[0] == 0 && got[7] == 0, "refused writes changed nothing");

	/* holes: a fresh sparse file is known to be zero */
	{
		uint64_t n = 1;

		is_int(cl_tp_zero(tp, 0x80080000, 0x2000, &n), 0,
		       "zero an untouched range");
		is_u64(n, 0, "an untouched range of a sparse file is not "
		       "written");
		buf[0] = 0x55;
		cl_tp_write(tp, 0x80091000, buf, 1);
		is_int(cl_tp_zero(tp, 0x80090000, 0x4000, &n), 0,
		       "zero a range with one data page");
		is_u64(n, 0x1000, "only the data page is written");
		cl_tp_read(tp, 0x80091000, got, 1);
		is_int(got[0], 0, "and it is zero now");
		is_int(cl_tp_zero(tp, 0x80000010, 16, &n), 0, "zero 16 bytes");
		file_bytes(0x10, got, 16);
		ok(!memcmp(got, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) &&
		   n == 16, "bytes in a data page are written as zeros");
	}

	/* the lock */
	rc = open_mem(b, NULL, NULL, &tp2);
	is_int(rc, CL_E_BUSY, "a second open of the same card is busy");
	ok(strstr(cl_errmsg(ctx), path) != NULL, "busy names the file");
	cl_close(tp);
	rc = open_mem(b, NULL, NULL, &tp2);
	is_int(rc, 0, "the lock is dropped on close");
	cl_close(tp2);
}

static void test_open_errors(const struct cl_board *b)
{
	struct cl_tp *tp = NULL;
	struct cl_board bad = *b;
	int rc;

	make_file(4096);
	rc = open_mem(b, NULL, NULL, &tp);
	ok(rc == CL_E_NODEV && strstr(cl_errmsg(ctx), "too small"),
	   "a file smaller than the windows is not this card");
	unlink(path);
	rc = open_mem(b, NULL, NULL, &tp);
	ok(rc == CL_E_NODEV && strstr(cl_errmsg(ctx), "No such file"),
	   "a missing file is no device");
	rc = cl_open(ctx, b, NULL, 0, &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "mem.path"),
	   "mem.path is required");
	make_file((1 << 20) + (64 << 10));
	rc = open_mem(b, "mem.bogus", "1", &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "mem.bogus"),
	   "an unknown -O key is a usage error naming it");
	rc = open_mem(b, "fault.corrupt-write", "x", &tp);
	is_int(rc, CL_E_USAGE, "a non-numeric fault option is refused");
	snprintf(bad.transport, sizeof(bad.transport), "carrier-pigeon");
	rc = open_mem(&bad, NULL, NULL, &tp);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "carrier-pigeon"),
	   "an unknown transport is a board error");
	ok(tp == NULL, "failed opens leave no transport");
}

static void skip(const char *name, const char *why)
{
	ok(1, "%s # SKIP %s", name, why);
}

/* rc is CL_E_NODEV and the message holds both needles. */
static bool nodev(int rc, const char *n1, const char *n2)
{
	const char *m = cl_errmsg(ctx);

	if (rc == CL_E_NODEV && strstr(m, n1) && (!n2 || strstr(m, n2)))
		return true;
	diag("rc %d: %s", rc, m);
	return false;
}

/* What mem.path may name: a regular file it opens without following a
 * final symlink, not another user's file in a sticky world-writable
 * directory (both allowed by mem.trust-path=1); everything else that
 * cannot be card RAM is CL_E_NODEV, saying what it is. */
static void test_window_paths(const struct cl_board *b)
{
	char link[80], other[80], dir[80], sock[80];
	struct cl_param p[2] = { { "mem.path", link },
				 { "mem.trust-path", "1" } };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cl_tp *tp = NULL;
	int rc, fd;

	make_file((1 << 20) + (64 << 10));
	snprintf(link, sizeof(link), "%s.link", path);
	unlink(link);
	if (symlink(path, link)) {
		ok(0, "mem: make a symlink in /dev/shm");
		return;
	}
	rc = cl_open(ctx, b, p, 1, &tp);
	ok(nodev(rc, link, "symbolic link") && !tp, "mem: a symlink is not "
	   "followed: CL_E_NODEV naming it");
	cl_close(tp);
	rc = cl_open(ctx, b, p, 2, &tp);
	ok(rc == 0 && tp, "mem: mem.trust-path=1 follows it");
	cl_close(tp);
	tp = NULL;
	p[1].value = "2";
	rc = cl_open(ctx, b, p, 2, &tp);
	ok(rc == CL_E_USAGE && strstr(cl_errmsg(ctx), "must be 0 or 1"),
	   "mem: mem.trust-path=2 is a usage error");
	cl_close(tp);
	tp = NULL;
	p[1].value = "1";
	unlink(link);

	snprintf(dir, sizeof(dir), "%s.dir", path);
	mkdir(dir, 0700);
	p[0].value = dir;
	rc = cl_open(ctx, b, p, 1, &tp);
	ok(nodev(rc, dir, "is a directory"), "mem: a directory: CL_E_NODEV");
	rmdir(dir);
	mkfifo(dir, 0600);
	rc = cl_open(ctx, b, p, 1, &tp);
	ok(nodev(rc, dir, "is a FIFO"), "mem: a FIFO: CL_E_NODEV");
	unlink(dir);

	snprintf(sock, sizeof(sock), "%s.sock", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(sock);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		p[0].value = sock;
		rc = cl_open(ctx, b, p, 1, &tp);
		ok(nodev(rc, sock, "is a socket"), "mem: a socket: "
		   "CL_E_NODEV");
	} else {
		skip("mem: a socket: CL_E_NODEV", "cannot bind a socket");
	}
	if (fd >= 0)
		close(fd);
	unlink(sock);
	p[0].value = "/dev/null";
	rc = cl_open(ctx, b, p, 1, &tp);
	ok(nodev(rc, "/dev/null", "is a character device"), "mem: a "
	   "character device: CL_E_NODEV");

	snprintf(other, sizeof(other), "%s.other", path);
	p[0].value = other;
	fd = open(other, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (1 << 20) + (64 << 10)) ||
	    fchown(fd, 12345, 12345)) {
		skip("mem: another user's file in /dev/shm is refused",
		     "cannot chown (not root)");
		skip("mem: mem.trust-path=1 accepts it", "not root");
	} else {
		rc = cl_open(ctx, b, p, 1, &tp);
		ok(nodev(rc, other, "uid 12345") &&
		   strstr(cl_errmsg(ctx), "'/dev/shm'"), "mem: another "
		   "user's file in /dev/shm is refused, naming the owner and "
		   "the directory");
		cl_close(tp);
		rc = cl_open(ctx, b, p, 2, &tp);
		ok(rc == 0 && tp, "mem: mem.trust-path=1 accepts it");
		cl_close(tp);
		tp = NULL;
	}
	if (fd >= 0)
		close(fd);
	unlink(other);
}

static void test_board_options(const struct cl_board *b)
{
	struct cl_board ob = *b;
	struct cl_tp *tp = NULL;
	struct cl_param p = { "mem.path", path };
	int rc;

	make_file((1 << 20) + (64 << 10));
	ob.nopt = 1;
	snprintf(ob.opt[0], sizeof(ob.opt[0]), "mem.path=/nonexistent/x");
	rc = cl_open(ctx, &ob, NULL, 0, &tp);
	ok(rc == CL_E_NODEV && strstr(cl_errmsg(ctx), "/nonexistent/x"),
	   "a board's default option is used");
	rc = cl_open(ctx, &ob, &p, 1, &tp);
	is_int(rc, 0, "-O overrides the board's default");
	cl_close(tp);
}

/* Options come from each backend's table: the check, the message, the
 * defaults and -O help. */
static void test_option_tables(const struct cl_board *b)
{
	static const struct cl_tp_opt none[] = { { .key = NULL } };
	static const struct cl_tp_ops extra = { .name = "extra", .opts = none };
	struct cl_tp *tp = NULL;
	char help[4096];
	int rc;

	make_file((1 << 20) + (64 << 10));
	rc = open_mem(b, "pci.slot", "01:00.0", &tp);
	ok(rc == CL_E_USAGE && msg_has(cl_errmsg(ctx), "'pci.slot'") &&
	   msg_has(cl_errmsg(ctx), "mem.path, mem.trust-path, mem.qmp"),
	   "another transport's key is refused for mem, naming the key and "
	   "listing mem's keys");
	rc = open_mem(b, NULL, NULL, &tp);
	ok(rc == 0 && tp, "mem opens");
	if (tp) {
		ok(cl_tp_param(tp, "mem.trust-path") &&
		   !strcmp(cl_tp_param(tp, "mem.trust-path"), "0"),
		   "an option not given has its table default");
		ok(!cl_tp_param(tp, "mem.qmp"), "no default: NULL");
		cl_close(tp);
	}
	cl_tp_help(help, sizeof(help));
	ok(msg_has(help, "mem:\n  mem.path=FILE  ") &&
	   msg_has(help, "pci.sysfs=DIR  sysfs PCI root (default "
		   "/sys/bus/pci)\n") &&
	   msg_has(help, "fault:\n  fault.corrupt-write=K  "),
	   "-O help is made from the tables, defaults and the registered "
	   "wrapper included");
	cl_tp_help(help, 12);
	ok(strlen(help) == 11, "-O help cut short stays a string");
	is_int(cl_tp_add_wrapper(&extra), 0, "a wrapper registers");
	is_int(cl_tp_add_wrapper(&extra), 0, "registering it again is a no-op");
	cl_tp_help(help, sizeof(help));
	ok(msg_has(help, "\nextra:\n") &&
	   !strstr(strstr(help, "extra:") + 1, "extra:"), "... listed once");
}

static void test_fault(const struct cl_board *b)
{
	struct cl_tp *tp = NULL;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, got[8];
	int rc;

	make_file((1 << 20) + (64 << 10));
	rc = open_mem(b, "fault.corrupt-at", "0x80000102", &tp);
	is_int(rc, 0, "fault wrapper opens around mem");
	if (rc)
		return;
	is_int(cl_tp_write(tp, 0x80000000, buf, 8), 0, "write elsewhere");
	is_int(cl_tp_write(tp, 0x80000100, buf, 8), 0, "write over ADDR");
	cl_tp_read(tp, 0x80000100, got, 8);
	ok(got[2] == (3 ^ 0x10) && got[1] == 2 && got[3] == 4,
	   "corrupt-at flips one bit of the byte at ADDR only");
	cl_tp_write(tp, 0x80000100, buf, 8);
	cl_tp_read(tp, 0x80000100, got, 8);
	ok(!memcmp(got, buf, 8), "corrupt-at fires once");
	cl_close(tp);

	rc = open_mem(b, "fault.corrupt-write", "2", &tp);
	cl_tp_write(tp, 0x80000000, buf, 8);
	cl_tp_write(tp, 0x80000010, buf, 8);
	cl_tp_read(tp, 0x80000000, got, 8);
	ok(!memcmp(got, buf, 8), "corrupt-write=2 spares write 1");
	cl_tp_read(tp, 0x80000010, got, 8);
	ok(memcmp(got, buf, 8) != 0, "corrupt-write=2 corrupts write 2");
	cl_close(tp);
}

/* The mem window sits between guard pages: a write just past it, which
 * the bounds check would never let through, must crash rather than land
 * somewhere. Done in a child calling the backend directly. */
static void test_guard(const struct cl_board *b)
{
	struct cl_tp *tp = NULL;
	uint8_t byte = 0x5a;
	pid_t pid;
	int st = 0;

	make_file((1 << 20) + (64 << 10));
	if (open_mem(b, NULL, NULL, &tp)) {
		ok(0, "guard: open");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) { /* ram1 ends where the mapping ends */
		/* quiet: a sanitizer build reports the fault on stderr */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		tp->ops->write(tp, 1, 64 << 10, &byte, 1);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(pid > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0),
	   "guard: a write one byte past the window faults instead of "
	   "landing (status 0x%x)", st);
	cl_close(tp);
}

int main(void)
{
	struct cl_board b;

	ctx = cl_ctx_new();
	snprintf(path, sizeof(path), "/dev/shm/cl-test-tp-%d", (int)getpid());
	make_board(&b);
	test_paths(&b);
	test_open_errors(&b);
	test_window_paths(&b);
	test_board_options(&b);
	test_option_tables(&b);
	test_fault(&b);
	test_guard(&b);
	unlink(path);
	cl_ctx_free(ctx);
	return tap_done();
}
