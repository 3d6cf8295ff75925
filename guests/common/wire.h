/*
 * The data-channel wire format: the one definition shared by every guest payload and read by the
 * harness's parser tests (test/wire/header.test.ts parses the HB_* macros below), so the C and
 * TypeScript sides cannot drift apart.
 *
 * A stream is a sequence of records. Every record is a 20-byte header followed by `length` payload
 * bytes. All integers are little-endian.
 *
 *   offset size field
 *        0    4 magic    HB_WIRE_MAGIC ("HBWR" in memory order)
 *        4    2 version  HB_WIRE_VERSION
 *        6    2 type     HB_REC_*
 *        8    4 seq      record sequence number, 0 for the first record of a stream, +1 each record
 *       12    4 length   payload bytes that follow the header (at most HB_WIRE_MAX_PAYLOAD)
 *       16    4 crc32    CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320, init and xorout 0xFFFFFFFF)
 *                        over header bytes 0..15 followed by the payload
 *
 * Payloads:
 *   HB_REC_STREAM_BEGIN, HB_REC_BENCH_BEGIN, HB_REC_BENCH_END, HB_REC_SKIP, HB_REC_STREAM_END,
 *   HB_REC_ERROR, HB_REC_PEER: "key=value\n" lines of printable ASCII; keys are the HB_KEY_* names.
 *   HB_REC_SAMPLES: u32 index of the first sample in this record, then each sample as an unsigned
 *   LEB128 varint (7 bits a byte, low group first, high bit set on every byte but the last).
 *   Samples are raw timer deltas (end - start) in timer ticks, timer overhead NOT subtracted.
 *
 * A stream is: STREAM_BEGIN, then for each benchmark either SKIP or BENCH_BEGIN, SAMPLES...,
 * BENCH_END (or ERROR), then any PEER records (another tool's benchmark run in the same boot,
 * version 2 on), and finally STREAM_END, whose "benchmarks" counts BENCH_BEGIN and SKIP records
 * (so every ERROR follows the BENCH_BEGIN of its benchmark; PEER records are not counted).
 *
 * Values must be printable ASCII without newlines: the harness rejects the whole stream otherwise,
 * so writers replace other bytes (e.g. from uname or strerror) with '?'. "vcpus" lists distinct
 * vCPUs ("0" when both ends share vCPU 0); "affinity" has one entry per participant ("0;0").
 */
#ifndef HB_WIRE_H
#define HB_WIRE_H

#define HB_WIRE_MAGIC 0x52574248u
#define HB_WIRE_VERSION 2
#define HB_WIRE_HEADER_BYTES 20
#define HB_WIRE_MAX_PAYLOAD 65536

#define HB_REC_STREAM_BEGIN 1
#define HB_REC_BENCH_BEGIN 2
#define HB_REC_SAMPLES 3
#define HB_REC_BENCH_END 4
#define HB_REC_SKIP 5
#define HB_REC_ERROR 6
#define HB_REC_STREAM_END 7
#define HB_REC_PEER 8 /* since version 2 */

/* STREAM_BEGIN keys */
#define HB_KEY_PAYLOAD "payload"           /* payload name and version, e.g. "hb-linux 1" */
#define HB_KEY_GUEST_OS "guest_os"         /* linux | sel4 | minix | gnumach */
#define HB_KEY_KERNEL "kernel"             /* guest kernel version string */
#define HB_KEY_CPUS_ONLINE "cpus_online"   /* vCPUs the guest sees */
#define HB_KEY_TIMER "timer"               /* rdtscp+lfence | lfence+rdtsc */
#define HB_KEY_TSC_HZ "tsc_hz"             /* TSC frequency in Hz, 0 when unknown */
#define HB_KEY_INVARIANT_TSC "invariant_tsc" /* 1 when CPUID.80000007H:EDX[8] is set */
#define HB_KEY_COMPILER "compiler"         /* compiler and version that built the payload */
#define HB_KEY_CFLAGS "cflags"             /* flags the payload was built with */
/*
 * Timer validation, run before the first benchmark (hb_timer_check in timer.h): the timer read
 * timer_check_reads times back to back on the payload's start-up thread, not pinned.
 */
#define HB_KEY_TIMER_CHECK_READS "timer_check_reads" /* reads taken; 0 or absent: no check */
#define HB_KEY_TIMER_BACKWARDS "timer_backwards" /* back-to-back deltas that went backwards */
#define HB_KEY_TIMER_MAX_BACKWARDS "timer_max_backwards" /* largest backwards step, ticks */
#define HB_KEY_TIMER_MIN_FORWARD "timer_min_forward" /* smallest other delta, ticks */
#define HB_KEY_TIMER_MAX_FORWARD "timer_max_forward" /* largest other delta, ticks */
/* Where tsc_hz came from: cpuid | kernel (kernel_tsc_hz, CPUID having none) | none (tsc_hz 0) */
#define HB_KEY_TSC_HZ_SOURCE "tsc_hz_source"
/*
 * The guest kernel's own TSC calibration in Hz, 0 when not found. Linux: its log (klogctl),
 * "tsc: Refined TSC clocksource calibration: N MHz", else "tsc: Detected N MHz processor".
 * seL4: bootinfo's SEL4_BOOTINFO_HEADER_X86_TSC_FREQ (whole MHz). MINIX: /proc/cpuinfo's
 * "cpu MHz" (whole MHz).
 */
#define HB_KEY_KERNEL_TSC_HZ "kernel_tsc_hz"
/*
 * Linux only: CLOCK_MONOTONIC and the timer read together at two points about 50 ms apart
 * (busy-waiting on clock_gettime; at each point the timer is read on both sides of the clock
 * read, the narrowest of 8 tries kept and its midpoint used); clock_check_ticks / clock_check_ns
 * is ticks per ns. Both 0 when clock_gettime failed.
 */
#define HB_KEY_CLOCK_CHECK_NS "clock_check_ns"       /* CLOCK_MONOTONIC delta, ns */
#define HB_KEY_CLOCK_CHECK_TICKS "clock_check_ticks" /* timer delta over the same span, ticks */
/*
 * What the guest kernel says of its speculative-execution mitigations, where it says anything
 * (Linux: each file of /sys/devices/system/cpu/vulnerabilities as "name: text", joined with " | "),
 * and the command line it was booted with (Linux: /proc/cmdline). Absent where the OS has neither.
 */
#define HB_KEY_MITIGATIONS "mitigations"
#define HB_KEY_KERNEL_CMDLINE "kernel_cmdline"

/* BENCH_BEGIN keys */
#define HB_KEY_METRIC "metric"             /* stable metric name, e.g. "syscall.null" */
#define HB_KEY_UNIT "unit"                 /* unit of raw samples: "tsc-ticks" */
#define HB_KEY_ITERATIONS "iterations"     /* timed samples that follow */
#define HB_KEY_WARMUP "warmup"             /* iterations run and discarded before timing */
#define HB_KEY_OPS_PER_SAMPLE "ops_per_sample" /* operations one sample covers, e.g. 2 switches */
#define HB_KEY_VCPUS "vcpus"               /* vCPUs the benchmark's threads asked for, e.g. "0,1" */
#define HB_KEY_AFFINITY "affinity"         /* affinity read back per thread, e.g. "0;1" */
#define HB_KEY_OVERHEAD "timer_overhead"   /* minimum back-to-back timer delta, ticks (seL4: of its window, syscall a NOP) */
#define HB_KEY_MECHANISM "mechanism"       /* what produced the figure, e.g. "pipe" */

/* BENCH_END keys (also "metric") */
#define HB_KEY_SAMPLES "samples"           /* samples sent; must equal iterations */
#define HB_KEY_OVERHEAD_AFTER "timer_overhead_after" /* overhead re-measured after the run */

/* SKIP and ERROR keys (also "metric") */
#define HB_KEY_REASON "reason"

/*
 * PEER keys: another tool's benchmark, run by the payload after its own (the peer cross-check).
 * Also "vcpus" and "affinity" (where the tool's processes ran) and, when it could not be run or
 * did not exit 0, "reason". The harness parses "output" itself (harness/report/peers.ts).
 */
#define HB_KEY_PEER "peer"                 /* the tool, e.g. "perf" */
#define HB_KEY_PEER_BENCH "bench"          /* its benchmark, e.g. "sched-pipe" */
#define HB_KEY_COMPARE_WITH "compare_with" /* our metric it measures the same thing as */
#define HB_KEY_COMMAND "command"           /* the command line run, e.g. "perf bench sched pipe -l 10000" */
#define HB_KEY_LOOPS "loops"               /* operations the tool was asked to run */
#define HB_KEY_EXIT "exit"                 /* "0".."255", "signal N", or "none" when never run */
#define HB_KEY_OUTPUT "output"             /* its stdout and stderr, lines joined with " | " */

/* STREAM_END keys */
#define HB_KEY_BENCHMARKS "benchmarks"     /* BENCH_BEGIN + SKIP records sent */

#endif
