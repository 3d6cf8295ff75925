#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "benchmarks.h"
#include "pin.h"
#include "timer.h"

/*
 * getppid: no arguments, no locks, nothing cached by glibc (unlike getpid in older glibcs), so
 * the figure is the kernel entry/exit path itself.
 */
int hb_bench_syscall_null(const struct hb_bench *b, struct hb_run *r)
{
	char affinity[64];
	int err;

	if ((err = hb_pin_self(b->cpu[0])))
		return hb_run_fail(r, "sched_setaffinity", err);
	if ((err = hb_affinity_self(affinity, sizeof affinity)))
		return hb_run_fail(r, "sched_getaffinity", err);
	r->ready(r, affinity);

	for (uint32_t i = 0; i < r->warmup; i++)
		syscall(SYS_getppid);
	for (uint32_t i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_timer_now();

		syscall(SYS_getppid);
		uint64_t t1 = hb_timer_now();

		r->samples[i] = t1 - t0;
	}
	return 0;
}
