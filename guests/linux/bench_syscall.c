#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>

#include "anatomy.h"
#include "benchmarks.h"
#include "pin.h"
#include "raw_syscall.h"
#include "window.h"

/*
 * One system call between two timer reads and nothing else: the raw `syscall` instruction
 * (raw_syscall.h), its number loaded into rax after the first read, its result checked after the
 * second. b->arg is the number.
 *
 * getppid (the headline syscall.null): no arguments, no locks, nothing cached by glibc (unlike
 * getpid in older glibcs), so the figure is the kernel entry/exit path itself. The unassigned
 * number (syscall.null.enosys) is the same path with no system call behind it: dispatch finds no
 * entry and the kernel returns -ENOSYS.
 */
int hb_bench_syscall_null(const struct hb_bench *b, struct hb_run *r)
{
	const long nr = *(const long *)b->arg;
	char affinity[64];
	long expect_enosys = nr == HB_SYSCALL_UNASSIGNED;
	long rc = 0;
	int err;

	if ((err = hb_pin_self(b->cpu[0])))
		return hb_run_fail(r, "sched_setaffinity", err);
	if ((err = hb_affinity_self(affinity, sizeof affinity)))
		return hb_run_fail(r, "sched_getaffinity", err);
	r->ready(r, affinity);

	for (uint32_t i = 0; i < r->warmup; i++)
		rc = hb_raw_syscall0(nr);
	hb_anatomy_begin();
	for (uint32_t i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_window_start();

		rc = hb_raw_syscall0(nr);
		uint64_t t1 = hb_timer_now();

		r->samples[i] = t1 - t0;
	}
	hb_anatomy_end();
	/* Checked once, after the loop: every call returns the same. */
	if (expect_enosys ? rc != -ENOSYS : rc < 0)
		return hb_run_fail(r, expect_enosys ? "unassigned system call: not ENOSYS" : "getppid", rc < 0 ? (int)-rc : 0);
	return 0;
}
