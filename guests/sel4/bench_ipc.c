/*
 * Endpoint IPC between worker 0 (the client, which measures) and worker 1 (the server), at equal
 * priorities so Call and ReplyRecv take the kernel's fastpath. Messages carry one word in a
 * register in every variant, so the one-way figures add up to the round trip; the one-way
 * variants use that word to carry the other side's timestamp (both read the one CPU's TSC).
 */
#include "bench_ipc.h"
#include "benchmarks.h"
#include "fmt.h"
#include "kobj.h"
#include "thread.h"
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

static int ipc_client(void *arg)
{
	const struct ipc_run *x = arg;
	struct hb_run *r = x->r;
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	const seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 1);

	for (uint64_t i = 0; i < rounds; i++) {
		seL4_Word mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;
		uint64_t t0, t1, sample;

		t0 = hb_timer_now();
		seL4_CallWithMRs(ipc_ep, tag, &mr0, &mr1, &mr2, &mr3);
		t1 = hb_timer_now();
		if (x->kind == HB_IPC_ONEWAY_CALL)
			sample = mr0 - t0; /* mr0: when the server's receive returned */
		else if (x->kind == HB_IPC_ONEWAY_REPLY)
			sample = t1 - mr0; /* mr0: when the server was about to reply */
		else
			sample = t1 - t0;
		if (i >= r->warmup)
			r->samples[i - r->warmup] = sample;
	}
	return 0;
}

/*
 * Never returns: the driver suspends it once the client reports. Its one timestamp serves both
 * one-way variants, because nothing happens between its receive returning and its next reply.
 */
static int ipc_server(void *arg)
{
	const struct ipc_run *x = arg;
	const seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 1);
	seL4_Word badge, mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;

	seL4_RecvWithMRs(ipc_ep, &badge, &mr0, &mr1, &mr2, &mr3);
	if (x->kind == HB_IPC_ROUNDTRIP) {
		for (;;)
			seL4_ReplyRecvWithMRs(ipc_ep, tag, &badge, &mr0, &mr1, &mr2, &mr3);
	}
	for (;;) {
		mr0 = hb_timer_now();
		seL4_ReplyRecvWithMRs(ipc_ep, tag, &badge, &mr0, &mr1, &mr2, &mr3);
	}
	return 0; /* not reached; gcc's C front end wants a return all the same */
}

int hb_bench_ipc(const struct hb_bench *b, struct hb_run *r)
{
	const struct hb_ipc_variant *v = b->arg;
	struct hb_thread *client = hb_thread_get(0), *server = hb_thread_get(1);
	seL4_CPtr vspace = seL4_CapInitThreadVSpace;
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
	r->ready(r, "0;0");
	/* The server starts first, so it is already waiting when the client's first Call comes. */
	if (hb_thread_start(server, vspace, ipc_server, &current, failure, sizeof failure) ||
	    hb_thread_start(client, seL4_CapInitThreadVSpace, ipc_client, &current, failure, sizeof failure)) {
		hb_threads_stop();
		return hb_run_fail(r, failure, 0);
	}
	rc = hb_thread_wait(client, failure, sizeof failure);
	hb_threads_stop();
	return rc ? hb_run_fail(r, failure, 0) : 0;
}
