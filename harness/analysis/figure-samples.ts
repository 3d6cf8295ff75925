import type { GuestStream } from '../wire/stream.js';
import { sortAscending, subtractOverhead } from '../stats/index.js';
import type { ResultEntry, ResultsDocument } from './results.js';

/** A figure with the per-operation samples behind it, one group per boot, as the report used them. */
export interface FigureSamples {
  runId: string;
  entry: ResultEntry;
  /**
   * One typed array per boot, sorted ascending: 8 bytes a sample, views of one correction each.
   * Nothing derived from them depends on their order (every statistic sorts, or is a rank or
   * quantile), and sorted once here they are read by the ratios and plots without a copy each.
   */
  groups: Float64Array[];
}

export { pooledValues } from '../stats/index.js';

/**
 * The per-operation values a figure was computed from, given the raw ticks of each of its boots:
 * the overhead it subtracted, divided per operation, without the samples it found unsettled;
 * each boot's sorted ascending, as the figure's statistics sorted them.
 */
export function figureGroups(entry: ResultEntry, rawBoots: readonly ArrayLike<number>[]): Float64Array[] {
  if (rawBoots.length !== entry.boots) {
    throw new Error(`expected ${entry.boots} boots of samples for ${entry.guest} ${entry.metric}, got ${rawBoots.length}`);
  }
  return rawBoots.map((samples, i) =>
    sortAscending(subtractOverhead(samples, entry.timerOverhead.subtracted, entry.opsPerSample).values.subarray(entry.settling.droppedPerBoot[i] ?? 0)),
  );
}

/** One boot's decoded data channel. */
export interface BootStream {
  guest: string;
  boot: number;
  stream: GuestStream;
}

/** Each figure with its per-operation samples, from the boots in which its benchmark completed. */
export function figureSamplesFromStreams(doc: Pick<ResultsDocument, 'runId' | 'results'>, streams: readonly BootStream[]): FigureSamples[] {
  return doc.results.map((entry) => {
    const rawBoots = streams
      .filter((s) => s.guest === entry.guest)
      .flatMap((s) => s.stream.benchmarks.filter((b) => b.metric === entry.metric).map((b) => b.samples));
    return { runId: doc.runId, entry, groups: figureGroups(entry, rawBoots) };
  });
}
