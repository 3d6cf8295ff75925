/* The MINIX payload's benchmarks and the table the driver (hb_minix.c) walks. */
#ifndef HB_MINIX_BENCH_H
#define HB_MINIX_BENCH_H

#include <stddef.h>

#include "bench.h"

struct hb_minix_bench {
	struct hb_bench b;
	/*
	 * NULL, or a check run before the benchmark: returns 1 with a reason in buf when it cannot
	 * run here (the driver then sends SKIP instead of BENCH_BEGIN), else 0.
	 */
	int (*unavailable)(char *buf, size_t size);
};

/*
 * bench_posix.c: pipes between two processes; plain POSIX apart from the MINIX-only way the
 * timed window sends its messages, so it also builds on a Linux host.
 */
int hb_bench_pipe_pingpong(const struct hb_bench *b, struct hb_run *r);

/* bench_sendrec.c: MINIX kernel IPC: to hb_service, to PM (getpid), and a call the kernel has not. */
int hb_sendrec_unavailable(char *buf, size_t size);
int hb_bench_sendrec(const struct hb_bench *b, struct hb_run *r);
int hb_bench_getpid(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ebadcall(const struct hb_bench *b, struct hb_run *r);

/* bench_mem.c: the first write to a page of an anonymous mapping (VM maps it); plain POSIX. */
int hb_bench_pagefault_anon(const struct hb_bench *b, struct hb_run *r);

extern const struct hb_minix_bench hb_minix_benches[];
extern const size_t hb_minix_bench_count;

#endif
