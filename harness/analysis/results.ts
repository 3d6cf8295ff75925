import type { BootstrapConfig, MethodologyConfig } from '../config/types.js';
import {
  betweenBootSpreadSorted,
  classifyOutliersSorted,
  detectSettling,
  hierarchicalBootstrapMedianCiSorted,
  pooledValues,
  seriesStability,
  sortAscending,
  subtractOverhead,
  summarizeSorted,
} from '../stats/index.js';
import { type Accel, unitCaveat, unitForAccel } from '../units.js';
import type { GuestStream, RawBenchmark } from '../wire/stream.js';
import type { ResultEntry, ResultsDocument } from './results.generated.js';
import { nanosecondsPerTick, timerFacts, timerFlags } from './timer.js';

/** Typed by the schema's `schemaVersion` const, so the two cannot drift apart. */
export const RESULTS_SCHEMA_VERSION: ResultsDocument['schemaVersion'] = 2;

// The results document's types are generated from results.schema.json, the one place its shape is declared.
export type { NotRun, ResultEntry, ResultsDocument } from './results.generated.js';

/** One boot's stream, as the runner collected it. */
export interface RawBoot {
  boot: number;
  stream: GuestStream;
}

export const DEFAULT_METHODOLOGY: MethodologyConfig = {
  overheadTolerance: { relative: 0.25, absolute: 2 },
  unstableOverhead: 'flag',
  outliers: 'mad',
  settling: 'mser5',
};

/** A figure with the per-operation values it was computed from: each boot's after settling, sorted ascending. */
export interface ResultWithGroups {
  entry: ResultEntry;
  groups: Float64Array[];
}

/** One entry per metric, pooling the boots in which it completed, in the order the guest ran them. */
export function guestResults(
  guest: string,
  os: string,
  accel: Accel,
  boots: readonly RawBoot[],
  bootstrap: BootstrapConfig,
  methodology: MethodologyConfig = DEFAULT_METHODOLOGY,
): ResultEntry[] {
  return guestResultsWithGroups(guest, os, accel, boots, bootstrap, methodology).map((r) => r.entry);
}

/**
 * guestResults(), each entry with the values behind it, for a caller that goes on to plot or
 * compare them (the report regenerator): deriving them again would cost 8 bytes a sample more.
 */
export function guestResultsWithGroups(
  guest: string,
  os: string,
  accel: Accel,
  boots: readonly RawBoot[],
  bootstrap: BootstrapConfig,
  methodology: MethodologyConfig = DEFAULT_METHODOLOGY,
): ResultWithGroups[] {
  const byMetric = new Map<string, RawBenchmark[]>();
  for (const { stream } of boots) {
    for (const raw of stream.benchmarks) byMetric.set(raw.metric, [...(byMetric.get(raw.metric) ?? []), raw]);
  }
  const facts = timerFacts(boots[0]?.stream.info ?? {});
  return [...byMetric.values()].map((raws) => {
    const { entry, groups } = resultWithGroups(guest, os, accel, raws, bootstrap, methodology);
    const conversion = nanosecondsPerTick(accel, facts);
    entry.nanoseconds =
      'nsPerTick' in conversion
        ? { median: entry.median * conversion.nsPerTick, ci95: [entry.ci95[0] * conversion.nsPerTick, entry.ci95[1] * conversion.nsPerTick] }
        : conversion;
    entry.flags.push(...timerFlags(facts));
    return { entry, groups };
  });
}

interface SettledGroups {
  /** Each boot's per-operation values after settling, sorted ascending. */
  groups: Float64Array[];
  clamped: number;
  droppedPerBoot: number[];
  /** Boots (1-based) where MSER-5 found no steady state. */
  unsettled: number[];
}

/**
 * Each boot's samples with the overhead subtracted and the unsettled start dropped. They are then
 * sorted in place: no figure depends on their order past settling (the hierarchical bootstrap
 * sorts each boot itself), and sorting the one copy spares a second for the summary: a figure costs
 * the raw samples plus one Float64Array of them, 16 bytes a sample.
 */
function settledGroups(raws: readonly RawBenchmark[], subtracted: number, methodology: MethodologyConfig): SettledGroups {
  let clamped = 0;
  const droppedPerBoot: number[] = [];
  const unsettled: number[] = [];
  const groups = raws.map((raw, boot) => {
    const corrected = subtractOverhead(raw.samples, subtracted, raw.opsPerSample);
    clamped += corrected.clamped;
    const settling = methodology.settling === 'mser5' ? detectSettling(corrected.values) : undefined;
    // At its cap MSER-5 has found no steady state, only a shift it cannot place: keep every sample and say so.
    if (settling?.atCap) unsettled.push(boot + 1);
    const settledAt = settling && !settling.atCap ? settling.settledAt : 0;
    droppedPerBoot.push(settledAt);
    return sortAscending(corrected.values.subarray(settledAt));
  });
  return { groups, clamped, droppedPerBoot, unsettled };
}

/**
 * The overhead subtracted is the minimum of every measurement, the one least disturbed; when the
 * measurements disagree by more than the tolerance, the figure is flagged.
 */
export function resultEntry(
  guest: string,
  os: string,
  accel: Accel,
  raws: readonly RawBenchmark[],
  bootstrap: BootstrapConfig,
  methodology: MethodologyConfig = DEFAULT_METHODOLOGY,
): ResultEntry {
  return resultWithGroups(guest, os, accel, raws, bootstrap, methodology).entry;
}

function resultWithGroups(
  guest: string,
  os: string,
  accel: Accel,
  raws: readonly RawBenchmark[],
  bootstrap: BootstrapConfig,
  methodology: MethodologyConfig,
): ResultWithGroups {
  const first = raws[0];
  if (!first) throw new RangeError(`resultEntry: expected at least one boot's samples for ${guest}, got none`);
  const measured = raws.flatMap((r) => [r.timerOverhead, r.timerOverheadAfter]);
  const subtracted = Math.min(...measured);
  const stability = seriesStability(measured, methodology.overheadTolerance);
  const { groups, clamped, droppedPerBoot, unsettled } = settledGroups(raws, subtracted, methodology);
  const pooled = groups.length === 1 ? groups[0]! : sortAscending(pooledValues(groups));
  const summary = summarizeSorted(pooled);
  const hierarchical = groups.length > 1;
  const outliers = classifyOutliersSorted(pooled, methodology.outliers, summary);
  const unit = unitForAccel(accel);
  const caveat = unitCaveat(unit);
  const entry: ResultEntry = {
    guest,
    os,
    metric: first.metric,
    mechanism: first.mechanism,
    unit,
    accel,
    ...(caveat ? { caveat } : {}),
    ...summary,
    ci95: hierarchical ? hierarchicalBootstrapMedianCiSorted(groups, pooled, bootstrap) : summary.ci95,
    ciMethod: hierarchical ? 'hierarchical bootstrap' : 'bootstrap',
    boots: groups.length,
    betweenBoots: betweenBootSpreadSorted(groups),
    iterations: first.iterations,
    warmup: first.warmup,
    settling: {
      policy: methodology.settling === 'mser5' ? `fixed warm-up of ${first.warmup}, then MSER-5 truncation per boot` : `fixed warm-up of ${first.warmup}`,
      dropped: droppedPerBoot.reduce((a, b) => a + b, 0),
      droppedPerBoot,
    },
    outliers: { method: outliers.method, low: outliers.low, high: outliers.high, lowFence: outliers.lowFence, highFence: outliers.highFence },
    opsPerSample: first.opsPerSample,
    timerOverhead: { measured, subtracted, stable: stability.stable, message: stability.message },
    clampedSamples: clamped,
    flags: [
      ...(stability.stable ? [] : [stability.message]),
      ...(unsettled.length > 0
        ? [`no steady state found by MSER-5 in boot ${unsettled.join(', ')} (it would have dropped half the samples); all samples kept`]
        : []),
    ],
    nanoseconds: { reason: 'not converted' },
    vcpus: first.vcpus,
    guestAffinity: first.affinity,
  };
  return { entry, groups };
}
