/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmio.h - copying to and from device memory safely
 *
 * Device memory (a PCI BAR) wants naturally aligned stores no wider than
 * the board's access width, never a read-modify-write, and survives a card
 * that vanishes mid-copy: a bus error (SIGBUS) on the mapping becomes an
 * error return instead of a crash.
 */
#ifndef CL_MMIO_H
#define CL_MMIO_H

#include <stddef.h>
#include <stdint.h>

/* Copy with stores of at most width bytes (1, 2, 4, 8), each naturally
 * aligned; ragged ends use narrower stores. 0, or -1 on a bus error with
 * *at the offset where it struck. */
int cl_mmio_write(volatile uint8_t *dst, const uint8_t *src, size_t len,
		  unsigned width, size_t *at);
int cl_mmio_read(uint8_t *dst, const volatile uint8_t *src, size_t len,
		 unsigned width, size_t *at);
int cl_mmio_fill(volatile uint8_t *dst, uint8_t byte, size_t len,
		 unsigned width, size_t *at);
/* Plain memcpy/memset into a mapped file, under the same bus-error guard. */
int cl_guarded_copy(void *dst, const void *src, size_t len, size_t *at);
int cl_guarded_set(void *dst, int byte, size_t len, size_t *at);
/* One register access of width bytes; -1 on a bus error. */
int cl_mmio_load(const volatile uint8_t *p, unsigned width, uint64_t *v);
int cl_mmio_store(volatile uint8_t *p, unsigned width, uint64_t v);

#endif /* CL_MMIO_H */
