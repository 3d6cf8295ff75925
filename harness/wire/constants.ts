// Mirrors guests/common/wire.h; test/wire/header.test.ts reads that header and fails if these drift.
export const WIRE_MAGIC = 0x52574248;
export const WIRE_VERSION = 2;
export const WIRE_HEADER_BYTES = 20;
export const WIRE_MAX_PAYLOAD = 65536;

export const RecordType = {
  STREAM_BEGIN: 1,
  BENCH_BEGIN: 2,
  SAMPLES: 3,
  BENCH_END: 4,
  SKIP: 5,
  ERROR: 6,
  STREAM_END: 7,
  PEER: 8,
} as const;
export type RecordTypeName = keyof typeof RecordType;

export const WireKey = {
  PAYLOAD: 'payload',
  GUEST_OS: 'guest_os',
  KERNEL: 'kernel',
  CPUS_ONLINE: 'cpus_online',
  TIMER: 'timer',
  TSC_HZ: 'tsc_hz',
  INVARIANT_TSC: 'invariant_tsc',
  COMPILER: 'compiler',
  CFLAGS: 'cflags',
  TIMER_CHECK_READS: 'timer_check_reads',
  TIMER_BACKWARDS: 'timer_backwards',
  TIMER_MAX_BACKWARDS: 'timer_max_backwards',
  TIMER_MIN_FORWARD: 'timer_min_forward',
  TIMER_MAX_FORWARD: 'timer_max_forward',
  TSC_HZ_SOURCE: 'tsc_hz_source',
  KERNEL_TSC_HZ: 'kernel_tsc_hz',
  CLOCK_CHECK_NS: 'clock_check_ns',
  CLOCK_CHECK_TICKS: 'clock_check_ticks',
  MITIGATIONS: 'mitigations',
  KERNEL_CMDLINE: 'kernel_cmdline',
  METRIC: 'metric',
  UNIT: 'unit',
  ITERATIONS: 'iterations',
  WARMUP: 'warmup',
  OPS_PER_SAMPLE: 'ops_per_sample',
  VCPUS: 'vcpus',
  AFFINITY: 'affinity',
  OVERHEAD: 'timer_overhead',
  MECHANISM: 'mechanism',
  SAMPLES: 'samples',
  OVERHEAD_AFTER: 'timer_overhead_after',
  REASON: 'reason',
  PEER: 'peer',
  PEER_BENCH: 'bench',
  COMPARE_WITH: 'compare_with',
  COMMAND: 'command',
  LOOPS: 'loops',
  EXIT: 'exit',
  OUTPUT: 'output',
  BENCHMARKS: 'benchmarks',
} as const;
