/*
 * Payloads without a C library (the seL4 root task, the GNU Mach task): this header stands in for
 * the system's <string.h> (their CFLAGS put this directory first) and declares only what
 * guests/bare/libc.c defines.
 */
#ifndef HB_BARE_STRING_H
#define HB_BARE_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
char *strchr(const char *s, int c);
int strcmp(const char *a, const char *b);

#endif
