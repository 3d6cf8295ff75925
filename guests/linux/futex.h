/* glibc has no futex wrapper; these keep the raw syscall's errno handling in one place. */
#ifndef HB_FUTEX_H
#define HB_FUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	return syscall(SYS_futex, word, hb_futex_op(FUTEX_WAIT, shared), expected, NULL, NULL, 0) ? errno : 0;
}

/* Wakes at most one waiter. Returns 0 or errno. */
static inline int hb_futex_wake(uint32_t *word, int shared)
{
	return syscall(SYS_futex, word, hb_futex_op(FUTEX_WAKE, shared), 1, NULL, NULL, 0) < 0 ? errno : 0;
}

#endif
