#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anatomy.h"
#include "benchmarks.h"
#include "pin.h"

/* Shared with the responder; MAP_SHARED so a forked responder writes where the parent reads. */
struct ipc_shared {
	struct hb_ipc_chan chan;
	char responder_affinity[64];
	char responder_failed_op[48]; /* a copy, not a pointer: meaningful in the parent too */
	int responder_error;
};

struct responder_args {
	const struct hb_ipc_mech *mech;
	struct ipc_shared *sh;
	unsigned cpu;
	uint64_t rounds; /* warm-up + timed: the responder stops by itself after the last one */
};

/* Holds the failed operation of a responder for hb_run.failed_op once the shared page is gone. */
static char responder_op[64];

static void responder_failed(const struct responder_args *a, const char *op, int err)
{
	snprintf(a->sh->responder_failed_op, sizeof a->sh->responder_failed_op, "%s", op);
	a->sh->responder_error = err;
	/* Best effort: the initiator may be waiting for a reply that will now never come. */
	a->mech->send(&a->sh->chan, HB_RESPONDER, HB_MSG_ABORT);
}

static void respond(const struct responder_args *a)
{
	const struct hb_ipc_mech *m = a->mech;
	struct hb_ipc_chan *c = &a->sh->chan;
	struct hb_ipc_fail f;
	const char *op;
	int err;

	if ((err = hb_pin_self(a->cpu))) {
		op = "sched_setaffinity";
		goto fail;
	}
	if ((err = hb_affinity_self(a->sh->responder_affinity, sizeof a->sh->responder_affinity))) {
		op = "sched_getaffinity";
		goto fail;
	}
	/* Inherited from the initiator already; set here too so a responder never depends on that. */
	if ((err = hb_sched_batch_self(1))) {
		op = "sched_setscheduler(SCHED_BATCH)";
		goto fail;
	}
	if ((err = m->send(c, HB_RESPONDER, HB_MSG_READY))) {
		op = m->send_op;
		goto fail;
	}
	if (!m->serve(c, a->rounds, &f) || !f.op)
		return; /* done, or the initiator gave up */
	op = f.op;
	err = f.err;
fail:
	responder_failed(a, op, err);
}

static void *respond_thread(void *arg)
{
	respond(arg);
	return NULL;
}

static int responder_gone(struct hb_run *r, const struct ipc_shared *sh)
{
	snprintf(responder_op, sizeof responder_op, "responder: %s",
		 sh->responder_failed_op[0] ? sh->responder_failed_op : "stopped without a reason");
	return hb_run_fail(r, responder_op, sh->responder_error);
}

static int initiator_failed(struct hb_run *r, const struct hb_ipc_mech *m, struct ipc_shared *sh,
			    const char *op, int err)
{
	/* So the responder stops waiting and can be joined or reaped. */
	m->send(&sh->chan, HB_INITIATOR, HB_MSG_ABORT);
	return hb_run_fail(r, op, err);
}

/* The timed rounds between the anatomy marks (anatomy.h): nothing but the call when they are empty. */
static inline __attribute__((always_inline)) int timed_rounds(const struct hb_ipc_mech *m, struct hb_ipc_chan *c,
							       struct hb_run *r, struct hb_ipc_fail *f)
{
	int rc;

	hb_anatomy_begin();
	rc = m->rounds(c, r->iterations, r->samples, f);
	hb_anatomy_end();
	return rc;
}

static int initiate(struct hb_run *r, const struct hb_ipc_mech *m, struct ipc_shared *sh,
		    const char *own_affinity)
{
	struct hb_ipc_chan *c = &sh->chan;
	struct hb_ipc_fail f;
	char affinity[160];
	uint32_t msg = 0;
	int err;

	if ((err = m->recv(c, HB_INITIATOR, &msg)))
		return initiator_failed(r, m, sh, m->recv_op, err);
	if (msg != HB_MSG_READY)
		return responder_gone(r, sh);
	snprintf(affinity, sizeof affinity, "%s;%s", own_affinity, sh->responder_affinity);
	r->ready(r, affinity);

	/* The mechanism's own loops: see ipc_mech.h for what lies between the timer reads. */
	if (m->rounds(c, r->warmup, NULL, &f) || timed_rounds(m, c, r, &f))
		return f.op ? initiator_failed(r, m, sh, f.op, f.err) : responder_gone(r, sh);
	return 0;
}

static int reap(struct hb_run *r, pid_t pid, int rc)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return rc ? rc : hb_run_fail(r, "waitpid", errno);
	}
	if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return hb_run_fail(r, "responder process exited abnormally", 0);
	return rc;
}

/*
 * The caller (participant 0) measures; the responder is a thread or a forked child. Both sides
 * count the same warm-up + timed rounds, so the responder ends by itself after the last reply.
 *
 * Both sides run SCHED_BATCH (fair class, priority 0, as SCHED_OTHER) so that a wake-up never
 * preempts the waker and every round trip takes the path docs/metrics.md describes: the request
 * wakes the responder, the initiator goes on to block waiting for the reply, the responder runs,
 * replies (waking the initiator) and blocks again. Under SCHED_OTHER, CFS preempts the waker at
 * once when the waker's vruntime exceeds the wakee's by more than the wake-up granularity
 * (check_preempt_wakeup; 1 ms x f, f = 1 + log2 of the online CPUs, at most 4). A new thread or
 * process starts a slice (3 ms x f for two tasks, START_DEBIT) beyond its creator, so at first
 * the initiator preempts the responder each time the reply wakes it (the responder, left
 * runnable, then finds the next request without sleeping: one sleep and one wake-up per round
 * instead of two); the gap shrinks by the difference in CPU time the two sides take per round,
 * and once under the granularity neither side preempts and both block, for good. When that
 * happens depends on the CPU count and the mechanism, not on anything measured: under tcg-icount
 * a same-vCPU pipe pair switched after ~1050 round trips with one CPU online and ~2400 with two
 * (10569 -> 13031 instructions), futex, eventfd and unix sockets likewise (docs/metrics.md).
 * A SCHED_BATCH wakee never preempts at wake-up, so every sample takes the steady path, in any
 * guest; what is left out is that check itself (about 65 instructions a wake-up). A cross-vCPU
 * wakee finds its CPU idle, which a fair task preempts whatever its policy: unchanged.
 */
int hb_bench_ipc_roundtrip(const struct hb_bench *b, struct hb_run *r)
{
	const struct hb_ipc_variant *v = b->arg;
	const struct hb_ipc_mech *m = v->mech;
	struct responder_args args;
	struct ipc_shared *sh;
	char own_affinity[64];
	pthread_t thread;
	pid_t pid;
	int err, rc;

	/* Pin first, so a forked or spawned responder starts out on the initiator's vCPU too. */
	if ((err = hb_pin_self(b->cpu[0])))
		return hb_run_fail(r, "sched_setaffinity", err);
	if ((err = hb_affinity_self(own_affinity, sizeof own_affinity)))
		return hb_run_fail(r, "sched_getaffinity", err);
	/* Before the responder is created, which inherits it; undone below for the next benchmark. */
	if ((err = hb_sched_batch_self(1)))
		return hb_run_fail(r, "sched_setscheduler(SCHED_BATCH)", err);

	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		rc = hb_run_fail(r, "mmap", errno);
		goto batch;
	}
	sh->chan.shared = v->process;
	if ((err = m->open(&sh->chan))) {
		rc = hb_run_fail(r, m->open_op, err);
		goto unmap;
	}

	args = (struct responder_args){ m, sh, b->cpu[1], (uint64_t)r->warmup + r->iterations };
	if (v->process) {
		pid = fork();
		if (pid < 0) {
			rc = hb_run_fail(r, "fork", errno);
			goto close;
		}
		if (pid == 0) {
			respond(&args);
			_exit(0);
		}
		rc = reap(r, pid, initiate(r, m, sh, own_affinity));
	} else {
		if ((err = pthread_create(&thread, NULL, respond_thread, &args))) {
			rc = hb_run_fail(r, "pthread_create", err);
			goto close;
		}
		rc = initiate(r, m, sh, own_affinity);
		pthread_join(thread, NULL);
	}
close:
	m->close(&sh->chan);
unmap:
	munmap(sh, sizeof *sh);
batch:
	hb_sched_batch_self(0);
	return rc;
}
