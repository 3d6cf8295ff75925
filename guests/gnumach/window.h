/*
 * Timed traps: the timer read just before `lcall $7,$0` and just after it returns, in one asm
 * statement, so that neither the C calling convention nor argument pushes lie in the window.
 *
 * GNU Mach copies a trap's arguments from the user stack, from 4(%esp) up: a stub is called with
 * its arguments above the return address (traps.c). Here the caller lays out a frame in memory
 * instead, frame[0] where the return address would be (the kernel skips that word; we keep the
 * trap number there) and the arguments in frame[1..]; the asm points %esp at the frame before the
 * first timer read and back after the second one. The call gate changes privilege, so the CPU
 * saves the user stack pointer on the kernel stack and never writes to the frame; every user
 * register but %eax (the result) comes back as it was.
 *
 * Between the two reads the window holds, besides the trap: the first reading's two stores, the
 * load of %eax from frame[0] and the store of the result (4 instructions). hb_timer_overhead()'s
 * back-to-back window, the floor subtracted from every sample, holds the first reading's two
 * stores and the load, test and branch on hb_timer_use_rdtscp before the second read (5). So a
 * sample less the floor is the trap and the kernel path behind it, one instruction short.
 */
#ifndef HB_GNUMACH_WINDOW_H
#define HB_GNUMACH_WINDOW_H

#include <stdint.h>

#include "timer.h"

/*
 * hb_timer_now()'s two read sequences (common/timer.h), spelled out again because here they sit
 * inside the asm statement with the trap; test/guests/gnumach/window.test.ts checks they match.
 */
#define HB_WINDOW_READ_RDTSCP "rdtscp\n\tlfence\n\t"
#define HB_WINDOW_READ_LFENCE "lfence\n\trdtsc\n\tlfence\n\t"

/* A trap's user stack: the trap number where the return address would be, then its arguments. */
struct hb_trap_frame {
	int32_t trap;
	uint32_t arg[7];
};

/* The two timer readings, low word first. */
struct hb_trap_times {
	uint32_t t0[2];
	uint32_t t1[2];
};

#define HB_TRAP_TIMED_ASM(read)                                                                     \
	"pushl %%ecx\n\t"          /* where the second reading goes, for after the trap */        \
	"movl %%esp, %%ebx\n\t"    /* the caller's stack, kept in a register the kernel preserves */ \
	"movl %%esi, %%esp\n\t"    /* the trap's arguments are now at 4(%%esp) */                  \
	read                                                                                        \
	"movl %%eax, (%%edi)\n\t"                                                                   \
	"movl %%edx, 4(%%edi)\n\t"                                                                  \
	"movl (%%esp), %%eax\n\t"                                                                   \
	"lcall $7, $0\n\t"                                                                          \
	"movl %%eax, %%esi\n\t"                                                                     \
	read                                                                                        \
	"movl %%ebx, %%esp\n\t"                                                                     \
	"popl %%ecx\n\t"                                                                            \
	"movl %%eax, (%%ecx)\n\t"                                                                   \
	"movl %%edx, 4(%%ecx)"

/*
 * Reads the timer into *t0, makes the trap frame describes and reads the timer into *t1 as soon
 * as it returns; returns the trap's result. t0 and t1 may point into a message the trap sends or
 * receives: *t0 is written before the trap, *t1 after.
 */
static inline int32_t hb_trap_timed(const struct hb_trap_frame *frame, uint32_t t0[2], uint32_t t1[2])
{
	uint32_t rc = (uint32_t)frame, a, b, c = (uint32_t)t1, d;

	if (hb_timer_use_rdtscp)
		__asm__ __volatile__(HB_TRAP_TIMED_ASM(HB_WINDOW_READ_RDTSCP)
				     : "+S"(rc), "+c"(c), "=a"(a), "=b"(b), "=d"(d)
				     : "D"(t0)
				     : "memory");
	else
		__asm__ __volatile__(HB_TRAP_TIMED_ASM(HB_WINDOW_READ_LFENCE)
				     : "+S"(rc), "+c"(c), "=a"(a), "=b"(b), "=d"(d)
				     : "D"(t0)
				     : "memory");
	(void)a, (void)b, (void)c, (void)d;
	return (int32_t)rc;
}

/* The same trap with no timer reads: for a partner whose code lies inside another thread's window. */
static inline int32_t hb_trap(const struct hb_trap_frame *frame)
{
	uint32_t rc = (uint32_t)frame, a, b, c, d;

	__asm__ __volatile__("movl %%esp, %%ebx\n\t"
			     "movl %%esi, %%esp\n\t"
			     "movl (%%esp), %%eax\n\t"
			     "lcall $7, $0\n\t"
			     "movl %%eax, %%esi\n\t"
			     "movl %%ebx, %%esp"
			     : "+S"(rc), "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     :
			     : "memory");
	(void)a, (void)b, (void)c, (void)d;
	return (int32_t)rc;
}

static inline uint64_t hb_trap_time(const uint32_t t[2])
{
	return (uint64_t)t[1] << 32 | t[0];
}

#endif
