/* The Linux payload's benchmarks and the table the driver walks. */
#ifndef HB_BENCHMARKS_H
#define HB_BENCHMARKS_H

#include <stddef.h>

#include "bench.h"
#include "ipc_mech.h"

/* hb_bench.arg of the ipc.roundtrip.* entries. */
struct hb_ipc_variant {
	const struct hb_ipc_mech *mech;
	int process; /* responder is a forked process rather than a thread */
};

int hb_bench_syscall_null(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ipc_roundtrip(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ctxswitch_yield(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ctxswitch_futex(const struct hb_bench *b, struct hb_run *r);
/* hb_bench.arg: an int, 0 for an anonymous page (pagefault.anon), 1 for a cached file page (pagefault.file). */
int hb_bench_pagefault(const struct hb_bench *b, struct hb_run *r);

extern const struct hb_bench hb_linux_benches[];
extern const size_t hb_linux_bench_count;

#endif
