/*
 * The GNU Mach payload has no C library: this header stands in for the system's <string.h> (CFLAGS puts
 * this directory first) and declares only what libc.c defines.
 */
#ifndef HB_GNUMACH_STRING_H
#define HB_GNUMACH_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
char *strchr(const char *s, int c);
int strcmp(const char *a, const char *b);

#endif
