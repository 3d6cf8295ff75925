#include <stdint.h>

#include "fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_unsigned(struct out *o, uint64_t v, unsigned base, unsigned width, char pad)
{
	char digits[64];
	unsigned n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, digits[--n]);
}

size_t hb_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, longs = 0, size_t_arg = 0;
		char pad = ' ';
		uint64_t u;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			if (*fmt == 'z')
				size_t_arg = 1;
			else
				longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);

			if (v < 0) {
				put(&o, '-');
				u = (uint64_t)0 - (uint64_t)v;
			} else {
				u = (uint64_t)v;
			}
			put_unsigned(&o, u, 10, width, pad);
			break;
		}
		case 'u':
		case 'x':
			/* Each by its own type: long and size_t are 32 bits on i386 and 64 on x86_64. */
			if (longs >= 2)
				u = va_arg(ap, unsigned long long);
			else if (longs)
				u = va_arg(ap, unsigned long);
			else if (size_t_arg)
				u = va_arg(ap, size_t);
			else
				u = va_arg(ap, unsigned);
			put_unsigned(&o, u, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unsupported conversions show up in the output rather than silently vanish. */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
			break;
		}
	}
done:
	if (size)
		buf[o.len] = '\0';
	return o.len;
}

size_t hb_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = hb_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
