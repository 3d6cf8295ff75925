/*
 * seL4 system calls with the timer read right against the syscall instruction, the way sel4bench
 * times them (its READ_COUNTER_BEFORE, DO_REAL_CALL, READ_COUNTER_AFTER): one asm statement holds
 *
 *	movq %rsp, %rbx          (libsel4's x86_64 convention: the kernel does not keep rsp)
 *	READ                     <- first timestamp: rdtscp; lfence (or lfence; rdtsc; lfence)
 *	movl %eax, %r12d         the timestamp into registers the kernel preserves
 *	movl %edx, %r13d
 *	movq $SYS, %rdx          the system call number (READ took rdx)
 *	syscall                  (or a two-byte NOP: the overhead measurement)
 *	movq %rbx, %rsp
 *	READ                     <- second timestamp, in whichever thread the kernel returns to
 *
 * Everything else - loop counters, the message info and capability in rsi and rdi, storing the
 * timestamps - lies outside the two reads. A thread that the system call switches to returns
 * through the same statement (it entered the kernel through one), so the instructions between the
 * kernel's sysret and the second read are the same whichever thread reads it.
 *
 * hb_sel4_window_overhead() runs the same statement with the syscall replaced by a two-byte NOP,
 * as sel4bench measures its overhead, so what the harness subtracts is exactly the window's own
 * user instructions and a sample less it is what the syscall instruction and the kernel add.
 * Messages here have no message registers (length 0, as sel4bench's), so r10, r8, r9 and r15
 * carry nothing; they are clobbered all the same as the kernel may write them for a receiver.
 */
#ifndef HB_SEL4_TIMED_H
#define HB_SEL4_TIMED_H

#include <stdint.h>

#include <sel4/sel4.h>

#include "timer.h"

#define HB_READ_RDTSCP "rdtscp\n\tlfence\n\t"
#define HB_READ_RDTSC "lfence\n\trdtsc\n\tlfence\n\t"
#define HB_INSN_SYSCALL "syscall\n\t"
#define HB_INSN_NOP ".byte 0x66, 0x90\n\t" /* sel4bench's DO_NOP_*: the same length as syscall */

struct hb_window {
	uint64_t before; /* timer just before the syscall instruction */
	uint64_t after;  /* timer just after the kernel returned to this thread */
};

#define HB_TIMED_ASM(read, insn)                                                        \
	__asm__ __volatile__("movq %%rsp, %%rbx\n\t" read "movl %%eax, %%r12d\n\t"       \
			     "movl %%edx, %%r13d\n\t"                                    \
			     "movq %[sys], %%rdx\n\t" insn "movq %%rbx, %%rsp\n\t" read  \
			     : "=a"(lo), "=d"(hi), "=r"(b_lo), "=r"(b_hi), "+D"(dest), "+S"(info) \
			     : [sys] "i"(sys)                                            \
			     : "rbx", "rcx", "r8", "r9", "r10", "r11", "r15", "memory")

/*
 * One timed system call `sys` (an seL4_Syscall_ID, a constant) with dest in rdi and the message
 * info in rsi; rdtscp and nop must be constants too, so that inlining leaves one asm statement.
 * Returns the message info the kernel left in rsi; *badge gets rdi when badge is not NULL.
 */
static inline __attribute__((always_inline)) seL4_Word hb_sel4_timed(const int rdtscp, const int nop,
								     const seL4_Word sys, seL4_Word dest,
								     seL4_Word info, seL4_Word *badge,
								     struct hb_window *w)
{
	register uint64_t b_lo __asm__("r12");
	register uint64_t b_hi __asm__("r13");
	uint32_t lo, hi;

	if (rdtscp && !nop)
		HB_TIMED_ASM(HB_READ_RDTSCP, HB_INSN_SYSCALL);
	else if (rdtscp)
		HB_TIMED_ASM(HB_READ_RDTSCP, HB_INSN_NOP);
	else if (!nop)
		HB_TIMED_ASM(HB_READ_RDTSC, HB_INSN_SYSCALL);
	else
		HB_TIMED_ASM(HB_READ_RDTSC, HB_INSN_NOP);
	w->before = b_hi << 32 | b_lo;
	w->after = (uint64_t)hi << 32 | lo;
	if (badge)
		*badge = dest;
	return info;
}

/*
 * An untimed system call as libsel4 makes it (the partner's side of a round trip or of a yield
 * ping-pong): rdx the number, rdi and rsi as above.
 */
static inline __attribute__((always_inline)) void hb_sel4_untimed(const seL4_Word sys, seL4_Word dest, seL4_Word info)
{
	__asm__ __volatile__("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
			     : "+D"(dest), "+S"(info)
			     : "d"(sys)
			     : "rbx", "rcx", "r8", "r9", "r10", "r11", "r15", "memory");
}

/*
 * Smallest of n deltas of the window above with a NOP in place of the syscall: the back-to-back
 * timer overhead of every seL4 window (hb_driver.timer_overhead), its two reads and the four moves
 * between them. Uses the read sequence hb_timer_init() chose, as the windows do.
 */
uint64_t hb_sel4_window_overhead(uint32_t n);

#endif
