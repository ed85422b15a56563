/* SPDX-License-Identifier: GPL-2.0-or-later */
/* transport.h - the ops table every card backend implements
 *
 * A transport reaches the card's RAM windows (from the board) and, where it
 * can, holds and releases the card CPU. The library calls only the cl_tp_*
 * functions below; cl_tp_write/read/fill are the single bounds-checked path
 * to the card: they check that [addr, addr+len) lies inside one board window
 * (overflow-checked) and hand the backend a window index and offset it may
 * trust. Nothing outside transports/ holds a raw pointer into card memory.
 *
 * Modelled on pciutils' struct pci_methods: one backend per file, each
 * ending in a designated-initializer instance. Backends include this and
 * util.h (context, errors, logging, numbers, byte order), never the
 * loader's internal.h.
 */
#ifndef CL_TRANSPORT_H
#define CL_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "cardload.h"

struct cl_tp;

/* One -O option of a backend, declared as pciutils' pci_define_param
 * does: -O help and the check of every key are made from these tables. */
struct cl_tp_opt {
	const char *key;  /* "mem.path": the backend's name, a dot, a word */
	const char *arg;  /* what the value is, for -O help: "FILE" */
	const char *def;  /* the value when neither the board nor -O gives
			   * one (cl_tp_param returns it), or NULL */
	const char *help; /* one line for -O help */
};

struct cl_tp_ops {
	const char *name;
	/* The -O options it takes, ended by an entry with key NULL. Board
	 * options and -O keys outside the table (and outside every
	 * registered wrapper's) are refused with CL_E_USAGE before open. */
	const struct cl_tp_opt *opts;

	/* Attach to the card. tp->board, tp->ctx and the params are set.
	 * Return 0, or CL_E_NODEV / CL_E_BUSY / CL_E_IO with cl_seterr. */
	int (*open)(struct cl_tp *tp);
	/* Detach; release locks and mappings. Never fails. Also called after
	 * a failed open, so it must cope with a half-open state (priv NULL or
	 * partly set up). */
	void (*close)(struct cl_tp *tp);

	/* Copy len bytes to window win at offset off. Range already checked.
	 * Must use aligned stores of the board's access width where the
	 * medium needs it; never read-modify-write. Return 0 or CL_E_IO. */
	int (*write)(struct cl_tp *tp, unsigned win, uint64_t off,
		     const void *buf, size_t len);
	/* Copy len bytes from the card. Return 0 or CL_E_IO. */
	int (*read)(struct cl_tp *tp, unsigned win, uint64_t off, void *buf,
		    size_t len);
	/* Optional: set len bytes to byte. NULL: written from a zero buffer. */
	int (*fill)(struct cl_tp *tp, unsigned win, uint64_t off, int byte,
		    uint64_t len);
	/* Optional: the first stretch of [off, off+len) that may hold
	 * non-zero bytes, as doff and dlen (dlen 0: all known zero). Lets
	 * zero-fill skip what the medium knows is zero (holes in a fresh
	 * sparse file). */
	int (*data_extent)(struct cl_tp *tp, unsigned win, uint64_t off,
			   uint64_t len, uint64_t *doff, uint64_t *dlen);
	/* Optional: [off, off+len) is about to be written: get the medium
	 * ready for it (the pages of a fresh RAM file allocated) without
	 * changing a byte the card reads. Called from a second thread while
	 * this one may read (never write), in pieces of a few MiB; sets no
	 * error (a failure only leaves the work to the writes). */
	void (*prepare)(struct cl_tp *tp, unsigned win, uint64_t off,
			uint64_t len);
	/* Optional: make every earlier write visible to the card before any
	 * later one (store fence, msync, write-combining flush). */
	int (*flush)(struct cl_tp *tp);
	/* Optional: stop the card CPU / keep it stopped. */
	int (*hold)(struct cl_tp *tp);
	/* Optional: let the card CPU run (after the mailbox says GO, or with
	 * the entry for transports that set the PC themselves). */
	int (*release)(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		       uint32_t argmask);
	/* Optional: a device register of width bytes at BAR bar, offset off
	 * (board register steps). Range already checked against nothing:
	 * the backend checks it against the BAR. Return 0, CL_E_USAGE or
	 * CL_E_IO. */
	int (*reg_read)(struct cl_tp *tp, unsigned bar, uint64_t off,
			unsigned width, uint64_t *value);
	int (*reg_write)(struct cl_tp *tp, unsigned bar, uint64_t off,
			 unsigned width, uint64_t value);
	/* Reads may run in a second thread while this one writes elsewhere,
	 * and see earlier writes without a flush (the mem transport). */
	bool concurrent_read;
	/* Optional: one line describing what is open ("mem /dev/shm/x"). */
	int (*describe)(struct cl_tp *tp, char *buf, size_t len);
};

#define CL_TP_MAX_PARAMS 32

struct cl_tp {
	const struct cl_tp_ops *ops;
	struct cl_ctx *ctx;
	const struct cl_board *board;
	unsigned nparam;
	struct cl_param param[CL_TP_MAX_PARAMS];
	void *priv;		/* backend state */
	struct cl_tp *inner;	/* a wrapping transport's target */
	uint64_t writes;	/* calls through cl_tp_write, for the record */
};

/* Every backend, for lookup by board "transport" and for -O help
 * (NULL-terminated). */
extern const struct cl_tp_ops cl_tp_mem;
extern const struct cl_tp_ops cl_tp_pci;
extern const struct cl_tp_ops cl_tp_usb;
extern const struct cl_tp_ops cl_tp_gdb;
extern const struct cl_tp_ops *const cl_transports[];

/*
 * Wrapping backends: a wrapper sits between the library and the board's
 * transport whenever one of the -O options given to cl_open is in the
 * wrapper's table. cl_open opens the board's transport, then the wrapper
 * with tp->inner pointing at it (tp->param and tp->board as the inner
 * one's); the wrapper forwards to tp->inner->ops. Its keys are accepted
 * for every transport and listed by -O help; a board cannot name it as
 * its transport. The library itself registers none: test builds link
 * the fault injector of test-harness/fault/fault.c, which registers itself
 * from a constructor (the unit tests and build/cardload-fault link
 * it; libcardload.a and the installed command do not). Register before
 * the first cl_open, from one thread.
 * Return: 0 (also when ops is registered already), or -1 when
 * CL_TP_MAX_WRAPPERS others are.
 */
#define CL_TP_MAX_WRAPPERS 4
int cl_tp_add_wrapper(const struct cl_tp_ops *ops);

/* Value of -O key for this transport: the -O option, else the board's,
 * else the default in the backend's option table; NULL if none. */
const char *cl_tp_param(const struct cl_tp *tp, const char *key);
/* The entry for key in the option table of ops, or NULL. */
const struct cl_tp_opt *cl_tp_opt_find(const struct cl_tp_ops *ops,
				       const char *key);
/* Parse a number or size (0x.., decimal, K/M/G suffix) from a param;
 * *found: it has a value (a default counts). */
int cl_tp_param_u64(struct cl_tp *tp, const char *key, uint64_t *out,
		    bool *found);
/* The same, a value given (or defaulted) must lie in [lo, hi] (else
 * CL_E_USAGE naming the key); *out is 0 when there is none. */
int cl_tp_param_range(struct cl_tp *tp, const char *key, uint64_t lo,
		      uint64_t hi, uint64_t *out);

/* The bounds-checked path to the card. */
int cl_tp_write(struct cl_tp *tp, uint64_t addr, const void *buf, size_t len);
int cl_tp_read(struct cl_tp *tp, uint64_t addr, void *buf, size_t len);
int cl_tp_fill(struct cl_tp *tp, uint64_t addr, int byte, uint64_t len);
/* Make [addr, addr+len) zero, writing only what the transport cannot
 * vouch for; *written says how many bytes were written. */
int cl_tp_zero(struct cl_tp *tp, uint64_t addr, uint64_t len,
	       uint64_t *written);
/* Write an image's bytes: as cl_tp_write, except that 4 KiB grains of
 * zeros landing where the transport knows the card reads zeros already
 * (holes of a fresh RAM file) are left out; *skipped counts them. */
int cl_tp_write_image(struct cl_tp *tp, uint64_t addr, const void *buf,
		      size_t len, uint64_t *skipped);
/* The ops' prepare for [addr, addr+len), if the transport has one and one
 * window holds the range; nothing otherwise. Thread-safe as the op. */
void cl_tp_prepare(struct cl_tp *tp, uint64_t addr, uint64_t len);
int cl_tp_flush(struct cl_tp *tp);
int cl_tp_hold(struct cl_tp *tp);
int cl_tp_reg_read(struct cl_tp *tp, int bar, uint64_t off, unsigned width,
		   uint64_t *value);
int cl_tp_reg_write(struct cl_tp *tp, int bar, uint64_t off, unsigned width,
		    uint64_t value);
int cl_tp_release(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		  uint32_t argmask);

#endif /* CL_TRANSPORT_H */
