/*
 * Region marks for the cost-anatomy plugin (harness/anatomy/plugin/anatomy.c, docs/anatomy.md).
 *
 * Two 8-byte NOPs, `nopl 0x48420001(%eax,%eax,1)` and `...0002` (bytes 0f 1f 84 00, then the
 * displacement little-endian: 01 00 42 48 / 02 00 42 48). A NOP with a memory operand reads no
 * memory, needs no privilege and encodes the same in 32- and 64-bit mode, so every payload (the
 * i386 GNU Mach task as well as the x86_64 ones) uses the same bytes. The plugin recognises them by
 * their bytes: between HB_ANATOMY_BEGIN and HB_ANATOMY_END it counts what executes inside the timed
 * windows (a user-mode timer read opens a window, the next one closes it).
 *
 * Each benchmark puts them around its timed loop: after the warm-up, before the first timed
 * sample's first timer read, and after the last sample's second read. They lie outside every
 * window, but each is an instruction all the same, and under tcg-icount an instruction anywhere
 * moves the guest's clock: Linux's scheduler and GNU Mach's hand-off took other paths in some
 * samples with the marks in. So the marks exist only in the payload built for the anatomy boot
 * (-DHB_ANATOMY, harness/anatomy/run.ts); in every other build they are empty and the payload is
 * the same binary as without them. The asm's memory clobber keeps the compiler from moving the
 * loop's stores across a mark.
 *
 * Which reads bound a window. By default (hb_anatomy_begin) the reads pair up: the first opens a
 * window, the second closes it, and so on - right where only the measuring thread reads the timer.
 * Where both threads read it (a one-way IPC: client, server, server, client per round) the region
 * says so with hb_anatomy_begin_cycle(P, A, B): the reads come in cycles of P, and each cycle's read
 * A (counted from 0, from the region's first read) opens the window that its read B closes; reads
 * in between stay inside the window and the others lie outside every window. The cycle is the
 * begin mark's sixth byte (the displacement's second): P << 4 | A << 2 | B, so 1 <= P <= 15 and
 * 0 <= A < B <= 3, B < P; 0 (hb_anatomy_begin's byte) means P = 2, A = 0, B = 1. It is a byte of
 * the instruction, so the arguments must be constants (hence a macro, not a function; it refuses
 * a cycle out of those bounds at compile time).
 *
 * hb_anatomy_end_if(cond) ends the region inside a loop, where the loop runs further than its
 * samples (seL4's one-way reply needs one Call more). Without HB_ANATOMY it is nothing at all, not
 * even the test: an `if` with an empty body still changed gcc's code for the loop around it.
 */
#ifndef HB_ANATOMY_H
#define HB_ANATOMY_H

#define HB_ANATOMY_BEGIN_BYTES ".byte 0x0f, 0x1f, 0x84, 0x00, 0x01, 0x00, 0x42, 0x48"
#define HB_ANATOMY_END_BYTES ".byte 0x0f, 0x1f, 0x84, 0x00, 0x02, 0x00, 0x42, 0x48"

/* The begin mark's sixth byte for a cycle of p reads whose read a opens and read b closes the window. */
#define HB_ANATOMY_CYCLE(p, a, b) ((p) << 4 | (a) << 2 | (b))

#ifdef HB_ANATOMY
#define hb_anatomy_begin_cycle(p, a, b)                                                                  \
	do {                                                                                             \
		_Static_assert((p) >= 1 && (p) <= 15 && 0 <= (a) && (a) < (b) && (b) <= 3 && (b) < (p),   \
			       "hb_anatomy_begin_cycle: 1 <= P <= 15, 0 <= A < B <= 3, B < P");           \
		__asm__ __volatile__(".byte 0x0f, 0x1f, 0x84, 0x00, 0x01, %c0, 0x42, 0x48"               \
				     :                                                                   \
				     : "n"(HB_ANATOMY_CYCLE(p, a, b))                                    \
				     : "memory");                                                        \
	} while (0)

static inline __attribute__((always_inline)) void hb_anatomy_begin(void)
{
	__asm__ __volatile__(HB_ANATOMY_BEGIN_BYTES : : : "memory");
}

static inline __attribute__((always_inline)) void hb_anatomy_end(void)
{
	__asm__ __volatile__(HB_ANATOMY_END_BYTES : : : "memory");
}

#define hb_anatomy_end_if(cond)        \
	do {                           \
		if (cond)              \
			hb_anatomy_end(); \
	} while (0)
#else
#define hb_anatomy_begin_cycle(p, a, b) \
	do {                            \
	} while (0)

#define hb_anatomy_end_if(cond) \
	do {                    \
	} while (0)

static inline __attribute__((always_inline)) void hb_anatomy_begin(void)
{
}

static inline __attribute__((always_inline)) void hb_anatomy_end(void)
{
}
#endif

#endif
