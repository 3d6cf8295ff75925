/* The seL4 root task's benchmarks, in the order it runs them. */
#ifndef HB_SEL4_BENCHMARKS_H
#define HB_SEL4_BENCHMARKS_H

#include <stddef.h>

#include "bench.h"

extern const struct hb_bench hb_sel4_benches[];
extern const size_t hb_sel4_bench_count;

/* Kernel objects the benchmarks share, made once; 0, or -1 with the reason in why. */
int hb_bench_objects_init(char *why, size_t why_size);

int hb_bench_ipc(const struct hb_bench *b, struct hb_run *r);
int hb_bench_syscall_yield(const struct hb_bench *b, struct hb_run *r);
int hb_bench_syscall_nbsend_null(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ctxswitch_yield(const struct hb_bench *b, struct hb_run *r);
int hb_bench_pagefault_pager(const struct hb_bench *b, struct hb_run *r);

#endif
