import type { GuestConfig } from '../config/types.js';

/**
 * What the harness asked one guest for. A record the guest sends beyond it is forged (or from a
 * payload built for another config) and stops the stream like a damaged record: a BENCH_BEGIN,
 * SKIP or ERROR for a metric `include` does not select, a benchmark of other iterations or
 * warm-up than asked, a STREAM_BEGIN naming another OS, a PEER record of a peer not asked for.
 */
export interface StreamExpectation {
  /** STREAM_BEGIN's guest_os must be this: the config's `os` (every variant and reach of an OS runs its payload). */
  os: string;
  /** Metric names or globs (`*` matches any run of characters); every metric must match one. */
  include: readonly string[];
  /** BENCH_BEGIN's iterations and warmup must be exactly these. */
  iterations: number;
  warmup: number;
  /** Peer tools whose PEER records are accepted. */
  peers: readonly string[];
}

/** The expectation for a guest of a config: what its payload is told to run. */
export function streamExpectation(guest: Pick<GuestConfig, 'os' | 'benchmarks' | 'peers'>): StreamExpectation {
  return {
    // The payload is its OS's, whatever the image or the reach: the guest's adapter says so (its `os`).
    os: guest.os,
    include: [...guest.benchmarks.include],
    iterations: guest.benchmarks.iterations,
    warmup: guest.benchmarks.warmup,
    peers: [...guest.peers],
  };
}

/**
 * A metric name or glob as the payloads read `hb.bench` (`hb_glob_match`, guests/common/bench.c):
 * `*` matches any run of characters (dots included), everything else itself. The one matcher of
 * include patterns in TypeScript: the data channel's checks, the runner's pre-flight check of the
 * config's patterns against each guest's benchmarks, and published figures' selectors.
 */
export function metricGlob(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Whether `metric` matches any of the include patterns (metricGlob). */
export function matchesInclude(include: readonly string[], metric: string): boolean {
  return include.some((pattern) => metricGlob(pattern).test(metric));
}
