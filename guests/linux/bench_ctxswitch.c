#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "anatomy.h"
#include "benchmarks.h"
#include "futex.h"
#include "pin.h"
#include "raw_syscall.h"
#include "window.h"

/* sched_yield without the C library (always 0 on Linux). */
static inline void yield(void)
{
	hb_raw_syscall0(SYS_sched_yield);
}

/* futex hand-off: whose turn it is, or that a side gave up. */
enum { TURN_INITIATOR, TURN_PARTNER, TURN_ABORT };

struct partner {
	unsigned cpu;
	uint64_t rounds;   /* futex: hand-offs back to the initiator before exiting */
	uint32_t arrived;  /* pinned and affinity recorded, or failed trying */
	uint32_t done;     /* yield: the initiator finished */
	uint32_t turn;
	char affinity[64];
	const char *failed_op;
	int error;
};

static int partner_arrive(struct partner *p)
{
	int err = hb_pin_self(p->cpu);

	if (err)
		p->failed_op = "partner: sched_setaffinity";
	else if ((err = hb_affinity_self(p->affinity, sizeof p->affinity)))
		p->failed_op = "partner: sched_getaffinity";
	p->error = err;
	__atomic_store_n(&p->arrived, 1, __ATOMIC_RELEASE);
	return err;
}

/*
 * Pins the caller, starts the partner and waits until it is pinned on its vCPU. Both share vCPU 0,
 * so the wait yields to let the partner run.
 */
static int start(const struct hb_bench *b, struct hb_run *r, struct partner *p, pthread_t *thread,
		 void *(*body)(void *))
{
	char own[64], affinity[160];
	int err;

	if ((err = hb_pin_self(b->cpu[0])))
		return hb_run_fail(r, "sched_setaffinity", err);
	if ((err = hb_affinity_self(own, sizeof own)))
		return hb_run_fail(r, "sched_getaffinity", err);
	p->cpu = b->cpu[1];
	p->rounds = (uint64_t)r->warmup + r->iterations;
	if ((err = pthread_create(thread, NULL, body, p)))
		return hb_run_fail(r, "pthread_create", err);
	while (!__atomic_load_n(&p->arrived, __ATOMIC_ACQUIRE))
		sched_yield();
	if (p->error) {
		pthread_join(*thread, NULL);
		return hb_run_fail(r, p->failed_op, p->error);
	}
	snprintf(affinity, sizeof affinity, "%s;%s", own, p->affinity);
	r->ready(r, affinity);
	return 0;
}

/*
 * The partner is in its yield loop from the moment it arrives, before the initiator's warm-up, so
 * every timed sched_yield() finds it runnable and switches to it.
 */
static void *yield_partner(void *arg)
{
	struct partner *p = arg;

	if (partner_arrive(p))
		return NULL;
	while (!__atomic_load_n(&p->done, __ATOMIC_RELAXED))
		yield();
	return NULL;
}

int hb_bench_ctxswitch_yield(const struct hb_bench *b, struct hb_run *r)
{
	struct partner p = { 0 };
	pthread_t thread;

	if (start(b, r, &p, &thread, yield_partner))
		return -1;
	for (uint32_t i = 0; i < r->warmup; i++)
		yield();
	hb_anatomy_begin();
	for (uint32_t i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_window_start();

		yield();
		uint64_t t1 = hb_timer_now();

		r->samples[i] = t1 - t0;
	}
	hb_anatomy_end();
	__atomic_store_n(&p.done, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	return 0;
}

/* Sleeps while *turn == while_value; returns the new value, or TURN_ABORT with *err set. */
static uint32_t wait_turn(uint32_t *turn, uint32_t while_value, int *err)
{
	uint32_t t;

	while ((t = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) == while_value) {
		int e = hb_futex_wait(turn, while_value, 0);

		if (e && e != EAGAIN && e != EINTR) {
			*err = e;
			return TURN_ABORT;
		}
	}
	return t;
}

static void give_turn(uint32_t *turn, uint32_t to, int *err)
{
	__atomic_store_n(turn, to, __ATOMIC_RELEASE);
	*err = hb_futex_wake(turn, 0);
}

static void *futex_partner(void *arg)
{
	struct partner *p = arg;
	int err = 0;

	if (partner_arrive(p))
		return NULL;
	for (uint64_t i = 0; i < p->rounds; i++) {
		if (wait_turn(&p->turn, TURN_INITIATOR, &err) != TURN_PARTNER) {
			if (err)
				p->failed_op = "partner: FUTEX_WAIT";
			break;
		}
		give_turn(&p->turn, TURN_INITIATOR, &err);
		if (err) {
			p->failed_op = "partner: FUTEX_WAKE";
			break;
		}
	}
	if (err) {
		p->error = err;
		give_turn(&p->turn, TURN_ABORT, &err);
	}
	return NULL;
}

/* One round: hand the turn to the partner and sleep until it hands it back. */
static inline int futex_round(struct partner *p, const char **op, int *err)
{
	give_turn(&p->turn, TURN_PARTNER, err);
	if (*err) {
		*op = "FUTEX_WAKE";
		return -1;
	}
	if (wait_turn(&p->turn, TURN_PARTNER, err) != TURN_INITIATOR) {
		*op = *err ? "FUTEX_WAIT" : NULL;
		return -1;
	}
	return 0;
}

static int futex_failed(struct hb_run *r, struct partner *p, pthread_t thread, const char *op, int err)
{
	int ignored;

	if (op)
		give_turn(&p->turn, TURN_ABORT, &ignored);
	pthread_join(thread, NULL);
	if (!op)
		return hb_run_fail(r, p->failed_op ? p->failed_op : "partner: stopped", p->error);
	return hb_run_fail(r, op, err);
}

int hb_bench_ctxswitch_futex(const struct hb_bench *b, struct hb_run *r)
{
	struct partner p = { 0 };
	const char *op = NULL;
	pthread_t thread;
	int err = 0;

	p.turn = TURN_INITIATOR;
	if (start(b, r, &p, &thread, futex_partner))
		return -1;
	for (uint32_t i = 0; i < r->warmup; i++) {
		if (futex_round(&p, &op, &err))
			return futex_failed(r, &p, thread, op, err);
	}
	hb_anatomy_begin();
	for (uint32_t i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_window_start();
		int failed = futex_round(&p, &op, &err);
		uint64_t t1 = hb_timer_now();

		if (failed)
			return futex_failed(r, &p, thread, op, err);
		r->samples[i] = t1 - t0;
	}
	hb_anatomy_end();
	pthread_join(thread, NULL);
	return 0;
}
