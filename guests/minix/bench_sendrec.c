/*
 * ipc.roundtrip.minixsendrec.process.same: MINIX's own kernel IPC, a user process's ipc_sendrec
 * to hb_service (hb_service.c), which replies at once with ipc_sendnb. User processes may not
 * send to each other, hence the service as the far end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lib.h>        /* message, endpoint_t, ipc_sendrec() */
#include <minix/rs.h>   /* minix_rs_lookup() */

#include "hb_service.h"
#include "minix_bench.h"
#include "timer.h"

static endpoint_t service_ep;

/* Looks the service up by its label with RS; when that fails it is not running. */
int hb_sendrec_unavailable(char *buf, size_t size)
{
	if (minix_rs_lookup(HB_SERVICE_LABEL, &service_ep) == 0)
		return 0;
	snprintf(buf, size,
		 "service %s not running (minix_rs_lookup: %s); start it with minix-service up",
		 HB_SERVICE_LABEL, strerror(errno));
	return 1;
}

/*
 * The kernel's own IPC errors, which strerror() may only number. ipc_sendrec returns them negated
 * (the kernel is built with _SYSTEM); here, without _SYSTEM, <errno.h> has them positive.
 */
static const char *ipc_error_op(int err)
{
	switch (err) {
	case ECALLDENIED:
		return "ipc_sendrec: ECALLDENIED (the service's config does not grant ipc to user processes)";
	case ETRAPDENIED:
		return "ipc_sendrec: ETRAPDENIED";
	case EDEADSRCDST:
		return "ipc_sendrec: EDEADSRCDST (hb_service exited)";
	case ENOTREADY:
		return "ipc_sendrec: ENOTREADY";
	case ELOCKED:
		return "ipc_sendrec: ELOCKED";
	case EBADCALL:
		return "ipc_sendrec: EBADCALL";
	default:
		return NULL;
	}
}

/* After a failed round: rc from ipc_sendrec, else the reply's type (-ENOSYS: unknown request). */
static int sendrec_failed(struct hb_run *r, int rc, int reply_type)
{
	if (rc != 0) {
		int err = rc < 0 ? -rc : rc;
		const char *op = ipc_error_op(err);

		return op ? hb_run_fail(r, op, 0) : hb_run_fail(r, "ipc_sendrec", err);
	}
	if (reply_type < 0)
		return hb_run_fail(r, "hb_service refused the request", -reply_type);
	return hb_run_fail(r, "hb_service sent an unexpected reply", 0);
}

int hb_bench_sendrec(const struct hb_bench *b, struct hb_run *r)
{
	message m;
	uint32_t i;
	int rc;

	(void)b;
	memset(&m, 0, sizeof m);
	/* Both ends on the guest's one CPU; no MINIX call reads a process's CPU back. */
	r->ready(r, "0;0");

	for (i = 0; i < r->warmup; i++) {
		m.m_type = HB_SVC_PING;
		rc = ipc_sendrec(service_ep, &m);
		if (rc != 0 || m.m_type != HB_SVC_REPLY)
			return sendrec_failed(r, rc, m.m_type);
	}
	for (i = 0; i < r->iterations; i++) {
		uint64_t t0, t1;

		m.m_type = HB_SVC_PING;
		t0 = hb_timer_now();
		rc = ipc_sendrec(service_ep, &m);
		t1 = hb_timer_now();
		if (rc != 0 || m.m_type != HB_SVC_REPLY)
			return sendrec_failed(r, rc, m.m_type);
		r->samples[i] = t1 - t0;
	}
	return 0;
}
