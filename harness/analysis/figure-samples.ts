import { subtractOverhead } from '../stats/index.js';
import type { ResultEntry } from './results.js';

/** A figure with the per-operation samples behind it, one group per boot, as the report used them. */
export interface FigureSamples {
  runId: string;
  entry: ResultEntry;
  groups: number[][];
}

/**
 * The per-operation values a figure was computed from, given the raw ticks of each of its boots:
 * the overhead it subtracted, divided per operation, without the samples it found unsettled.
 */
export function figureGroups(entry: ResultEntry, rawBoots: readonly (readonly number[])[]): number[][] {
  if (rawBoots.length !== entry.boots) {
    throw new Error(`expected ${entry.boots} boots of samples for ${entry.guest} ${entry.metric}, got ${rawBoots.length}`);
  }
  return rawBoots.map((samples, i) => subtractOverhead(samples, entry.timerOverhead.subtracted, entry.opsPerSample).values.slice(entry.settling.droppedPerBoot[i] ?? 0));
}
