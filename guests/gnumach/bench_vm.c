/* Page faults: the first touch of memory vm_allocate has handed out (the kernel's zero-fill fault). */
#include "anatomy.h"
#include "benchmarks.h"
#include "fmt.h"
#include "timer.h"

/*
 * The pages come in batches of BATCH: vm_allocate (anywhere) gives the task a fresh region of
 * zero-fill memory, which GNU Mach maps into the page table only when it is touched; each page is
 * written once, in order; vm_deallocate gives the region back. Allocation and deallocation lie
 * outside every window, so memory does not grow with the iterations. Each timed access is one
 * store between two timer reads: the page fault (`t_page_fault` → `user_trap` → `vm_fault` →
 * `vm_fault_page`, which finds no page in the region's object and zero-fills a new one), the
 * `pmap_enter`, the return from the trap and the store again, this time without a fault. The first
 * fault of a batch also creates the region's VM object; the median is the steady fault.
 */
#define PAGE 4096u
#define BATCH 256u /* pages a batch touches */

static char failure[160];

static inline void touch(char *p)
{
	__asm__ __volatile__("movb $1, (%0)" : : "r"(p) : "memory");
}

int hb_bench_pagefault_anon(const struct hb_bench *b, struct hb_run *r)
{
	const uint64_t rounds = (uint64_t)r->warmup + r->iterations;
	hb_port_t self = hb_mach_task_self();
	uint32_t base = 0, next = BATCH;
	hb_kern_return_t kr = HB_KERN_SUCCESS;
	const char *op = "vm_allocate";

	(void)b;
	r->ready(r, "0");
	for (uint64_t i = 0; i < rounds; i++) {
		char *p;

		if (i == r->warmup)
			hb_anatomy_begin();
		if (next == BATCH) {
			if (base) {
				op = "vm_deallocate";
				if ((kr = hb_vm_deallocate(self, base, BATCH * PAGE)) != HB_KERN_SUCCESS)
					break;
			}
			base = 0;
			op = "vm_allocate";
			if ((kr = hb_vm_allocate(self, &base, BATCH * PAGE, 1)) != HB_KERN_SUCCESS) {
				base = 0;
				break;
			}
			next = 0;
		}
		p = (char *)(uintptr_t)(base + next++ * PAGE);
		/* The address in a register before the first read: only the store lies between them. */
		__asm__ __volatile__("" : "+r"(p));
		uint64_t t0 = hb_timer_now();

		touch(p);
		uint64_t t1 = hb_timer_now();

		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_anatomy_end();
	if (kr == HB_KERN_SUCCESS && base) {
		op = "vm_deallocate";
		kr = hb_vm_deallocate(self, base, BATCH * PAGE);
	}
	hb_mach_port_deallocate(self, self);
	if (kr != HB_KERN_SUCCESS) {
		hb_fmt(failure, sizeof failure, "%s of %u bytes: kern_return %d", op, BATCH * PAGE, (int)kr);
		return hb_run_fail(r, failure, 0);
	}
	return 0;
}
