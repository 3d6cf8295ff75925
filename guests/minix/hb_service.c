/*
 * hb_service: the far end of the payload's ipc.roundtrip.minixsendrec figure. A MINIX system
 * service that does nothing but answer: user processes cannot receive messages, so a kernel IPC
 * round trip between two of our own processes needs one of them to be a system service, started
 * by RS (`minix-service up`) with a config that lets user processes reach it (hb_service.conf).
 *
 * Each request is answered at once with ipc_sendnb, the way system services reply to user
 * processes: the caller is blocked in ipc_sendrec, so the reply is delivered, and a caller that
 * vanished cannot block the service.
 *
 * Built like any MINIX service: static, -D_MINIX_SYSTEM=1, linked with -lsys and the minimal C
 * library (-nodefaultlibs -lsys -lminc), as <minix.service.mk> does.
 */
#include <minix/drivers.h>
#include <minix/sef.h>

#include "hb_service.h"

/* The TSC at receipt, ordered after the receive returned. User mode may read it on MINIX. */
static u64_t stamp(void)
{
	u32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64_t)hi << 32) | lo;
}

static int init_fresh(int type, sef_init_info_t *info)
{
	(void)type;
	(void)info;
	return OK;
}

int main(int argc, char **argv)
{
	message m;
	int ipc_status, r;

	env_setargs(argc, argv);
	sef_setcb_init_fresh(init_fresh);
	/* A restarted instance (after a crash) starts over just as a fresh one: it has no state. */
	sef_setcb_init_restart(init_fresh);
	/* `minix-service down hb_service` sends SIGTERM: exit then, instead of waiting to be killed. */
	sef_setcb_signal_handler(sef_cb_signal_handler_term);
	sef_startup();

	for (;;) {
		r = sef_receive_status(ANY, &m, &ipc_status);
		if (r != OK)
			continue;
		/* Notifications (from the kernel, RS, ...) expect no reply. */
		if (is_ipc_notify(ipc_status))
			continue;
		switch (m.m_type) {
		case HB_SVC_PING:
			m.m_type = HB_SVC_REPLY;
			break;
		case HB_SVC_STAMP:
			m.m_u64.data[0] = stamp();
			m.m_type = HB_SVC_REPLY;
			break;
		default:
			m.m_type = ENOSYS; /* negative here: <minix/drivers.h> defines _SYSTEM */
			break;
		}
		/* Nothing useful to do when this fails: the caller died, and no one else waits. */
		(void)ipc_sendnb(m.m_source, &m);
	}
	return 0;
}
