/* Scheduler paths: seL4_Yield alone and two workers yielding to each other. */
#include "benchmarks.h"
#include "thread.h"
#include "timer.h"

static char failure[256];

/*
 * The measuring loop of both benchmarks. Alone at its priority, Yield requeues the caller and
 * picks it again: the cheapest kernel entry that does something. With a partner, it is two
 * switches.
 */
static int yield_timed(void *arg)
{
	struct hb_run *r = arg;
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;

	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t0 = hb_timer_now();

		seL4_Yield();
		uint64_t t1 = hb_timer_now();
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	return 0;
}

/* The partner of ctxswitch.yield: hands the CPU straight back, until the driver suspends it. */
static int yield_forever(void *arg)
{
	(void)arg;
	for (;;)
		seL4_Yield();
	return 0; /* not reached; gcc's C front end wants a return all the same */
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

/* One sample is a round of the measuring worker: a switch to the partner and one back. */
int hb_bench_ctxswitch_yield(const struct hb_bench *b, struct hb_run *r)
{
	(void)b;
	return run_workers(r, yield_timed, yield_forever, "0;0");
}
