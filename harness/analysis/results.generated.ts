/**
 * Generated from harness/analysis/results.schema.json by scripts/generate-schema-types.ts: do not edit by hand.
 * A run's results.json.
 *
 * To change these types, edit the schema and run `npm run generate:types`;
 * test/scripts/generate-schema-types.test.ts fails while this file and the schema disagree.
 */

export type Figure = number;

export interface ResultsDocument {
  $schema: string;
  schemaVersion: 2;
  runId: string;
  /**
   * False when a guest failed or the run was interrupted; the figures completed are still here.
   */
  complete: boolean;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  /**
   * Boots (and guests) a signal stopped before they ended, as manifest.json marks them `interrupted`: not failures; `harness run --resume RUN_DIR` runs them again. Absent when none was.
   */
  interrupted?: NotRun[];
  /**
   * Other tools' benchmarks run in the same boots after ours (config `peers`, Linux only), each beside the figure of ours that measures the same operation. Absent in files written before the peer cross-check.
   */
  peers?: PeerEntry[];
  /**
   * The comparison across systems in report.md: per metric class and unit, every guest's figures with their ratio to the baseline guest's figure of the same placement (its headline figure of the class where it has one, e.g. syscall.null, else its fastest). Absent in files written before it existed.
   */
  comparison?: {
    /**
     * Guest the ratios are taken against; null when there are no figures.
     */
    baseline: string | null;
    tables: CrossOsTable[];
  };
}
/**
 * One figure: a metric on a guest over every boot, summarised after subtracting the timer overhead.
 */
export interface ResultEntry {
  guest: string;
  /**
   * The guest's operating system as its run recorded it (manifest.json guests[].os): linux, sel4, minix, gnumach; runs before reach and variant were kept apart also recorded linux-disk and ssh.
   */
  os: string;
  metric: string;
  mechanism: string;
  /**
   * Unit of every figure in the entry, per operation.
   */
  unit: 'tsc-ticks' | 'guest-instructions' | 'emulator-ticks';
  accel: 'kvm' | 'tcg' | 'tcg-icount' | 'native';
  /**
   * Set when the unit cannot be compared across systems.
   */
  caveat?: string;
  n: number;
  min: Figure;
  max: Figure;
  mean: Figure;
  /**
   * Sample standard deviation (n-1 denominator); 0 when n is 1.
   */
  stddev: number;
  median: Figure;
  p1: Figure;
  p5: Figure;
  p25: Figure;
  p75: Figure;
  p95: Figure;
  p99: Figure;
  /**
   * Median absolute deviation, unscaled.
   */
  mad: number;
  /**
   * Bootstrap 95% CI of the median: [low, high].
   *
   * @minItems 2
   * @maxItems 2
   */
  ci95: [number, number];
  iterations: number;
  warmup: number;
  opsPerSample: number;
  /**
   * Timer overhead in raw ticks: every measurement (before and after each boot's run), the minimum subtracted once per sample, and whether the measurements agreed within the tolerance.
   */
  timerOverhead: {
    measured: number[];
    subtracted: number;
    stable: boolean;
    message: string;
  };
  /**
   * Samples that came out below the timer overhead and were counted as 0.
   */
  clampedSamples: number;
  vcpus: string;
  guestAffinity: string;
  /**
   * How ci95 was computed: over samples, or over boots and then samples within boots.
   */
  ciMethod: 'bootstrap' | 'hierarchical bootstrap';
  boots: number;
  /**
   * Spread of the per-boot medians.
   */
  betweenBoots: {
    boots: number;
    /**
     * Median of each boot, in boot order.
     */
    bootMedians: number[];
    min: number;
    max: number;
    range: number;
    /**
     * range / |median of bootMedians|: the boot-to-boot spread as a fraction of the typical value; 0 when that median is 0.
     */
    relativeRange: number;
    /**
     * Sample standard deviation (n-1 denominator) of bootMedians; 0 for one boot.
     */
    stddev: number;
  };
  /**
   * Warm-up policy and how many samples after the fixed warm-up were dropped as not yet settled.
   */
  settling: {
    policy: string;
    dropped: number;
    droppedPerBoot: number[];
  };
  /**
   * Outliers counted (never dropped).
   */
  outliers: {
    method: 'mad' | 'tukey';
    low: number;
    high: number;
    lowFence: number;
    highFence: number;
  };
  /**
   * Reasons to be careful with this figure (e.g. an unstable timer overhead).
   */
  flags: string[];
  /**
   * The median and CI in nanoseconds, only for real TSC ticks (KVM) of known frequency; otherwise why not.
   */
  nanoseconds:
    | {
        median: number;
        /**
         * @minItems 2
         * @maxItems 2
         */
        ci95: [number, number];
      }
    | {
        reason: string;
      };
}
/**
 * A guest, or one benchmark of a guest, that was skipped, failed or interrupted, and why.
 */
export interface NotRun {
  guest: string;
  /**
   * Absent when the whole guest was not run.
   */
  metric?: string;
  reason: string;
  /**
   * How to make it run (what to build, install or set), when known.
   */
  howTo?: string;
}
/**
 * A peer tool's benchmark beside the metric of ours that measures the same operation.
 */
export interface PeerEntry {
  guest: string;
  /**
   * The guest's operating system as its run recorded it (manifest.json guests[].os): linux, sel4, minix, gnumach; runs before reach and variant were kept apart also recorded linux-disk and ssh.
   */
  os: string;
  /**
   * The tool, e.g. perf.
   */
  peer: string;
  /**
   * Its benchmark, e.g. sched-pipe or syscall-basic.
   */
  bench: string;
  /**
   * Our metric that measures the same operation.
   */
  compareWith: string;
  /**
   * The command line run in the guest (first boot's).
   */
  command: string;
  accel: 'kvm' | 'tcg' | 'tcg-icount' | 'native';
  /**
   * Unit of perOp and ourMedian, per operation.
   */
  unit: 'tsc-ticks' | 'guest-instructions' | 'emulator-ticks';
  /**
   * How the tool's microseconds became the unit (the first boot's; each boot converts with its own).
   */
  conversion: string;
  boots: PeerBoot[];
  /**
   * Median over boots of the tool's figure in the unit, per operation; null when no boot gave one.
   */
  perOp: number | null;
  /**
   * Median of our figure for compareWith (timer overhead subtracted, per operation); null when not measured.
   */
  ourMedian: number | null;
  /**
   * ourMedian / perOp.
   */
  ratio: number | null;
  /**
   * Why perOp or ratio is missing, or which boots gave no figure.
   */
  reason?: string;
}
/**
 * One boot's run of a peer benchmark.
 */
export interface PeerBoot {
  boot: number;
  loops: number;
  /**
   * The tool's exit status: 0..255, "signal N", or "none" when it never ran.
   */
  exit: string;
  /**
   * What the tool printed, lines joined with " | ".
   */
  raw: string;
  /**
   * As the tool printed it: microseconds of the guest's clock per operation.
   */
  usecsPerOp: number | null;
  /**
   * usecsPerOp in the unit (timer ticks per operation).
   */
  perOp: number | null;
  /**
   * Timer ticks per microsecond of the guest's clock used for the conversion.
   */
  ticksPerUs: number | null;
  totalSeconds: number | null;
  opsPerSec: number | null;
  /**
   * Why this boot gave no figure.
   */
  reason?: string;
}
/**
 * One metric class in one unit: every guest and mechanism that measured it.
 */
export interface CrossOsTable {
  /**
   * Metric class, e.g. ipc.roundtrip (docs/methodology.md, metric taxonomy).
   */
  classId: string;
  title: string;
  /**
   * What one operation of this class is.
   */
  operation: string;
  unit: 'tsc-ticks' | 'guest-instructions' | 'emulator-ticks';
  /**
   * Accelerator modes of the figures, e.g. ["tcg-icount"].
   */
  accels: string[];
  /**
   * Guest the ratios of this table are taken against.
   */
  baseline: string;
  rows: CrossOsRow[];
}
/**
 * A guest's figure in a cross-OS table, with its ratio to the baseline.
 */
export interface CrossOsRow {
  guest: string;
  os: string;
  metric: string;
  mechanism: string;
  /**
   * Placement in words, e.g. "threads, same CPU"; empty when the class has none.
   */
  variant: string;
  n: number;
  median: number;
  /**
   * @minItems 2
   * @maxItems 2
   */
  ci95: [number, number];
  /**
   * The figure's ratio to the baseline guest's figure of the same placement (its headline figure of the class where it has one, else its fastest), or why there is none.
   */
  ratio:
    | {
        value: number;
        /**
         * @minItems 2
         * @maxItems 2
         */
        ci95: [number, number];
        against: {
          guest: string;
          metric: string;
          mechanism: string;
          median: number;
        };
      }
    | {
        reason: string;
      };
}
