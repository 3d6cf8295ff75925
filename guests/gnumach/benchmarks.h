/* The GNU Mach payload's benchmarks, in the order it runs them. */
#ifndef HB_GNUMACH_BENCHMARKS_H
#define HB_GNUMACH_BENCHMARKS_H

#include <stddef.h>

#include "bench.h"
#include "mach.h"

extern const struct hb_bench hb_gnumach_benches[];
extern const size_t hb_gnumach_bench_count;

/* Mach message IPC between the driver and a partner thread or task. */
enum hb_ipc_kind {
	HB_IPC_ROUNDTRIP,     /* client: its send+receive mach_msg to its return */
	HB_IPC_ONEWAY_REQUEST, /* client before its mach_msg to server after its receive returns */
	HB_IPC_ONEWAY_REPLY,  /* server before its reply mach_msg to client after its returns */
};

struct hb_ipc_variant {
	enum hb_ipc_kind kind;
	int server_in_own_task; /* 1: the server is a thread of a task of its own */
};

int hb_bench_ipc(const struct hb_bench *b, struct hb_run *r);
int hb_bench_syscall_task_self(const struct hb_bench *b, struct hb_run *r);
int hb_bench_syscall_invalid_trap(const struct hb_bench *b, struct hb_run *r);
int hb_bench_ctxswitch_handoff(const struct hb_bench *b, struct hb_run *r);
int hb_bench_pagefault_anon(const struct hb_bench *b, struct hb_run *r);

#endif
