import type { GuestOs } from '../config/types.js';

/**
 * A published reference as configs/published/schema.json describes it: figures from one source, with
 * its citation, and which of our measured figures correspond to each.
 */
export interface PublishedReference {
  /** The file name without .yaml. */
  id: string;
  title: string;
  citation: Citation;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  figuresDate: string;
  /** YYYY-MM-DD. */
  retrieved: string;
  /** By the key each figure names. */
  hardware: Record<string, Hardware>;
  unit: PublishedUnit;
  method: string;
  /** Relative to the project root. */
  defaultConfig: string;
  figures: PublishedFigure[];
  ratios: PublishedRatio[];
  verification: string;
  notes?: string;
  /** Absolute path of the file it was read from. */
  file: string;
}

export interface Citation {
  authors: string[];
  title: string;
  where: string;
  year: number;
  url: string;
}

export interface Hardware {
  cpu: string;
  clock: string;
  notes?: string;
}

/**
 * tsc-ticks: rdtsc differences; core-cycles: unhalted core clock cycles; cycles: cycles as the source
 * states them, without saying which counter; microseconds: wall-clock time.
 */
export type PublishedUnit = 'tsc-ticks' | 'core-cycles' | 'cycles' | 'microseconds';

/** The classes of our metric names (their first one or two parts). */
export type MetricClass = 'ipc.roundtrip' | 'ipc.oneway' | 'syscall.null' | 'ctxswitch';

/** Guest OSes published data may name: the harness's own (GNU Mach, once planned, is one of them now). */
export type PublishedOs = GuestOs;

export interface PublishedFigure {
  name: string;
  /** A key of the reference's `hardware`. */
  hardware: string;
  value: number;
  spread?: Spread;
  statistic: 'mean' | 'median' | 'minimum' | 'loop average' | 'unstated';
  class: MetricClass;
  matches: MeasuredSelector[];
  notes?: string;
}

export interface Spread {
  stddev?: number;
  iqr?: [number, number];
  range?: [number, number];
}

/** Which measured figures correspond to a published one: guest OS and metric name or glob. */
export interface MeasuredSelector {
  os: PublishedOs;
  /** A metric name, or a glob in which `*` matches any run of characters. */
  metric: string;
  /** The measured figure is multiplied by this before it is set beside the published one (e.g. 0.5 for half a round trip). */
  scale?: number;
  /** How the measured figure differs from the published one. */
  note?: string;
}

/** A published ratio between two systems, numerator / denominator (e.g. Mach's IPC time over L3's). */
export interface PublishedRatio {
  name: string;
  value: number;
  numerator: RatioSide;
  denominator: RatioSide;
  notes?: string;
}

export interface RatioSide {
  /** The system as the source names it, e.g. "Mach". */
  system: string;
  os: PublishedOs;
  metric: string;
}
