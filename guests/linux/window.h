/*
 * The start of a timed window. hb_timer_overhead() (the floor subtracted from every sample) times
 * two back-to-back hb_timer_now() calls, and between them the compiler puts the first reading
 * together into one 64-bit value (edx:eax into one register: a few moves, a shift and an or).
 * Inside a benchmark it may instead keep the two halves apart until after the second read, so the
 * window would hold fewer instructions than the floor subtracted from it. The empty asm takes the
 * first reading as a 64-bit register value right after the read, before the system call's asm
 * (volatile asms keep their order), so both windows hold the same instructions around the reads.
 */
#ifndef HB_WINDOW_H
#define HB_WINDOW_H

#include <stdint.h>

#include "timer.h"

static inline uint64_t hb_window_start(void)
{
	uint64_t t0 = hb_timer_now();

	__asm__ __volatile__("" : "+r"(t0));
	return t0;
}

#endif
