#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anatomy.h"
#include "benchmarks.h"
#include "pin.h"
#include "window.h"

/*
 * Page faults: the first access to a page the process has mapped but the kernel has not yet
 * entered in its page table. The window is a single load or store between the two timer reads;
 * the fault, the kernel's handling of it and the access's second, successful execution lie in it.
 *
 * The pages come in batches of HB_PF_BATCH: one mapping, made before the first timer read of the
 * benchmark, whose pages are touched once each, in order. Between batches (outside every window)
 * madvise(MADV_DONTNEED) takes every page out of the page table again, so the next batch faults on
 * the same addresses: no memory grows with the iterations, and the page-table pages themselves
 * stay (MADV_DONTNEED frees pages, not page tables), so no timed fault also allocates a page
 * table. Before warm-up every page is touched once and dropped, so the page tables exist from the
 * first sample on.
 *
 * pagefault.anon: a private anonymous mapping, each timed access a store to a page never written
 * since it was dropped: do_anonymous_page allocates a zeroed page and maps it (a minor fault,
 * zero-fill). Transparent huge pages are off for the mapping (MADV_NOHUGEPAGE), so a fault is
 * always one 4 KiB page.
 *
 * pagefault.file: a shared read-only mapping of a memfd (a shmem file, as on tmpfs) whose pages
 * were written through write() beforehand, so each is in the page cache; each timed access is a
 * load. A read fault on a file mapping first tries fault-around (filemap_map_pages: every page of
 * the file already cached within 64 KiB around the address is mapped at once), so in a dense file
 * one fault in 16 would map 16 pages and the other 15 accesses would not fault at all. The file
 * therefore holds a page only every HB_PF_FILE_STRIDE pages (the rest are holes, never cached),
 * and the accesses go to those pages: every timed access faults, and each fault maps one page.
 */

#define HB_PF_BATCH 256u       /* pages a batch touches */
#define HB_PF_FILE_STRIDE 16u  /* pages from one cached file page to the next: fault-around's 64 KiB */

struct pf_area {
	char *base;
	size_t len;
	size_t stride; /* bytes from one touched page to the next */
};

static inline void touch_store(char *p)
{
	__asm__ __volatile__("movb $1, (%0)" : : "r"(p) : "memory");
}

static inline void touch_load(const char *p)
{
	char v;

	__asm__ __volatile__("movb (%1), %0" : "=q"(v) : "r"(p) : "memory");
	(void)v;
}

static int pf_drop(const struct pf_area *a)
{
	return madvise(a->base, a->len, MADV_DONTNEED) ? errno : 0;
}

/* 0, or errno with the failed call in *op. */
static int pf_setup_anon(struct pf_area *a, size_t page, const char **op)
{
	a->stride = page;
	a->len = (size_t)HB_PF_BATCH * page;
	*op = "mmap";
	a->base = mmap(NULL, a->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->base == MAP_FAILED)
		return errno;
	/* Kernels without transparent huge pages refuse the advice; then every fault is 4 KiB anyway. */
	*op = "madvise(MADV_NOHUGEPAGE)";
	if (madvise(a->base, a->len, MADV_NOHUGEPAGE) && errno != EINVAL)
		return errno;
	return 0;
}

static int pf_setup_file(struct pf_area *a, size_t page, int *fd, const char **op)
{
	static const char one = 1;

	*op = "memfd_create";
	if ((*fd = memfd_create("hb-pagefault", MFD_CLOEXEC)) < 0)
		return errno;
	a->stride = (size_t)HB_PF_FILE_STRIDE * page;
	a->len = (size_t)HB_PF_BATCH * a->stride;
	*op = "ftruncate";
	if (ftruncate(*fd, (off_t)a->len))
		return errno;
	*op = "pwrite";
	for (size_t off = 0; off < a->len; off += a->stride)
		if (pwrite(*fd, &one, 1, (off_t)off) != 1)
			return errno ? errno : EIO;
	*op = "mmap";
	a->base = mmap(NULL, a->len, PROT_READ, MAP_SHARED, *fd, 0);
	if (a->base == MAP_FAILED)
		return errno;
	return 0;
}

int hb_bench_pagefault(const struct hb_bench *b, struct hb_run *r)
{
	const int file = *(const int *)b->arg;
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct pf_area a = { MAP_FAILED, 0, 0 };
	const char *op = "";
	char affinity[64];
	uint32_t next = 0; /* the batch's next page */
	int fd = -1, err;

	if ((err = hb_pin_self(b->cpu[0])))
		return hb_run_fail(r, "sched_setaffinity", err);
	if ((err = hb_affinity_self(affinity, sizeof affinity)))
		return hb_run_fail(r, "sched_getaffinity", err);
	if ((err = file ? pf_setup_file(&a, page, &fd, &op) : pf_setup_anon(&a, page, &op))) {
		err = hb_run_fail(r, op, err);
		goto out;
	}
	/* Page tables for the whole area, made once and kept. */
	for (uint32_t i = 0; i < HB_PF_BATCH; i++) {
		if (file)
			touch_load(a.base + i * a.stride);
		else
			touch_store(a.base + i * a.stride);
	}
	if ((err = pf_drop(&a))) {
		err = hb_run_fail(r, "madvise(MADV_DONTNEED)", err);
		goto out;
	}
	r->ready(r, affinity);

	for (uint32_t i = 0; i < r->warmup; i++) {
		if (next == HB_PF_BATCH) {
			if ((err = pf_drop(&a)))
				break;
			next = 0;
		}
		if (file)
			touch_load(a.base + next++ * a.stride);
		else
			touch_store(a.base + next++ * a.stride);
	}
	if (!err && (err = pf_drop(&a)) == 0) {
		next = 0;
		hb_anatomy_begin();
		for (uint32_t i = 0; i < r->iterations; i++) {
			char *p;

			if (next == HB_PF_BATCH) {
				if ((err = pf_drop(&a)))
					break;
				next = 0;
			}
			p = a.base + next++ * a.stride;
			/* The address in a register before the first read: only the access lies between them. */
			__asm__ __volatile__("" : "+r"(p));
			if (file) {
				uint64_t t0 = hb_window_start();

				touch_load(p);
				uint64_t t1 = hb_timer_now();

				r->samples[i] = t1 - t0;
			} else {
				uint64_t t0 = hb_window_start();

				touch_store(p);
				uint64_t t1 = hb_timer_now();

				r->samples[i] = t1 - t0;
			}
		}
		hb_anatomy_end();
	}
	if (err)
		err = hb_run_fail(r, "madvise(MADV_DONTNEED)", err);
out:
	if (a.base != MAP_FAILED)
		munmap(a.base, a.len);
	if (fd >= 0)
		close(fd);
	return err;
}
