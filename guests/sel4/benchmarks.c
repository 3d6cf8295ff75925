#include "bench_ipc.h"
#include "benchmarks.h"

static const struct hb_ipc_variant roundtrip_thread = { HB_IPC_ROUNDTRIP, 0 };
static const struct hb_ipc_variant roundtrip_process = { HB_IPC_ROUNDTRIP, 1 };
static const struct hb_ipc_variant call_thread = { HB_IPC_ONEWAY_CALL, 0 };
static const struct hb_ipc_variant reply_thread = { HB_IPC_ONEWAY_REPLY, 0 };

/* Client (the measuring participant 0) and server share vCPU 0. */
#define IPC(name, mech, variant)                                                \
	{                                                                       \
		.metric = name,                                                 \
		.mechanism = mech,                                              \
		.ops_per_sample = 1,                                            \
		.vcpus = 1,                                                     \
		.participants = 2,                                              \
		.cpu = { 0, 0 },                                                \
		.run = hb_bench_ipc,                                            \
		.arg = &variant,                                                \
	}

/*
 * The client on vCPU 0, the server on vCPU 1: an SMP kernel (KernelMaxNumNodes=2) on 2 vCPUs;
 * skipped on a kernel that runs on one CPU.
 */
#define IPC_CROSS(name, mech, variant)                                          \
	{                                                                       \
		.metric = name,                                                 \
		.mechanism = mech,                                              \
		.ops_per_sample = 1,                                            \
		.vcpus = 2,                                                     \
		.participants = 2,                                              \
		.cpu = { 0, 1 },                                                \
		.run = hb_bench_ipc,                                            \
		.arg = &variant,                                                \
	}

const struct hb_bench hb_sel4_benches[] = {
	{
		.metric = "syscall.null",
		.mechanism = "seL4_Yield (no other runnable thread)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_yield,
	},
	{
		.metric = "syscall.null.nbsendnull",
		.mechanism = "seL4_NBSend on seL4_CapNull (lookup fails, no fault)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_nbsend_null,
	},
	IPC("ipc.roundtrip.sel4call.thread.same", "seL4_Call/seL4_ReplyRecv", roundtrip_thread),
	IPC("ipc.oneway.sel4call.thread.same", "seL4_Call", call_thread),
	IPC("ipc.oneway.sel4reply.thread.same", "seL4_ReplyRecv", reply_thread),
	IPC("ipc.roundtrip.sel4call.process.same", "seL4_Call/seL4_ReplyRecv", roundtrip_process),
	{
		.metric = "ctxswitch.yield",
		.mechanism = "seL4_Yield",
		.ops_per_sample = 2, /* a round is a switch to the partner and one back */
		.vcpus = 1,
		.participants = 2,
		.cpu = { 0, 0 },
		.run = hb_bench_ctxswitch_yield,
	},
	{
		.metric = "pagefault.pager",
		.mechanism = "VM fault to a user-level pager thread (seL4_X86_Page_Map, then seL4_ReplyRecv)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 2, /* the faulter, which measures, and the pager */
		.cpu = { 0, 0 },
		.run = hb_bench_pagefault_pager,
	},
	IPC_CROSS("ipc.roundtrip.sel4call.thread.cross", "seL4_Call/seL4_ReplyRecv", roundtrip_thread),
	IPC_CROSS("ipc.oneway.sel4call.thread.cross", "seL4_Call", call_thread),
	IPC_CROSS("ipc.oneway.sel4reply.thread.cross", "seL4_ReplyRecv", reply_thread),
};

const size_t hb_sel4_bench_count = sizeof hb_sel4_benches / sizeof hb_sel4_benches[0];
