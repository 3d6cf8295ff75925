/* A trap that does next to nothing, and thread_switch hand-offs between two threads. */
#include "benchmarks.h"
#include "thread.h"
#include "timer.h"

static char failure[160];
static hb_port_t driver_thread;

/*
 * mach_task_self: the kernel looks up the task's own port in the caller's port space and returns
 * its name with one more user reference. The reference is dropped again outside the timed region,
 * so every sample does the same (the count would otherwise saturate at 65535 and change the path).
 */
int hb_bench_syscall_task_self(const struct hb_bench *b, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	hb_port_t self = hb_mach_task_self();

	(void)b;
	r->ready(r, "0");
	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t0 = hb_timer_now();
		hb_port_t name = hb_mach_task_self();
		uint64_t t1 = hb_timer_now();

		hb_mach_port_deallocate(self, name);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	return 0;
}

/* The partner: hands the CPU straight back, until the driver terminates it. */
static void handoff_forever(void *arg)
{
	(void)arg;
	for (;;)
		hb_thread_switch(driver_thread, HB_SWITCH_OPTION_NONE, 0);
}

/* One sample is a round: a hand-off to the partner and its hand-off back. */
int hb_bench_ctxswitch_handoff(const struct hb_bench *b, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	struct hb_partner partner;

	(void)b;
	if (!driver_thread)
		driver_thread = hb_mach_thread_self();
	if (hb_partner_create(&partner, 0, handoff_forever, NULL, failure, sizeof failure))
		return hb_run_fail(r, failure, 0);
	r->ready(r, "0;0");
	if (hb_partner_resume(&partner, failure, sizeof failure)) {
		hb_partner_stop(&partner);
		return hb_run_fail(r, failure, 0);
	}
	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t0 = hb_timer_now();

		hb_thread_switch(partner.thread, HB_SWITCH_OPTION_NONE, 0);
		uint64_t t1 = hb_timer_now();
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_partner_stop(&partner);
	return 0;
}
