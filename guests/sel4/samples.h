/*
 * The sample buffer: one array for every benchmark, as large as the iteration count asks, mapped
 * from untyped RAM at start-up so no timed loop ever waits on the kernel for memory.
 */
#ifndef HB_SEL4_SAMPLES_H
#define HB_SEL4_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* The buffer for count samples, or NULL with the reason in why. */
uint64_t *hb_samples_map(uint32_t count, char *why, size_t why_size);

#endif
