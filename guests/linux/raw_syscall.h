/*
 * System calls without the C library, for the timed windows: the `syscall` instruction with the
 * number in rax and the arguments in rdi, rsi, rdx, r10, r8, r9, as the x86-64 Linux ABI has them.
 * glibc's wrappers (syscall(), read(), write(), sched_yield()) add a call, register shuffling
 * and errno handling around the instruction; these put nothing but the argument registers' loads
 * between a timer read and `syscall`, and return the kernel's result as it comes back in rax:
 * the value, or -errno (-4095..-1).
 *
 * The kernel clobbers rcx (the return rip) and r11 (the saved rflags); everything else but rax
 * comes back unchanged. The "memory" clobber makes the compiler finish stores to any buffer the
 * call reads before it and reload what the call wrote after it, and keeps it from moving memory
 * accesses across the call (the timer reads have the same clobber, so their order holds too).
 */
#ifndef HB_RAW_SYSCALL_H
#define HB_RAW_SYSCALL_H

/*
 * A number no kernel assigns: far above the x86-64 table (about 460 entries in 6.x) and below the
 * x32 bit (0x40000000), so the kernel's dispatch finds neither a native nor an x32 entry and
 * returns -ENOSYS (sys_ni_syscall's answer; rax holds -ENOSYS from entry on). Not -1, which
 * entry code treats as "skip this call" for ptrace and seccomp.
 */
#define HB_SYSCALL_UNASSIGNED 100000L

static inline long hb_raw_syscall0(long nr)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

static inline long hb_raw_syscall1(long nr, long a1)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a1) : "rcx", "r11", "memory");
	return ret;
}

static inline long hb_raw_syscall3(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3) : "rcx", "r11", "memory");
	return ret;
}

static inline long hb_raw_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a4;
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10) : "rcx", "r11", "memory");
	return ret;
}

#endif
