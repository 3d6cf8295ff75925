/* Traps that do next to nothing, and thread_switch hand-offs between two threads. */
#include "anatomy.h"
#include "benchmarks.h"
#include "fmt.h"
#include "thread.h"
#include "window.h"

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
	const struct hb_trap_frame frame = { HB_TRAP_MACH_TASK_SELF, { 0 } };
	hb_port_t self = hb_mach_task_self();
	struct hb_trap_times t;

	(void)b;
	r->ready(r, "0");
	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		hb_port_t name = (hb_port_t)hb_trap_timed(&frame, t.t0, t.t1);

		hb_mach_port_deallocate(self, name);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = hb_trap_time(t.t1) - hb_trap_time(t.t0);
	}
	hb_anatomy_end();
	return 0;
}

/*
 * A trap number with no trap behind it: slot -HB_TRAP_UNASSIGNED of GNU Mach's trap table
 * (kern/syscall_sw.c) holds kern_invalid, which takes no arguments and returns
 * KERN_INVALID_ARGUMENT (kern_invalid_debug is off), so the figure is the trap entry, the table
 * dispatch and the return to user mode. The number must lie inside the table: one outside it
 * (syscall_native's bounds check in i386/i386/locore.S) is turned into an invalid-opcode exception.
 */
int hb_bench_syscall_invalid_trap(const struct hb_bench *b, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	const struct hb_trap_frame frame = { HB_TRAP_UNASSIGNED, { 0 } };
	struct hb_trap_times t;
	int32_t rc = 0;

	(void)b;
	r->ready(r, "0");
	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		rc = hb_trap_timed(&frame, t.t0, t.t1);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = hb_trap_time(t.t1) - hb_trap_time(t.t0);
	}
	hb_anatomy_end();
	if (rc != HB_KERN_INVALID_ARGUMENT) {
		hb_fmt(failure, sizeof failure, "trap %d: returned %d, not KERN_INVALID_ARGUMENT", HB_TRAP_UNASSIGNED, (int)rc);
		return hb_run_fail(r, failure, 0);
	}
	return 0;
}

/* The partner: hands the CPU straight back, until the driver terminates it. */
static void handoff_forever(void *arg)
{
	const struct hb_trap_frame frame = { HB_TRAP_THREAD_SWITCH, { driver_thread, HB_SWITCH_OPTION_NONE, 0 } };

	(void)arg;
	for (;;)
		hb_trap(&frame);
}

/* One sample is a round: a hand-off to the partner and its hand-off back. */
int hb_bench_ctxswitch_handoff(const struct hb_bench *b, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	struct hb_partner partner;
	struct hb_trap_frame frame;
	struct hb_trap_times t;

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
	frame = (struct hb_trap_frame){ HB_TRAP_THREAD_SWITCH, { partner.thread, HB_SWITCH_OPTION_NONE, 0 } };
	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		hb_trap_timed(&frame, t.t0, t.t1);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = hb_trap_time(t.t1) - hb_trap_time(t.t0);
	}
	hb_anatomy_end();
	hb_partner_stop(&partner);
	return 0;
}
