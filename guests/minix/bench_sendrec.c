/*
 * The benchmarks that speak MINIX's kernel IPC directly (MINIX only; bench_posix.c has the rest):
 *
 * ipc.roundtrip.minixsendrec.process.same: a user process's ipc_sendrec to hb_service
 * (hb_service.c), which replies at once with ipc_sendnb. User processes may not send to each
 * other, hence the service as the far end.
 *
 * syscall.null: getpid as the C library makes it, one ipc_sendrec round trip to PM, but with the
 * message built before the first timer read and the reply looked at after the second.
 *
 * syscall.null.ebadcall: the IPC trap with a call number the kernel does not have, which do_ipc
 * (minix/kernel/proc.c) answers with EBADCALL before it looks at anything else.
 *
 * In every timed window: ipc_sendrec(), i.e. the C library's IPC stub for the trap vector the
 * kernel offers (int, sysenter or syscall: _minix_ipcvecs), called through its vector table; or,
 * for ebadcall, the trap instruction itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lib.h>        /* message, endpoint_t, ipc_sendrec(), PM_PROC_NR */
#include <minix/callnr.h> /* PM_GETPID */
#include <minix/ipcconst.h> /* SEND, RECEIVE, SENDREC, NOTIFY, SENDNB, SENDA, IPCVEC_INTR */
#include <minix/rs.h>   /* minix_rs_lookup() */

#include "anatomy.h"
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
	hb_anatomy_begin();
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
	hb_anatomy_end();
	return 0;
}

/*
 * getpid() is memset(&m), then _syscall(PM_PROC_NR, PM_GETPID, &m), which sets m_type, calls
 * ipc_sendrec, and turns a failure or a negative reply into errno (minix/lib/libc/sys/getpid.c,
 * syscall.c). Here the memset and m_type come before the window and the checks after it. The
 * reply's m_type is the pid.
 */
int hb_bench_getpid(const struct hb_bench *b, struct hb_run *r)
{
	message m;
	uint32_t i;
	int rc = 0;

	(void)b;
	r->ready(r, "0");
	for (i = 0; i < r->warmup + r->iterations; i++) {
		uint64_t t0, t1;

		if (i == r->warmup)
			hb_anatomy_begin();
		memset(&m, 0, sizeof m);
		m.m_type = PM_GETPID;
		t0 = hb_timer_now();
		rc = ipc_sendrec(PM_PROC_NR, &m);
		t1 = hb_timer_now();
		if (rc != 0 || m.m_type < 0)
			return hb_run_fail(r, "getpid (ipc_sendrec to PM)", rc != 0 ? (rc < 0 ? -rc : rc) : -m.m_type);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_anatomy_end();
	return 0;
}

/*
 * An IPC call number no call has. The kernel's IPC entry hands the trap's registers to do_ipc
 * (eax: endpoint, ebx: message, ecx: call number), whose switch on the call number answers every
 * number but SEND, RECEIVE, SENDREC, NOTIFY, SENDNB, SENDA and MINIX_KERNINFO with EBADCALL,
 * touching nothing. The trap is made as the C library's _ipc_*_intr stubs make it
 * (minix/lib/libc/arch/i386/sys/_ipc.S): int $IPCVEC_INTR, which the kernel always accepts; the
 * headline's ipc_sendrec may use sysenter or syscall instead.
 */
#define HB_IPC_NO_CALL 99
#if HB_IPC_NO_CALL == SEND || HB_IPC_NO_CALL == RECEIVE || HB_IPC_NO_CALL == SENDREC || \
	HB_IPC_NO_CALL == NOTIFY || HB_IPC_NO_CALL == SENDNB || HB_IPC_NO_CALL == SENDA
#error "HB_IPC_NO_CALL is an IPC call"
#endif
#if defined(MINIX_KERNINFO) && HB_IPC_NO_CALL == MINIX_KERNINFO
#error "HB_IPC_NO_CALL is MINIX_KERNINFO"
#endif
#if IPCVEC_INTR != 33
#error "the ipc trap vector is not 33: change the int below"
#endif

int hb_bench_ebadcall(const struct hb_bench *b, struct hb_run *r)
{
	message m;
	uint32_t i;
	int rc = 0;

	(void)b;
	memset(&m, 0, sizeof m);
	r->ready(r, "0");
	for (i = 0; i < r->warmup + r->iterations; i++) {
		uint64_t t0, t1;
		int call = HB_IPC_NO_CALL;
		message *mp = &m;

		if (i == r->warmup)
			hb_anatomy_begin();
		rc = PM_PROC_NR;
		t0 = hb_timer_now();
		/* As the _intr stubs: the kernel keeps every register but eax (the result). */
		__asm__ __volatile__("int $33" : "+a"(rc), "+b"(mp), "+c"(call) : : "edx", "memory");
		t1 = hb_timer_now();
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_anatomy_end();
	/* The kernel returns its errors negated; without _SYSTEM <errno.h> has them positive. */
	if (rc != -EBADCALL)
		return hb_run_fail(r, "IPC trap with no call: not EBADCALL", rc < 0 ? -rc : rc);
	return 0;
}
