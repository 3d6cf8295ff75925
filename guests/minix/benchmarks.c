#include "minix_bench.h"

/*
 * Metric names follow the Linux payload's where the measurement means the same (a pipe round
 * trip between two processes on one CPU); the rest say what MINIX does instead. Everything runs
 * on vCPU 0: MINIX gives user processes no way to pick a CPU.
 */
const struct hb_minix_bench hb_minix_benches[] = {
	{
		.b = {
			.metric = "syscall.null",
			.mechanism = "getpid (ipc_sendrec round trip to PM)",
			.ops_per_sample = 1,
			.vcpus = 1,
			.participants = 1,
			.cpu = { 0 },
			.run = hb_bench_getpid,
		},
	},
	{
		.b = {
			.metric = "syscall.null.ebadcall",
			.mechanism = "IPC trap with a call number the kernel has not (EBADCALL from do_ipc)",
			.ops_per_sample = 1,
			.vcpus = 1,
			.participants = 1,
			.cpu = { 0 },
			.run = hb_bench_ebadcall,
		},
	},
	{
		.b = {
			.metric = "ipc.roundtrip.minixsendrec.process.same",
			.mechanism = "ipc_sendrec to a system service",
			.ops_per_sample = 1,
			.vcpus = 1,
			.participants = 2,
			.cpu = { 0, 0 },
			.run = hb_bench_sendrec,
		},
		.unavailable = hb_sendrec_unavailable,
	},
	{
		.b = {
			.metric = "ipc.roundtrip.pipe.process.same",
			.mechanism = "pipe",
			.ops_per_sample = 1,
			.vcpus = 1,
			.participants = 2,
			.cpu = { 0, 0 },
			.run = hb_bench_pipe_pingpong,
		},
	},
	{
		.b = {
			.metric = "ctxswitch.pipe",
			.mechanism = "pipe hand-off between two processes, 2 per round (MINIX has no kernel "
				     "sched_yield; each hand-off passes through VFS and PFS)",
			.ops_per_sample = 2,
			.vcpus = 1,
			.participants = 2,
			.cpu = { 0, 0 },
			.run = hb_bench_pipe_pingpong,
		},
	},
	{
		.b = {
			.metric = "pagefault.anon",
			.mechanism = "first write to an anonymous private mmap page (the VM server maps it)",
			.ops_per_sample = 1,
			.vcpus = 1,
			.participants = 1,
			.cpu = { 0 },
			.run = hb_bench_pagefault_anon,
		},
	},
};

const size_t hb_minix_bench_count = sizeof hb_minix_benches / sizeof hb_minix_benches[0];
