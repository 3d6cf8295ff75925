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
 */
#ifndef HB_ANATOMY_H
#define HB_ANATOMY_H

#define HB_ANATOMY_BEGIN_BYTES ".byte 0x0f, 0x1f, 0x84, 0x00, 0x01, 0x00, 0x42, 0x48"
#define HB_ANATOMY_END_BYTES ".byte 0x0f, 0x1f, 0x84, 0x00, 0x02, 0x00, 0x42, 0x48"

#ifdef HB_ANATOMY
static inline __attribute__((always_inline)) void hb_anatomy_begin(void)
{
	__asm__ __volatile__(HB_ANATOMY_BEGIN_BYTES : : : "memory");
}

static inline __attribute__((always_inline)) void hb_anatomy_end(void)
{
	__asm__ __volatile__(HB_ANATOMY_END_BYTES : : : "memory");
}
#else
static inline __attribute__((always_inline)) void hb_anatomy_begin(void)
{
}

static inline __attribute__((always_inline)) void hb_anatomy_end(void)
{
}
#endif

#endif
