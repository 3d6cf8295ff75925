/* Scheduler paths: seL4_Yield alone and two workers yielding to each other; a null NBSend. */
#include "anatomy.h"
#include "benchmarks.h"
#include "thread.h"
#include "timed.h"
#include "timer.h"

static char failure[256];

/*
 * The measuring loop of both benchmarks, each Yield between the two timer reads of timed.h. Alone
 * at its priority, Yield requeues the caller and picks it again: the cheapest kernel entry that
 * does something. With a partner, the window holds two switches and the partner's own loop.
 */
static inline __attribute__((always_inline)) void yield_loop(const int rdtscp, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	struct hb_window w;

	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		hb_sel4_timed(rdtscp, 0, seL4_SysYield, 0, 0, NULL, &w);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = w.after - w.before;
	}
	hb_anatomy_end();
}

static int yield_timed(void *arg)
{
	if (hb_timer_use_rdtscp)
		yield_loop(1, arg);
	else
		yield_loop(0, arg);
	return 0;
}

/* The partner of ctxswitch.yield: hands the CPU straight back, until the driver suspends it. */
static int yield_forever(void *arg)
{
	(void)arg;
	for (;;)
		hb_sel4_untimed(seL4_SysYield, 0, 0);
	return 0; /* not reached; gcc's C front end wants a return all the same */
}

/*
 * syscall.null.nbsendnull: seL4_NBSend on the null capability. The capability lookup fails and,
 * the send being non-blocking, the kernel drops it and returns to the caller: no fault, no error
 * (a release kernel does not even print its userError). The slowpath's full entry and exit with
 * a failed lookup, and nothing else.
 */
static inline __attribute__((always_inline)) void nbsend_loop(const int rdtscp, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	struct hb_window w;

	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		hb_sel4_timed(rdtscp, 0, seL4_SysNBSend, seL4_CapNull, 0, NULL, &w);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = w.after - w.before;
	}
	hb_anatomy_end();
}

static int nbsend_timed(void *arg)
{
	if (hb_timer_use_rdtscp)
		nbsend_loop(1, arg);
	else
		nbsend_loop(0, arg);
	return 0;
}

static int run_workers(struct hb_run *r, hb_thread_fn measure, hb_thread_fn partner, const char *affinity)
{
	struct hb_thread *t0 = hb_thread_get(0), *t1 = hb_thread_get(1);
	int rc;

	r->ready(r, affinity);
	if ((partner && hb_thread_start(t1, seL4_CapInitThreadVSpace, partner, r, failure, sizeof failure)) ||
	    hb_thread_start(t0, seL4_CapInitThreadVSpace, measure, r, failure, sizeof failure)) {
		hb_threads_stop();
		return hb_run_fail(r, failure, 0);
	}
	rc = hb_thread_wait(t0, failure, sizeof failure);
	hb_threads_stop();
	return rc ? hb_run_fail(r, failure, 0) : 0;
}

int hb_bench_syscall_yield(const struct hb_bench *b, struct hb_run *r)
{
	(void)b;
	return run_workers(r, yield_timed, NULL, "0");
}

int hb_bench_syscall_nbsend_null(const struct hb_bench *b, struct hb_run *r)
{
	(void)b;
	return run_workers(r, nbsend_timed, NULL, "0");
}

/* One sample is a round of the measuring worker: a switch to the partner and one back. */
int hb_bench_ctxswitch_yield(const struct hb_bench *b, struct hb_run *r)
{
	(void)b;
	return run_workers(r, yield_timed, yield_forever, "0;0");
}
