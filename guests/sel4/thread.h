/*
 * Worker threads of the root task. Benchmarks run in them while the root task (the driver, at
 * the top priority) waits for a report, so a worker that finishes hands control straight back
 * and the driver alone talks to the serial ports.
 */
#ifndef HB_SEL4_THREAD_H
#define HB_SEL4_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

#include "image.h"

#define HB_THREADS 2
/*
 * Workers share one priority, below the root task's 255: equal priorities are what the IPC
 * fastpath and seL4_Yield ping-pong need, and the driver preempts them the moment one reports.
 */
#define HB_WORKER_PRIO 100

struct hb_thread {
	unsigned index;
	seL4_CPtr tcb;
	/* A badged copy of the driver's endpoint: the worker's fault endpoint and its report channel. */
	seL4_CPtr report_ep;
	seL4_IPCBuffer *ipc;
	uintptr_t stack_top;
	struct hb_tls_area *tls;
	/* The CPU it runs on from its next hb_thread_start (hb_thread_set_core); 0 by default. */
	unsigned core;
	/* Its fault endpoint from its next hb_thread_start (hb_thread_set_fault_ep); 0: report_ep. */
	seL4_CPtr fault_ep;
};

/* CPUs the kernel runs on (bootinfo's numNodes): 1 on a uniprocessor kernel. Set by the driver. */
extern unsigned hb_cores;

/* Returns 0, or -1 with the reason in why. */
typedef int (*hb_thread_fn)(void *arg);

/* Makes the TCBs and the driver's endpoint; 0, or -1 with the reason in why. */
int hb_threads_init(char *why, size_t why_size);

struct hb_thread *hb_thread_get(unsigned index);

/*
 * Starts t running fn(arg) in vspace (seL4_CapInitThreadVSpace for the root task's own address
 * space). It runs only once the driver blocks in hb_thread_wait.
 */
int hb_thread_start(struct hb_thread *t, seL4_CPtr vspace, hb_thread_fn fn, void *arg, char *why,
		    size_t why_size);

/*
 * Puts t on CPU core from its next hb_thread_start, which sets the kernel's affinity before it
 * resumes the thread (seL4_TCB_SetAffinity, on an SMP kernel only). A worker on another core than
 * the driver's 0 runs as soon as it is started, not when the driver blocks. hb_threads_stop puts
 * every worker back on core 0. 0, or -1 with the reason in why (no such core).
 */
int hb_thread_set_core(struct hb_thread *t, unsigned core, char *why, size_t why_size);

/*
 * Sends t's faults to ep (a cap in the root CNode) from its next hb_thread_start, instead of to the
 * driver: a user-level pager. hb_threads_stop gives every worker the driver's endpoint again.
 */
void hb_thread_set_fault_ep(struct hb_thread *t, seL4_CPtr ep);

/*
 * Turns t's FPU off (seL4_TCBFlag_fpuDisabled) until its next hb_thread_start, which turns it on
 * again as the kernel creates threads. A thread without the FPU costs the kernel no FPU hand-over
 * when it is switched to; no worker uses the FPU (CFLAGS has -mgeneral-regs-only). Call it after
 * hb_thread_start and before hb_thread_wait. 0, or -1 with the reason in why.
 */
int hb_thread_fpu_off(struct hb_thread *t, char *why, size_t why_size);

/*
 * Blocks the driver until t's fn returns (giving its result) or any worker faults (giving -1 and
 * the fault in why).
 */
int hb_thread_wait(struct hb_thread *t, char *why, size_t why_size);

/* Suspends every worker, whatever it was doing, ready for the next start (on core 0). */
void hb_threads_stop(void);

#endif
