/*
 * Endpoint IPC between worker 0 (the client, which measures) and worker 1 (the server), at equal
 * priorities so Call and ReplyRecv take the kernel's fastpath, with messages of no words (length
 * 0, as sel4bench's). Every system call that bounds a window is made by hb_sel4_timed() (timed.h):
 * a timer read right before the syscall instruction and one right after the kernel returns, in
 * whichever of the two threads it returns to. The one-way variants pair the client's read with
 * the server's; the server leaves its timestamps in memory the two share, outside its windows.
 * In the cross variants the server runs on core 1 and the client on core 0 (an SMP kernel): both
 * then read their own core's TSC, which under tcg-icount is the one instruction count of the
 * machine, and every Call and reply goes through the slowpath and an IPI to the other core.
 */
#include "bench_ipc.h"
#include "anatomy.h"
#include "benchmarks.h"
#include "fmt.h"
#include "kobj.h"
#include "thread.h"
#include "timed.h"
#include "timer.h"
#include "vspace.h"

struct ipc_run {
	struct hb_run *r;
	enum hb_ipc_kind kind;
};

static seL4_CPtr ipc_ep;
static seL4_CPtr server_vspace;
static char server_vspace_problem[192];
static char failure[256];
/* Static rather than on the driver's stack: a server in its own address space still reads it. */
static struct ipc_run current;

int hb_bench_objects_init(char *why, size_t why_size)
{
	if (hb_kobj_make(seL4_EndpointObject, 0, seL4_EndpointBits, 1, &ipc_ep)) {
		hb_fmt(why, why_size, "%s (for the IPC endpoint)", hb_kobj_last_problem());
		return -1;
	}
	/* Only the cross-address-space benchmark needs this, so only it fails without it. */
	if (hb_vspace_clone_image(&server_vspace, server_vspace_problem, sizeof server_vspace_problem))
		server_vspace = seL4_CapNull;
	return 0;
}

/*
 * The server's timestamps of its latest timed ReplyRecv: before its syscall instruction (about to
 * reply to the previous Call) and after the kernel returned to it (with the newest Call). It
 * writes them after its second read, so the client, which runs next, finds the newest ones.
 */
static volatile uint64_t server_before, server_after;

/*
 * The anatomy region's begin mark (anatomy.h). In the one-way variants both threads read the
 * timer, four reads a round: the client's before its Call, the server's as its ReplyRecv returns
 * with that Call, the server's before its next ReplyRecv (the reply), the client's after the Call.
 * The Call's sample spans reads 0 to 1, the reply's 2 to 3 (taken one Call later, but its reads are
 * of this round). The round trip's server reads no timer, so its reads pair up as usual.
 */
static inline __attribute__((always_inline)) void anatomy_begin(enum hb_ipc_kind kind)
{
	if (kind == HB_IPC_ONEWAY_CALL)
		hb_anatomy_begin_cycle(4, 0, 1);
	else if (kind == HB_IPC_ONEWAY_REPLY)
		hb_anatomy_begin_cycle(4, 2, 3);
	else
		hb_anatomy_begin();
}

/*
 * The client's Calls. A Call's one-way sample is the server's `after` less the client's `before`
 * of that Call. A ReplyRecv's is the client's `after` of a Call less the server's `before` of the
 * reply to it, which the server stores only when its ReplyRecv returns with the next Call: so
 * that sample is taken one Call later, and the loop makes one Call more than it keeps.
 */
static inline __attribute__((always_inline)) void client_calls(const int rdtscp, const struct ipc_run *x)
{
	struct hb_run *r = x->r;
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	uint64_t prev_after = 0;
	struct hb_window w;

	for (uint64_t i = 0; i <= rounds; i++) {
		uint64_t k = i, sample;

		if (i == r->warmup)
			anatomy_begin(x->kind);
		hb_sel4_timed(rdtscp, 0, seL4_SysCall, ipc_ep, 0, NULL, &w);
		/*
		 * The region ends with the last kept sample's reads, before the Call made for the reply
		 * variant's last sample: one window a sample in every variant.
		 */
		hb_anatomy_end_if(i + 1 == rounds);
		if (x->kind == HB_IPC_ONEWAY_CALL) {
			sample = server_after - w.before;
		} else if (x->kind == HB_IPC_ONEWAY_REPLY) {
			sample = prev_after - server_before; /* of the previous Call */
			prev_after = w.after;
			if (i == 0)
				continue;
			k = i - 1;
		} else {
			sample = w.after - w.before;
		}
		if (k >= r->warmup && k < rounds)
			r->samples[k - r->warmup] = sample;
	}
}

static int ipc_client(void *arg)
{
	/* The server's first, untimed Recv takes this one, so every timed Call meets a timed ReplyRecv. */
	hb_sel4_untimed(seL4_SysCall, ipc_ep, 0);
	if (hb_timer_use_rdtscp)
		client_calls(1, arg);
	else
		client_calls(0, arg);
	return 0;
}

static inline __attribute__((always_inline)) void server_loop(const int rdtscp)
{
	struct hb_window w;

	for (;;) {
		hb_sel4_timed(rdtscp, 0, seL4_SysReplyRecv, ipc_ep, 0, NULL, &w);
		server_before = w.before;
		server_after = w.after;
	}
}

/* Never returns: the driver suspends it once the client reports. */
static int ipc_server(void *arg)
{
	const struct ipc_run *x = arg;

	hb_sel4_untimed(seL4_SysRecv, ipc_ep, 0);
	if (x->kind == HB_IPC_ROUNDTRIP) {
		/* Inside the client's window: as few instructions of its own as libsel4's loop. */
		for (;;)
			hb_sel4_untimed(seL4_SysReplyRecv, ipc_ep, 0);
	}
	if (hb_timer_use_rdtscp)
		server_loop(1);
	else
		server_loop(0);
	return 0; /* not reached; gcc's C front end wants a return all the same */
}

int hb_bench_ipc(const struct hb_bench *b, struct hb_run *r)
{
	const struct hb_ipc_variant *v = b->arg;
	struct hb_thread *client = hb_thread_get(0), *server = hb_thread_get(1);
	seL4_CPtr vspace = seL4_CapInitThreadVSpace;
	char affinity[24];
	int rc;

	if (v->server_in_own_vspace) {
		if (!server_vspace) {
			hb_fmt(failure, sizeof failure, "no second address space: %s", server_vspace_problem);
			return hb_run_fail(r, failure, 0);
		}
		vspace = server_vspace;
	}
	current.r = r;
	current.kind = v->kind;
	/* The client is on core 0 (b->cpu[0]), where the driver runs; the server where b->cpu[1] says. */
	if (hb_thread_set_core(server, b->cpu[1], failure, sizeof failure))
		return hb_run_fail(r, failure, 0);
	hb_fmt(affinity, sizeof affinity, "%u;%u", b->cpu[0], b->cpu[1]);
	r->ready(r, affinity);
	/*
	 * The server starts first, so it is already waiting when the client's first Call comes (on
	 * another core it runs at once and may not be: then the first, untimed Call waits for it). As
	 * sel4bench sets up its IPC benchmarks, the client has the FPU and the server has not: every
	 * switch to the server then turns the FPU off and every switch back finds the client still
	 * its owner, with no FPU state saved or loaded.
	 */
	if (hb_thread_start(server, vspace, ipc_server, &current, failure, sizeof failure) ||
	    hb_thread_fpu_off(server, failure, sizeof failure) ||
	    hb_thread_start(client, seL4_CapInitThreadVSpace, ipc_client, &current, failure, sizeof failure)) {
		hb_threads_stop();
		return hb_run_fail(r, failure, 0);
	}
	rc = hb_thread_wait(client, failure, sizeof failure);
	hb_threads_stop();
	return rc ? hb_run_fail(r, failure, 0) : 0;
}
