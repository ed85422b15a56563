/* SPDX-License-Identifier: GPL-2.0-or-later */
/* num.c - the one parser for numbers and sizes given by people: board
 * files, -O options and command-line addresses */
#include <string.h>
#include "internal.h"

/* Decimal or 0x hex, then an optional K, M or G (powers of 1024). */
int cl_parse_num(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	const char *p = s, *end;
	uint64_t v = 0, base = 10, d;
	unsigned shift = 0;

	if (n && (s[n - 1] == 'K' || s[n - 1] == 'M' || s[n - 1] == 'G')) {
		shift = s[n - 1] == 'K' ? 10 : s[n - 1] == 'M' ? 20 : 30;
		n--;
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		p += 2;
	}
	end = s + n;
	if (p == end)
		return CL_NUM_BAD;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9')
			d = (uint64_t)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (uint64_t)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (uint64_t)(*p - 'A' + 10);
		else
			return CL_NUM_BAD;
		if (d >= base)
			return CL_NUM_BAD;
		if (cl_mul_ovf(v, base, &v) || cl_add_ovf(v, d, &v))
			return CL_NUM_BIG;
	}
	if (v > UINT64_MAX >> shift)
		return CL_NUM_BIG;
	*out = v << shift;
	return CL_NUM_OK;
}
