/*
 * pagefault.pager: a page fault handled by a user-level pager. seL4 maps nothing by itself: a
 * thread's access to an unmapped page is a VM fault, which the kernel sends as a message to the
 * thread's fault endpoint. Here worker 1, the pager, waits on that endpoint; it maps a frame at the
 * faulting address (seL4_X86_Page_Map) and replies, which restarts worker 0 at its access.
 *
 * Worker 0 (the faulter, which measures) touches the pages of a region that has its page tables
 * but no frames, one store each, in order; the window is timed.h's statement with the store in the
 * place of `syscall` (below). Between the reads: the fault's kernel entry, the fault message to the
 * pager (slowpath: the pager is made runnable, the faulter blocks waiting for the reply), the switch
 * to the pager, its return from seL4_Recv or seL4_ReplyRecv, its untimed loop (the label and address
 * read, the frame picked), seL4_X86_Page_Map (a system call of its own), seL4_ReplyRecv (the reply
 * restarts the faulter, the pager blocks on the endpoint again), the switch back and the store again,
 * now without a fault. The pager runs with its FPU off, as the IPC servers do; the faulter keeps it.
 *
 * Once all PF_PAGES are mapped, the faulter unmaps them (seL4_X86_Page_Unmap on each frame, outside
 * every window) and starts again at the first. At the end it touches PF_DONE, a page of the same
 * page table never mapped: the pager takes that fault as the end, does not reply, and returns its
 * result to the driver, which suspends both workers.
 */
#include "anatomy.h"
#include "benchmarks.h"
#include "fmt.h"
#include "kobj.h"
#include "thread.h"
#include "timed.h"
#include "timer.h"

#define PF_PAGE 4096ul
#define PF_PAGES 64ul
/* 2 GiB: above the sample buffer (1 GiB onwards, 2 MiB pages), in a page table of its own. */
#define PF_VADDR 0x80000000ul
#define PF_DONE (PF_VADDR + PF_PAGES * PF_PAGE)

static seL4_CPtr pager_ep, frames;
static char failure[256];
/* Set by the faulter when an unmap fails; the pager reports it. */
static volatile int unmap_error;
static volatile seL4_Word unmap_frame;

/* The endpoint, the frames and the page tables for the region, made once. 0 or -1 with failure set. */
static int pf_objects(void)
{
	seL4_Error err;

	if (frames)
		return 0;
	if (hb_kobj_make(seL4_EndpointObject, 0, seL4_EndpointBits, 1, &pager_ep) ||
	    hb_kobj_make(seL4_X86_4K, 0, seL4_PageBits, PF_PAGES, &frames)) {
		hb_fmt(failure, sizeof failure, "%s (for the pager's endpoint and frames)", hb_kobj_last_problem());
		frames = 0;
		return -1;
	}
	/* Mapping one frame makes the PDPT, directory and table the region lacks; they stay. */
	if (hb_map_frame(seL4_CapInitThreadVSpace, frames, PF_VADDR, seL4_ReadWrite)) {
		hb_fmt(failure, sizeof failure, "%s (the page table of the page-fault region)", hb_kobj_last_problem());
		frames = 0;
		return -1;
	}
	if ((err = seL4_X86_Page_Unmap(frames))) {
		hb_fmt(failure, sizeof failure, "X86_Page_Unmap failed: seL4 error %d", (int)err);
		frames = 0;
		return -1;
	}
	return 0;
}

/*
 * timed.h's window with the faulting store where the syscall instruction (or the overhead's NOP)
 * is: the same instructions around it, so a sample less the overhead is what the fault adds (the
 * store, like the NOP, counts once: the faulting attempt is not completed).
 */
#define HB_STORE_ASM(read)                                                                   \
	__asm__ __volatile__("movq %%rsp, %%rbx\n\t" read "movl %%eax, %%r12d\n\t"            \
			     "movl %%edx, %%r13d\n\t"                                         \
			     "movq $0, %%rdx\n\t"                                             \
			     "movb $1, (%%rdi)\n\t"                                           \
			     "movq %%rbx, %%rsp\n\t" read                                     \
			     : "=a"(lo), "=d"(hi), "=r"(b_lo), "=r"(b_hi), "+D"(addr)        \
			     :                                                                \
			     : "rbx", "rcx", "memory")

static inline __attribute__((always_inline)) void timed_store(const int rdtscp, seL4_Word addr, struct hb_window *w)
{
	register uint64_t b_lo __asm__("r12");
	register uint64_t b_hi __asm__("r13");
	uint32_t lo, hi;

	if (rdtscp)
		HB_STORE_ASM(HB_READ_RDTSCP);
	else
		HB_STORE_ASM(HB_READ_RDTSC);
	w->before = b_hi << 32 | b_lo;
	w->after = (uint64_t)hi << 32 | lo;
}

static int unmap_all(void)
{
	for (seL4_Word i = 0; i < PF_PAGES; i++) {
		seL4_Error err = seL4_X86_Page_Unmap(frames + i);

		if (err) {
			unmap_frame = i;
			unmap_error = err;
			return -1;
		}
	}
	return 0;
}

static inline __attribute__((always_inline)) void fault_loop(const int rdtscp, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	seL4_Word next = 0;
	struct hb_window w;

	if (unmap_all())
		goto done;
	for (uint64_t i = 0; i < rounds; i++) {
		if (i == r->warmup)
			hb_anatomy_begin();
		if (next == PF_PAGES) {
			if (unmap_all())
				break;
			next = 0;
		}
		timed_store(rdtscp, PF_VADDR + next++ * PF_PAGE, &w);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = w.after - w.before;
	}
	hb_anatomy_end();
done:
	*(volatile char *)PF_DONE = 1;
}

static int faulter(void *arg)
{
	if (hb_timer_use_rdtscp)
		fault_loop(1, arg);
	else
		fault_loop(0, arg);
	return 0; /* not reached: the pager never answers the fault at PF_DONE */
}

static int pager(void *arg)
{
	seL4_Word badge;
	seL4_MessageInfo_t info = seL4_Recv(pager_ep, &badge);

	(void)arg;
	for (;;) {
		seL4_Word label = seL4_MessageInfo_get_label(info);
		seL4_Word addr = seL4_GetMR(seL4_VMFault_Addr);
		seL4_Error err;

		if (label != seL4_Fault_VMFault) {
			hb_fmt(failure, sizeof failure, "pager: fault of label %lu from the faulter, not a VM fault", label);
			return -1;
		}
		if (addr == PF_DONE) {
			if (unmap_error) {
				hb_fmt(failure, sizeof failure, "X86_Page_Unmap of frame %lu failed: seL4 error %d",
				       (unsigned long)unmap_frame, (int)unmap_error);
				return -1;
			}
			return 0;
		}
		if (addr < PF_VADDR || addr >= PF_DONE) {
			hb_fmt(failure, sizeof failure, "pager: VM fault at 0x%lx (ip 0x%lx), outside the region", addr,
			       seL4_GetMR(seL4_VMFault_IP));
			return -1;
		}
		err = seL4_X86_Page_Map(frames + ((addr - PF_VADDR) >> seL4_PageBits), seL4_CapInitThreadVSpace,
					addr & ~(PF_PAGE - 1), seL4_ReadWrite, seL4_X86_Default_VMAttributes);
		if (err) {
			hb_fmt(failure, sizeof failure, "pager: X86_Page_Map at 0x%lx failed: seL4 error %d", addr, (int)err);
			return -1;
		}
		info = seL4_ReplyRecv(pager_ep, seL4_MessageInfo_new(0, 0, 0, 0), &badge);
	}
}

int hb_bench_pagefault_pager(const struct hb_bench *b, struct hb_run *r)
{
	struct hb_thread *t0 = hb_thread_get(0), *t1 = hb_thread_get(1);
	int rc;

	(void)b;
	if (pf_objects())
		return hb_run_fail(r, failure, 0);
	unmap_error = 0;
	r->ready(r, "0;0");
	/* The pager first, so that it waits on its endpoint before the first fault. */
	hb_thread_set_fault_ep(t0, pager_ep);
	if (hb_thread_start(t1, seL4_CapInitThreadVSpace, pager, r, failure, sizeof failure) ||
	    hb_thread_fpu_off(t1, failure, sizeof failure) ||
	    hb_thread_start(t0, seL4_CapInitThreadVSpace, faulter, r, failure, sizeof failure)) {
		hb_threads_stop();
		return hb_run_fail(r, failure, 0);
	}
	rc = hb_thread_wait(t1, failure, sizeof failure);
	hb_threads_stop();
	return rc ? hb_run_fail(r, failure, 0) : 0;
}
