#include <string.h>

#include "fmt.h"
#include "kobj.h"
#include "thread.h"

#define STACK_BYTES 16384
#define PAGE_BYTES 4096

/*
 * Each IPC buffer gets a page of its own: the kernel wants the frame cap of the page that holds
 * it, and the image's frame caps are per page.
 */
static uint8_t ipc_pages[HB_THREADS][PAGE_BYTES] __attribute__((aligned(PAGE_BYTES)));
static uint8_t stacks[HB_THREADS][STACK_BYTES] __attribute__((aligned(PAGE_BYTES)));
static struct hb_tls_area tls_areas[HB_THREADS];
static struct hb_thread threads[HB_THREADS];
static seL4_CPtr driver_ep;

unsigned hb_cores = 1;

struct hb_thread *hb_thread_get(unsigned index)
{
	return index < HB_THREADS ? &threads[index] : NULL;
}

int hb_threads_init(char *why, size_t why_size)
{
	seL4_CPtr tcbs, badged;
	seL4_Error err;

	if ((err = hb_kobj_make(seL4_EndpointObject, 0, seL4_EndpointBits, 1, &driver_ep)) ||
	    (err = hb_kobj_make(seL4_TCBObject, 0, seL4_TCBBits, HB_THREADS, &tcbs))) {
		hb_fmt(why, why_size, "%s (for the worker threads)", hb_kobj_last_problem());
		return -1;
	}
	badged = hb_slots_alloc(HB_THREADS);
	if (!badged) {
		hb_fmt(why, why_size, "%s (for the worker threads)", hb_kobj_last_problem());
		return -1;
	}
	for (unsigned i = 0; i < HB_THREADS; i++) {
		struct hb_thread *t = &threads[i];

		t->index = i;
		t->tcb = tcbs + i;
		t->report_ep = badged + i;
		t->ipc = (seL4_IPCBuffer *)ipc_pages[i];
		t->stack_top = (uintptr_t)stacks[i] + STACK_BYTES;
		t->tls = &tls_areas[i];
		/* Badge 0 would be indistinguishable from an unbadged send. */
		err = seL4_CNode_Mint(seL4_CapInitThreadCNode, t->report_ep, seL4_WordBits,
				      seL4_CapInitThreadCNode, driver_ep, seL4_WordBits, seL4_AllRights, i + 1);
		if (err) {
			hb_fmt(why, why_size, "CNode_Mint of worker %u's endpoint failed: seL4 error %d", i, (int)err);
			return -1;
		}
		err = seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, HB_WORKER_PRIO);
		if (err) {
			hb_fmt(why, why_size, "TCB_SetPriority of worker %u failed: seL4 error %d", i, (int)err);
			return -1;
		}
	}
	return 0;
}

/*
 * First code of every worker, entered through WriteRegisters with its arguments in rdi, rsi and
 * rdx. libsel4 finds the IPC buffer through a __thread variable, which starts out zero.
 */
static __attribute__((noreturn)) void thread_main(struct hb_thread *t, hb_thread_fn fn, void *arg)
{
	int rc;

	seL4_SetIPCBuffer(t->ipc);
	rc = fn(arg);
	seL4_SetMR(0, (seL4_Word)(long)rc);
	seL4_Send(t->report_ep, seL4_MessageInfo_new(0, 0, 0, 1));
	for (;;)
		seL4_TCB_Suspend(t->tcb);
}

int hb_thread_start(struct hb_thread *t, seL4_CPtr vspace, hb_thread_fn fn, void *arg, char *why,
		    size_t why_size)
{
	seL4_UserContext regs;
	seL4_Error err;

	err = seL4_TCB_Configure(t->tcb, t->fault_ep ? t->fault_ep : t->report_ep, seL4_CapInitThreadCNode, 0, vspace, 0,
				 (seL4_Word)t->ipc, hb_image_frame(t->ipc));
	if (err) {
		hb_fmt(why, why_size, "TCB_Configure of worker %u failed: seL4 error %d", t->index, (int)err);
		return -1;
	}
	/* The kernel's default, restored here as an earlier benchmark may have turned it off. */
	err = seL4_TCB_SetFlags(t->tcb, seL4_TCBFlag_fpuDisabled, seL4_TCBFlag_NoFlag).error;
	if (err) {
		hb_fmt(why, why_size, "TCB_SetFlags of worker %u failed: seL4 error %d", t->index, (int)err);
		return -1;
	}
#ifdef CONFIG_ENABLE_SMP_SUPPORT
	/* Before WriteRegisters resumes it, so that it starts where it is to run. */
	err = seL4_TCB_SetAffinity(t->tcb, t->core);
	if (err) {
		hb_fmt(why, why_size, "TCB_SetAffinity of worker %u to core %u failed: seL4 error %d", t->index,
		       t->core, (int)err);
		return -1;
	}
#endif
	memset(&regs, 0, sizeof regs);
	regs.rip = (seL4_Word)thread_main;
	/* As if thread_main had been called: the ABI wants rsp + 8 16-byte aligned on entry. */
	regs.rsp = t->stack_top - 8;
	regs.rdi = (seL4_Word)t;
	regs.rsi = (seL4_Word)fn;
	regs.rdx = (seL4_Word)arg;
	regs.fs_base = hb_tls_prepare(t->tls);
	err = seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs);
	if (err) {
		hb_fmt(why, why_size, "TCB_WriteRegisters of worker %u failed: seL4 error %d", t->index, (int)err);
		return -1;
	}
	return 0;
}

int hb_thread_set_core(struct hb_thread *t, unsigned core, char *why, size_t why_size)
{
	if (core >= hb_cores) {
		hb_fmt(why, why_size, "worker %u cannot run on core %u: the kernel runs on %u core(s)", t->index,
		       core, hb_cores);
		return -1;
	}
	t->core = core;
	return 0;
}

void hb_thread_set_fault_ep(struct hb_thread *t, seL4_CPtr ep)
{
	t->fault_ep = ep;
}

int hb_thread_fpu_off(struct hb_thread *t, char *why, size_t why_size)
{
	seL4_Error err = seL4_TCB_SetFlags(t->tcb, seL4_TCBFlag_NoFlag, seL4_TCBFlag_fpuDisabled).error;

	if (err) {
		hb_fmt(why, why_size, "TCB_SetFlags (FPU off) of worker %u failed: seL4 error %d", t->index, (int)err);
		return -1;
	}
	return 0;
}

static const char *fault_name(seL4_Word label)
{
	switch (label) {
	case seL4_Fault_CapFault:
		return "cap fault";
	case seL4_Fault_UnknownSyscall:
		return "unknown syscall";
	case seL4_Fault_UserException:
		return "user exception";
	case seL4_Fault_VMFault:
		return "VM fault";
	default:
		return "fault";
	}
}

int hb_thread_wait(struct hb_thread *t, char *why, size_t why_size)
{
	for (;;) {
		seL4_Word badge;
		seL4_MessageInfo_t info = seL4_Recv(driver_ep, &badge);
		seL4_Word label = seL4_MessageInfo_get_label(info);

		/* A worker's report is label 0, which no fault message carries (that is NullFault). */
		if (label == 0) {
			if (badge == t->index + 1)
				return (int)(long)seL4_GetMR(0);
			continue; /* a partner that returned: it is suspended with the rest afterwards */
		}
		if (label == seL4_Fault_UnknownSyscall) {
			hb_fmt(why, why_size, "worker %lu: %s at ip 0x%lx", badge - 1, fault_name(label),
			       seL4_GetMR(seL4_UnknownSyscall_FaultIP));
		} else if (label == seL4_Fault_UserException) {
			hb_fmt(why, why_size, "worker %lu: %s %lu at ip 0x%lx", badge - 1, fault_name(label),
			       seL4_GetMR(seL4_UserException_Number), seL4_GetMR(seL4_UserException_FaultIP));
		} else {
			/* Cap and VM faults both start with the faulting ip and address. */
			hb_fmt(why, why_size, "worker %lu: %s at ip 0x%lx, address 0x%lx", badge - 1,
			       fault_name(label), seL4_GetMR(0), seL4_GetMR(1));
		}
		return -1;
	}
}

void hb_threads_stop(void)
{
	for (unsigned i = 0; i < HB_THREADS; i++) {
		seL4_TCB_Suspend(threads[i].tcb);
		threads[i].core = 0;
		threads[i].fault_ep = 0;
	}
}
