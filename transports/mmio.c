/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmio.c - copying to and from device memory: aligned stores, bus-error
 * guard */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include "mmio.h"

/* The copy in progress on this thread, for the SIGBUS handler. */
static __thread sigjmp_buf *bus_env;
static __thread volatile size_t bus_pos;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	if (bus_env)
		siglongjmp(*bus_env, 1);
	signal(sig, SIG_DFL); /* not ours: die as we would have */
	raise(sig);
}

static void install(void)
{
	static int done;
	struct sigaction sa;

	if (done)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	done = 1;
}

/* Largest access of at most width bytes that is aligned at addr and fits
 * in left bytes. */
static unsigned step(uintptr_t addr, size_t left, unsigned width)
{
	unsigned w = width;

	while (w > 1 && ((addr & (w - 1)) || left < w))
		w >>= 1;
	return w;
}

static void store(volatile uint8_t *p, unsigned w, uint64_t v)
{
	switch (w) {
	case 8: *(volatile uint64_t *)p = v; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)v; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
	default: *p = (uint8_t)v; break;
	}
}

static uint64_t load(const volatile uint8_t *p, unsigned w)
{
	switch (w) {
	case 8: return *(const volatile uint64_t *)p;
	case 4: return *(const volatile uint32_t *)p;
	case 2: return *(const volatile uint16_t *)p;
	default: return *p;
	}
}

/* The body of each guarded operation; mode 0 write, 1 read, 2 fill,
 * 3 memcpy, 4 memset. */
static int guarded(int mode, volatile uint8_t *dst, const volatile uint8_t *src,
		   uint8_t byte, size_t len, unsigned width, size_t *at)
{
	sigjmp_buf env;
	size_t i = 0;

	install();
	if (sigsetjmp(env, 1)) {
		bus_env = NULL;
		if (at)
			*at = bus_pos;
		return -1;
	}
	bus_env = &env;
	bus_pos = 0;
	if (mode == 3) {
		memcpy((void *)dst, (const void *)src, len);
	} else if (mode == 4) {
		memset((void *)dst, byte, len);
	} else {
		uint64_t pat = 0x0101010101010101ull * byte;

		while (i < len) {
			unsigned w = step((uintptr_t)(mode == 1 ? src : dst) + i,
					  len - i, width);
			uint64_t v = 0;

			bus_pos = i;
			if (mode == 1) {
				v = load(src + i, w);
				memcpy((uint8_t *)dst + i, &v, w);
			} else if (mode == 0) {
				memcpy(&v, (const uint8_t *)src + i, w);
				store(dst + i, w, v);
			} else {
				store(dst + i, w, pat);
			}
			i += w;
		}
	}
	bus_env = NULL;
	return 0;
}

int cl_mmio_write(volatile uint8_t *dst, const uint8_t *src, size_t len,
		  unsigned width, size_t *at)
{
	return guarded(0, dst, src, 0, len, width, at);
}

int cl_mmio_read(uint8_t *dst, const volatile uint8_t *src, size_t len,
		 unsigned width, size_t *at)
{
	return guarded(1, dst, src, 0, len, width, at);
}

int cl_mmio_fill(volatile uint8_t *dst, uint8_t byte, size_t len,
		 unsigned width, size_t *at)
{
	return guarded(2, dst, NULL, byte, len, width, at);
}

int cl_guarded_copy(void *dst, const void *src, size_t len, size_t *at)
{
	return guarded(3, dst, src, 0, len, 1, at);
}

int cl_guarded_set(void *dst, int byte, size_t len, size_t *at)
{
	return guarded(4, dst, NULL, (uint8_t)byte, len, 1, at);
}

int cl_mmio_load(const volatile uint8_t *p, unsigned width, uint64_t *v)
{
	uint8_t b[8] = { 0 };
	int rc = guarded(1, b, p, 0, width, width, NULL);

	if (!rc) {
		*v = 0;
		memcpy(v, b, width); /* host is little-endian like the bus */
	}
	return rc;
}

int cl_mmio_store(volatile uint8_t *p, unsigned width, uint64_t v)
{
	return guarded(0, p, (const uint8_t *)&v, 0, width, width, NULL);
}
