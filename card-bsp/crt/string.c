/* SPDX-License-Identifier: BSD-2-Clause */
/* string.c - the few C library functions a freestanding compiler may call
 *
 * clang emits calls to memcpy/memset/memmove/memcmp for struct copies and
 * zeroing even with -ffreestanding. Simple byte loops: the payloads here
 * do their bulk work elsewhere. (-ffreestanding implies -fno-builtin, so
 * these loops are not turned back into calls to themselves.)
 */
#include "card.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *e = s;

	while (*e)
		e++;
	return (size_t)(e - s);
}
