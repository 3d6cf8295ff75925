import { median } from '../stats/quantile.js';

/** The JSON document the anatomy plugin writes at QEMU's exit (harness/anatomy/plugin/anatomy.c, docs/anatomy.md). */

export const TRANSITION_KINDS = ['syscall', 'sysret', 'sysenter', 'sysexit', 'int', 'iret', 'lcall'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Executions of one translation block (by its start address) while a window was open. */
export interface AnatomyBlock {
  address: string;
  executions: number;
  instructions: number;
}

/** One marked region: one benchmark's timed loop, in the order the payload ran them. */
export interface AnatomyRegion {
  index: number;
  /** False when QEMU exited inside the region (the payload never reached its end mark). */
  ended: boolean;
  /** User-mode timer reads inside the region; each pair is a window. */
  timerReads: number;
  windows: number;
  /** Everything below counts only what executed while a window was open. */
  instructions: number;
  user: number;
  kernel: number;
  memAccesses: number;
  cr3Writes: number;
  transitions: Record<TransitionKind, number>;
  /** Each distinct window size (instructions, timer reads included) with how many windows had it, smallest first. */
  windowSizes: [number, number][];
  /** The blocks with the most instructions, most first. */
  blocks: AnatomyBlock[];
}

export interface AnatomyReport {
  plugin: 'anatomy';
  format: 1;
  bits: 32 | 64;
  kernelBase: string;
  /** Begin marks inside a region and end marks outside one: 0 unless a payload's marks are wrong. */
  unbalancedMarks: number;
  regions: AnatomyRegion[];
}

/** Parses and checks the plugin's output. */
export function parseAnatomyReport(text: string): AnatomyReport {
  const doc = JSON.parse(text) as AnatomyReport;
  if (doc.plugin !== 'anatomy' || doc.format !== 1 || !Array.isArray(doc.regions)) {
    throw new Error(`expected the anatomy plugin's JSON (plugin "anatomy", format 1, regions), got ${text.slice(0, 80)}`);
  }
  return doc;
}

/** Instructions per window of a region (one window is one sample); undefined when it has none. */
export function instructionsPerWindow(region: AnatomyRegion): number | undefined {
  return region.windows > 0 ? region.instructions / region.windows : undefined;
}

/** Median instructions of a region's windows (as harness/stats takes a median), or undefined when it has none. */
export function windowMedian(region: AnatomyRegion): number | undefined {
  if (region.windows === 0) return undefined;
  return median(region.windowSizes.flatMap(([size, count]) => Array<number>(count).fill(size)));
}
