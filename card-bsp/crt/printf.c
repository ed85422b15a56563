/* SPDX-License-Identifier: BSD-2-Clause */
/* printf.c - a small printf for the card console (card_putc)
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%. Flags '-' (left-justify) and
 * '0' (zero padding), a field width and a precision, either may be '*'.
 * Length modifiers hh h l ll z j t (long long is 64 bits here, as long).
 * %p prints 0x and lowercase hex. No floating point.
 */
#include "card.h"

struct spec {
	int left;	/* '-' */
	int zero;	/* '0' */
	int width;
	int prec;	/* -1: none */
};

static int pad(int c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		card_putc(c);
	return n > 0 ? n : 0;
}

/* One field: prefix ("-", "0x", ""), digits or text, padded to the width. */
static int field(const struct spec *sp, const char *prefix, const char *body,
		 int len)
{
	int plen = (int)strlen(prefix), n = 0, fill;

	fill = sp->width - plen - len;
	if (!sp->left && !sp->zero)
		n += pad(' ', fill);
	card_puts(prefix);
	if (!sp->left && sp->zero)
		n += pad('0', fill);
	for (int i = 0; i < len; i++)
		card_putc(body[i]);
	if (sp->left)
		n += pad(' ', fill);
	return n + plen + len;
}

static int number(struct spec *sp, uint64_t v, int neg, unsigned base,
		  int upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24 + 24];	/* 22 octal digits, plus precision zeros */
	char *end = buf + sizeof(buf), *p = end;
	int prec = sp->prec < 0 ? 1 : sp->prec;

	if (prec > 24)
		prec = 24;
	while (v) {
		*--p = digits[v % base];
		v /= base;
	}
	while (end - p < prec)
		*--p = '0';
	if (sp->prec >= 0)	/* C: a precision turns off '0' */
		sp->zero = 0;
	return field(sp, neg ? "-" : prefix, p, (int)(end - p));
}

int card_vprintf(const char *fmt, va_list ap)
{
	int n = 0;

	for (; *fmt; fmt++) {
		struct spec sp = { .prec = -1 };
		int lng = 0;	/* -2 hh, -1 h, 0 int, 1 long/64-bit */
		uint64_t u;
		int64_t s;
		const char *str;
		char c;

		if (*fmt != '%') {
			card_putc(*fmt);
			n++;
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lng = lng == -1 ? -2 : -1;
			else if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j' ||
				 *fmt == 't')
				lng = 1;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng > 0 ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng == -2)
				s = (signed char)s;
			u = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
			n += number(&sp, u, s < 0, 10, 0, "");
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng > 0 ? va_arg(ap, uint64_t)
				    : va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			n += number(&sp, u, 0,
				    *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				    *fmt == 'X', "");
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			n += number(&sp, u, 0, 16, 0, "0x");
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			sp.zero = 0;
			n += field(&sp, "", &c, 1);
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			{
				int len = 0;

				while (str[len] && (sp.prec < 0 || len < sp.prec))
					len++;
				sp.zero = 0;
				n += field(&sp, "", str, len);
			}
			break;
		case '%':
			card_putc('%');
			n++;
			break;
		case '\0':	/* a lone '%' at the end */
			return n;
		default:	/* unknown: print it as it was */
			card_putc('%');
			card_putc(*fmt);
			n += 2;
			break;
		}
	}
	return n;
}

int card_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = card_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
