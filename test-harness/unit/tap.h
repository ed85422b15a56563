/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h - a tiny TAP producer for the unit tests (one header, no library)
 *
 *   ok(cond, "name %d", i);       one test point
 *   is_int(got, want, "name");    equality with both values shown on failure
 *   msg_has(msg, "a|b")          msg contains "a" or "b"
 *   return tap_done();            prints the plan, exit status 1 on failure
 */
#ifndef CL_TAP_H
#define CL_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

#define is_u64(got, want, ...) do {					\
	uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);		\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", g_, w_); \
} while (0)

__attribute__((format(printf, 1, 2), unused))
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* True when msg contains one of the '|'-separated alternatives in want. */
__attribute__((unused))
static int msg_has(const char *msg, const char *want)
{
	char alt[128];
	const char *p = want, *bar;

	for (;;) {
		size_t n;

		bar = strchr(p, '|');
		n = bar ? (size_t)(bar - p) : strlen(p);
		if (n >= sizeof(alt))
			n = sizeof(alt) - 1;
		memcpy(alt, p, n);
		alt[n] = 0;
		if (strstr(msg, alt))
			return 1;
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* CL_TAP_H */
