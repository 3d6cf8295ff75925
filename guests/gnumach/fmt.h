/*
 * A small snprintf for console lines and ERROR reasons: the payload has no C library. Supports
 * %s %c %d %u %x %% with the l, ll and z length modifiers (i386: long is 32 bits, long long 64)
 * and a width with '0' padding; nothing else.
 */
#ifndef HB_GNUMACH_FMT_H
#define HB_GNUMACH_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: always terminates buf (if size > 0), returns the length written. */
size_t hb_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
size_t hb_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
