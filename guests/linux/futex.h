/*
 * glibc has no futex wrapper; these keep the system call and its error handling in one place.
 * Raw system calls (raw_syscall.h), so a timed window holding one has no C library code in it.
 */
#ifndef HB_FUTEX_H
#define HB_FUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "raw_syscall.h"

/*
 * Private futexes are hashed by address within one mm and are what pthreads uses between threads;
 * between processes the word lives in a shared mapping and only shared futexes can find it.
 */
static inline int hb_futex_op(int op, int shared)
{
	return shared ? op : op | FUTEX_PRIVATE_FLAG;
}

/* Sleeps while *word == expected. Returns 0 or errno; EAGAIN and EINTR mean "look again". */
static inline int hb_futex_wait(uint32_t *word, uint32_t expected, int shared)
{
	long rc = hb_raw_syscall4(SYS_futex, (long)word, hb_futex_op(FUTEX_WAIT, shared), expected, 0);

	return rc < 0 ? (int)-rc : 0;
}

/* Wakes at most one waiter. Returns 0 or errno. */
static inline int hb_futex_wake(uint32_t *word, int shared)
{
	long rc = hb_raw_syscall3(SYS_futex, (long)word, hb_futex_op(FUTEX_WAKE, shared), 1);

	return rc < 0 ? (int)-rc : 0;
}

#endif
