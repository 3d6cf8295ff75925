/*
 * The MINIX payload's page-fault benchmark: the first write to a page of an anonymous private
 * mapping. MINIX's kernel does not handle the fault itself: it stops the process and tells the VM
 * server, a user process, which allocates and zeroes a page, maps it into the process's page table
 * (through the kernel) and lets the process run again; the write is then executed once more.
 *
 * The pages come in batches of BATCH: one mmap (MAP_ANON, without MAP_PREALLOC, so VM maps nothing
 * until it is touched), each page written once in order between two timer reads, one munmap; both
 * calls lie outside every window, so memory does not grow with the iterations. Plain POSIX, so it
 * also builds on a Linux host.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anatomy.h"
#include "minix_bench.h"
#include "timer.h"

#define PAGE 4096u
#define BATCH 256u /* pages a batch touches */

static inline void touch(char *p)
{
	__asm__ __volatile__("movb $1, (%0)" : : "r"(p) : "memory");
}

int hb_bench_pagefault_anon(const struct hb_bench *b, struct hb_run *r)
{
	const size_t len = (size_t)BATCH * PAGE;
	char *base = MAP_FAILED;
	uint32_t i, next = BATCH;

	(void)b;
	r->ready(r, "0");
	for (i = 0; i < r->warmup + r->iterations; i++) {
		uint64_t t0, t1;
		char *p;

		if (i == r->warmup)
			hb_anatomy_begin();
		if (next == BATCH) {
			if (base != MAP_FAILED && munmap(base, len))
				return hb_run_fail(r, "munmap", errno);
			base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
			if (base == MAP_FAILED)
				return hb_run_fail(r, "mmap", errno);
			next = 0;
		}
		p = base + (size_t)next++ * PAGE;
		/* The address in a register before the first read: only the store lies between them. */
		__asm__ __volatile__("" : "+r"(p));
		t0 = hb_timer_now();
		touch(p);
		t1 = hb_timer_now();
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_anatomy_end();
	if (base != MAP_FAILED && munmap(base, len))
		return hb_run_fail(r, "munmap", errno);
	return 0;
}
