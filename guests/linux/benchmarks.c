#include <sys/syscall.h>

#include "benchmarks.h"
#include "raw_syscall.h"

/* GNU C predefines `unix` as 1, which would turn the macro argument below into a number. */
#undef unix

#define VARIANT(mech, mode, is_process) \
	static const struct hb_ipc_variant ipc_##mech##_##mode = { &hb_ipc_##mech, is_process }

#define VARIANTS(mech) VARIANT(mech, thread, 0); VARIANT(mech, process, 1)

static const long nr_getppid = SYS_getppid;
static const long nr_unassigned = HB_SYSCALL_UNASSIGNED;
static const int pagefault_anon = 0;
static const int pagefault_file = 1;

VARIANTS(pipe);
VARIANTS(futex);
VARIANTS(eventfd);
VARIANTS(unix);

/* The initiator (participant 0) always sits on vCPU 0; "cross" puts the responder on vCPU 1. */
#define IPC(mech, mode, place, responder_cpu, vcpus_needed)                     \
	{                                                                       \
		.metric = "ipc.roundtrip." #mech "." #mode "." #place,          \
		.mechanism = #mech,                                             \
		.ops_per_sample = 1,                                            \
		.vcpus = vcpus_needed,                                          \
		.participants = 2,                                              \
		.cpu = { 0, responder_cpu },                                    \
		.run = hb_bench_ipc_roundtrip,                                  \
		.arg = &ipc_##mech##_##mode,                                    \
	}

#define IPC4(mech)                                                              \
	IPC(mech, thread, same, 0, 1), IPC(mech, thread, cross, 1, 2),          \
	IPC(mech, process, same, 0, 1), IPC(mech, process, cross, 1, 2)

const struct hb_bench hb_linux_benches[] = {
	{
		.metric = "syscall.null",
		.mechanism = "getppid",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_null,
		.arg = &nr_getppid,
	},
	{
		.metric = "syscall.null.enosys",
		.mechanism = "unassigned system call number 100000 (-ENOSYS)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_syscall_null,
		.arg = &nr_unassigned,
	},
	IPC4(pipe),
	IPC4(futex),
	IPC4(eventfd),
	IPC4(unix),
	{
		.metric = "ctxswitch.yield",
		.mechanism = "sched_yield",
		.ops_per_sample = 2, /* a round is a switch to the partner and one back */
		.vcpus = 1,
		.participants = 2,
		.cpu = { 0, 0 },
		.run = hb_bench_ctxswitch_yield,
	},
	{
		.metric = "ctxswitch.futex",
		.mechanism = "futex",
		.ops_per_sample = 2,
		.vcpus = 1,
		.participants = 2,
		.cpu = { 0, 0 },
		.run = hb_bench_ctxswitch_futex,
	},
	{
		.metric = "pagefault.anon",
		.mechanism = "first write to a private anonymous page (zero-fill)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_pagefault,
		.arg = &pagefault_anon,
	},
	{
		.metric = "pagefault.file",
		.mechanism = "first read of a shared mapping of a memfd page in the page cache (one page per fault)",
		.ops_per_sample = 1,
		.vcpus = 1,
		.participants = 1,
		.cpu = { 0 },
		.run = hb_bench_pagefault,
		.arg = &pagefault_file,
	},
};

const size_t hb_linux_bench_count = sizeof hb_linux_benches / sizeof hb_linux_benches[0];
