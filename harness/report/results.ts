import type { BootstrapConfig, GuestOs } from '../config/types.js';
import { subtractOverhead, summarize, type Summary } from '../stats/index.js';
import { type Accel, type Unit, unitCaveat, unitForAccel } from '../units.js';
import type { RawBenchmark } from '../wire/stream.js';

export const RESULTS_SCHEMA_VERSION = 1;

/** One figure: a metric on a guest, summarised after subtracting the timer overhead. */
export interface ResultEntry extends Summary {
  guest: string;
  os: GuestOs;
  metric: string;
  mechanism: string;
  unit: Unit;
  accel: Accel;
  /** Set when the unit cannot be compared across systems. */
  caveat?: string;
  iterations: number;
  warmup: number;
  opsPerSample: number;
  /** Minimum back-to-back timer delta before the run, in raw ticks; subtracted once per sample. */
  timerOverhead: number;
  timerOverheadAfter: number;
  /** Samples that came out below the overhead and were counted as 0. */
  clampedSamples: number;
  vcpus: string;
  guestAffinity: string;
}

export interface NotRun {
  guest: string;
  /** Absent when the whole guest was not run. */
  metric?: string;
  reason: string;
  howTo?: string;
}

export interface ResultsDocument {
  $schema: string;
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  runId: string;
  /** False when a guest failed or the run was interrupted; completed figures are still here. */
  complete: boolean;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
}

export function resultEntry(guest: string, os: GuestOs, accel: Accel, raw: RawBenchmark, bootstrap: BootstrapConfig): ResultEntry {
  const corrected = subtractOverhead(raw.samples, raw.timerOverhead, raw.opsPerSample);
  const unit = unitForAccel(accel);
  const caveat = unitCaveat(unit);
  return {
    guest,
    os,
    metric: raw.metric,
    mechanism: raw.mechanism,
    unit,
    accel,
    ...(caveat ? { caveat } : {}),
    ...summarize(corrected.values, bootstrap),
    iterations: raw.iterations,
    warmup: raw.warmup,
    opsPerSample: raw.opsPerSample,
    timerOverhead: raw.timerOverhead,
    timerOverheadAfter: raw.timerOverheadAfter,
    clampedSamples: corrected.clamped,
    vcpus: raw.vcpus,
    guestAffinity: raw.affinity,
  };
}
