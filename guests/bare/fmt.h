/*
 * A small snprintf for console lines and ERROR reasons in payloads without a C library (seL4,
 * GNU Mach). Supports %s %c %d %u %x %% with the l, ll and z length modifiers (sized for i386 and
 * x86_64 alike) and a width with '0' padding; nothing else.
 */
#ifndef HB_BARE_FMT_H
#define HB_BARE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: always terminates buf (if size > 0), returns the length written. */
size_t hb_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
size_t hb_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
