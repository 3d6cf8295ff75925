/*
 * Mach message RPC as MIG clients and servers do it: the client sends a request carrying a
 * send-once right to its reply port and receives the reply in the same mach_msg trap; the server
 * replies through that send-once right and waits for the next request in the same trap, so each
 * side makes one trap per round trip. Every message is the 24-byte header plus one typed item of
 * two 32-bit integers (36 bytes), which in the one-way variants carries the server's timestamp
 * (both sides read the one CPU's TSC); the round trip reads no timer on the server.
 *
 * Every mach_msg trap here is made through window.h: the timer is read just before `lcall` and
 * just after it returns (the client always; the server in the one-way variants), and messages are
 * built before the first read and looked at after the second.
 */
#include "anatomy.h"
#include "benchmarks.h"
#include "fmt.h"
#include "mach.h"
#include "thread.h"
#include "window.h"

#define IPC_MSGID 0x4842 /* ours: no kernel routine has it */

struct ipc_msg {
	struct hb_msg_header head;
	struct hb_msg_type stamp_type; /* INTEGER_32, 32 bits, 2 */
	uint32_t stamp[2];             /* low and high words of a TSC reading */
};

/*
 * What the server needs, static so that a server in a task of its own (a copy of this memory)
 * has it too: the kind, and the name of the service port's receive right in its space.
 */
static struct {
	enum hb_ipc_kind kind;
	hb_port_t service;
} shared;
static char failure[160];

static struct hb_msg_type stamp_type(void)
{
	struct hb_msg_type t = { 0 };

	t.name = HB_MSG_TYPE_INTEGER_32;
	t.size = 32;
	t.number = 2;
	t.is_inline = 1;
	return t;
}

/*
 * Never returns: the driver terminates it once it has its samples. In the one-way variants each of
 * its traps is timed: for the request variant the reading taken as a receive returns goes back to
 * the client in the reply (t1 lands in the received message, which becomes the reply); for the
 * reply variant the reading taken just before the reply's trap is in the reply it sends.
 */
static void ipc_server(void *arg)
{
	struct ipc_msg m;
	uint32_t unsent[2];
	const int timed = shared.kind != HB_IPC_ROUNDTRIP;
	uint32_t *t0 = shared.kind == HB_IPC_ONEWAY_REPLY ? m.stamp : unsent;
	uint32_t *t1 = shared.kind == HB_IPC_ONEWAY_REQUEST ? m.stamp : unsent;
	const struct hb_trap_frame receive = {
		HB_TRAP_MACH_MSG, { (uint32_t)&m, HB_RCV_MSG, 0, sizeof m, shared.service, HB_MSG_TIMEOUT_NONE, HB_PORT_NULL }
	};
	const struct hb_trap_frame reply_receive = {
		HB_TRAP_MACH_MSG,
		{ (uint32_t)&m, HB_SEND_MSG | HB_RCV_MSG, sizeof m, sizeof m, shared.service, HB_MSG_TIMEOUT_NONE, HB_PORT_NULL }
	};

	(void)arg;
	m.stamp[0] = m.stamp[1] = 0;
	if (timed)
		hb_trap_timed(&receive, unsent, t1);
	else
		hb_trap(&receive);
	for (;;) {
		/* A received header names the reply right in remote (and the port it came in on in local). */
		hb_port_t reply = m.head.remote;

		m.head.bits = HB_MSGH_BITS(HB_MSG_TYPE_MOVE_SEND_ONCE, 0);
		m.head.size = sizeof m;
		m.head.remote = reply;
		m.head.local = HB_PORT_NULL;
		m.head.id = IPC_MSGID + 100;
		m.stamp_type = stamp_type();
		if (timed)
			hb_trap_timed(&reply_receive, t0, t1);
		else
			hb_trap(&reply_receive);
	}
}

/*
 * The anatomy region's begin mark (anatomy.h). In the one-way variants both threads read the
 * timer, four reads a round: the client's t0, the server's as its receive returns, the server's
 * before its reply, the client's t1. The request sample spans reads 0 to 1, the reply's 2 to 3.
 * The round trip's server reads none, so its reads pair up as usual.
 */
static inline __attribute__((always_inline)) void anatomy_begin(enum hb_ipc_kind kind)
{
	if (kind == HB_IPC_ONEWAY_REQUEST)
		hb_anatomy_begin_cycle(4, 0, 1);
	else if (kind == HB_IPC_ONEWAY_REPLY)
		hb_anatomy_begin_cycle(4, 2, 3);
	else
		hb_anatomy_begin();
}

static int client(struct hb_run *r, hb_port_t reply_port)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	struct ipc_msg m;
	const struct hb_trap_frame send_receive = {
		HB_TRAP_MACH_MSG,
		{ (uint32_t)&m, HB_SEND_MSG | HB_RCV_MSG, sizeof m, sizeof m, reply_port, HB_MSG_TIMEOUT_NONE, HB_PORT_NULL }
	};
	struct hb_trap_times t;

	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t0, t1, stamp, sample;
		int32_t rc;

		if (i == r->warmup)
			anatomy_begin(shared.kind);
		m.head.bits = HB_MSGH_BITS(HB_MSG_TYPE_COPY_SEND, HB_MSG_TYPE_MAKE_SEND_ONCE);
		m.head.size = sizeof m;
		m.head.remote = shared.service;
		m.head.local = reply_port;
		m.head.seqno = 0;
		m.head.id = IPC_MSGID;
		m.stamp_type = stamp_type();
		m.stamp[0] = m.stamp[1] = 0;
		rc = hb_trap_timed(&send_receive, t.t0, t.t1);
		if (rc != HB_MSG_SUCCESS) {
			hb_fmt(failure, sizeof failure, "mach_msg (send+receive): return 0x%x", (unsigned)rc);
			return -1;
		}
		t0 = hb_trap_time(t.t0);
		t1 = hb_trap_time(t.t1);
		stamp = (uint64_t)m.stamp[1] << 32 | m.stamp[0];
		if (shared.kind == HB_IPC_ONEWAY_REQUEST)
			sample = stamp - t0;
		else if (shared.kind == HB_IPC_ONEWAY_REPLY)
			sample = t1 - stamp;
		else
			sample = t1 - t0;
		if (i >= r->warmup)
			r->samples[i - r->warmup] = sample;
	}
	hb_anatomy_end();
	return 0;
}

int hb_bench_ipc(const struct hb_bench *b, struct hb_run *r)
{
	const struct hb_ipc_variant *v = b->arg;
	hb_port_t self = hb_mach_task_self();
	struct hb_partner server;
	hb_port_t reply_port;
	hb_kern_return_t kr;
	int rc;

	/* The service port: a receive right (the server's) with a send right beside it (the client's). */
	shared.kind = v->kind;
	shared.service = hb_mach_reply_port();
	reply_port = hb_mach_reply_port();
	kr = hb_mach_port_insert_right(self, shared.service, shared.service, HB_MSG_TYPE_MAKE_SEND);
	if (kr) {
		hb_fmt(failure, sizeof failure, "mach_port_insert_right (make send): kern_return %d", (int)kr);
		return hb_run_fail(r, failure, 0);
	}
	if (hb_partner_create(&server, v->server_in_own_task, ipc_server, NULL, failure, sizeof failure))
		return hb_run_fail(r, failure, 0);
	if (v->server_in_own_task) {
		/* The receive right moves to the server's task under the same name; our send right stays. */
		kr = hb_mach_port_insert_right(server.task, shared.service, shared.service, HB_MSG_TYPE_MOVE_RECEIVE);
		if (kr) {
			hb_fmt(failure, sizeof failure, "mach_port_insert_right (move receive): kern_return %d", (int)kr);
			hb_partner_stop(&server);
			return hb_run_fail(r, failure, 0);
		}
	}
	r->ready(r, "0;0");
	if (hb_partner_resume(&server, failure, sizeof failure)) {
		hb_partner_stop(&server);
		return hb_run_fail(r, failure, 0);
	}
	rc = client(r, reply_port);
	hb_partner_stop(&server);
	hb_mach_port_deallocate(self, shared.service);
	return rc ? hb_run_fail(r, failure, 0) : 0;
}
