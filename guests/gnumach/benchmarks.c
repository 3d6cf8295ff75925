#include "benchmarks.h"

static const struct hb_ipc_variant roundtrip_thread = { HB_IPC_ROUNDTRIP, 0 };
static const struct hb_ipc_variant roundtrip_task = { HB_IPC_ROUNDTRIP, 1 };
static const struct hb_ipc_variant request_thread = { HB_IPC_ONEWAY_REQUEST, 0 };
static const struct hb_ipc_variant reply_thread = { HB_IPC_ONEWAY_REPLY, 0 };

/* Client (the measuring participant 0, the driver) and server share vCPU 0: the kernel is uniprocessor. */
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

const struct hb_bench hb_gnumach_benches[] = {
	{
		.metric = "syscall.null",
		.mechanism = "mach_task_self trap (returns the task port's name; the reference it adds is dropped untimed)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_task_self,
	},
	{
		.metric = "syscall.null.invalidtrap",
		.mechanism = "unassigned trap -100 (kern_invalid: KERN_INVALID_ARGUMENT, nothing else done)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_invalid_trap,
	},
	IPC("ipc.roundtrip.machmsg.thread.same", "mach_msg RPC (send+receive, send-once reply)", roundtrip_thread),
	IPC("ipc.oneway.machmsg.thread.same", "mach_msg request (client's send+receive to the server's receive)", request_thread),
	IPC("ipc.oneway.machmsgreply.thread.same", "mach_msg reply (server's send-once reply+receive to the client's receive)", reply_thread),
	IPC("ipc.roundtrip.machmsg.process.same", "mach_msg RPC (send+receive, send-once reply)", roundtrip_task),
	{
		.metric = "ctxswitch.handoff",
		.mechanism = "thread_switch handoff (SWITCH_OPTION_NONE to the other thread)",
		.ops_per_sample = 2, /* a round is a switch to the partner and one back */
		.vcpus = 1,
		.participants = 2,
		.cpu = { 0, 0 },
		.run = hb_bench_ctxswitch_handoff,
	},
	{
		.metric = "pagefault.anon",
		.mechanism = "first write to vm_allocate'd memory (zero-fill)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_pagefault_anon,
	},
};

const size_t hb_gnumach_bench_count = sizeof hb_gnumach_benches / sizeof hb_gnumach_benches[0];
