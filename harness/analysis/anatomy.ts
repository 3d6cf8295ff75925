import { median } from '../stats/quantile.js';

/**
 * The cost anatomy's data (docs/anatomy.md): what the anatomy plugin reports
 * (harness/anatomy/plugin/anatomy.c) and the document the harness keeps of it in the run directory,
 * guests/<name>/anatomy.json, from which the reports are derived.
 */

export const TRANSITION_KINDS = ['syscall', 'sysret', 'sysenter', 'sysexit', 'int', 'iret', 'lcall'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Executions of one translation block (by its start address) while a window was open. */
export interface AnatomyBlock {
  address: string;
  executions: number;
  instructions: number;
  /** The function the block lies in, from the guest's own symbols (absent when none names it). */
  symbol?: string;
}

/**
 * Which of a region's user-mode timer reads bound its windows (the begin mark's cycle,
 * guests/common/anatomy.h): the reads come in cycles of `reads`, counted from the region's first,
 * and each cycle's read `open` opens the window that its read `close` closes. { reads: 2, open: 0,
 * close: 1 } where only the measuring thread reads the timer; { reads: 4, open: 0 or 2, close: 1 or
 * 3 } in a one-way IPC, where both do (client, server, server, client).
 */
export interface AnatomyCycle {
  reads: number;
  open: number;
  close: number;
}

/** The cycle of a region whose begin mark names none: every two reads one window. */
export const PAIRED_READS: AnatomyCycle = { reads: 2, open: 0, close: 1 };

/** One marked region: one benchmark's timed loop, in the order the payload ran them. */
export interface AnatomyRegion {
  index: number;
  /** False when QEMU exited inside the region (the payload never reached its end mark). */
  ended: boolean;
  /** User-mode timer reads inside the region. */
  timerReads: number;
  /** Which reads bound the windows; absent from a plugin older than the cycle, which paired them (PAIRED_READS). */
  cycle?: AnatomyCycle;
  /** Timed windows: one per sample. */
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
  /**
   * Blocks executed inside a window, most instructions first: every one in the plugin's JSON (at most
   * its `top` when given one), the first DOCUMENT_BLOCKS in the harness's document (harness/anatomy/run.ts).
   */
  blocks: AnatomyBlock[];
}

/** The plugin's JSON, as it writes it at QEMU's exit. */
export interface AnatomyReport {
  plugin: 'anatomy';
  format: 1;
  bits: 32 | 64;
  kernelBase: string;
  /** Begin marks inside a region and end marks outside one: 0 unless a payload's marks are wrong. */
  unbalancedMarks: number;
  regions: AnatomyRegion[];
}

/** Names in `functions` that are not one function: code no symbol names (`?kernel`, `?payload`), and the rest of a long list (`(other)`). */
export const UNNAMED_CODE = /^(\?|\(other\)$)/;

/** The instructions of one function inside a region's windows: its blocks' summed, named from the guest's symbols. */
export interface AnatomyFunction {
  /** The function's name; user-space functions are prefixed with their image (`payload:`), unnamed code is `?` plus the image. */
  symbol: string;
  instructions: number;
}

/** A region with the benchmark it belongs to: the payload runs its benchmarks, and marks their loops, in stream order. */
export interface AnatomyMetric extends AnatomyRegion {
  metric: string;
  opsPerSample: number;
  /** The region's functions, most instructions first (absent when no symbols were found). */
  functions?: AnatomyFunction[];
  /** How many named functions the region's blocks lie in, all of them (`functions` lists the first ones); absent when no symbols were found. */
  functionCount?: number;
}

/** guests/<name>/anatomy.json: the harness's record of one guest's anatomy boot, the reports' raw input. */
export interface AnatomyDocument {
  format: 'harness-anatomy/1';
  guest: string;
  /** The adapter's id (linux, gnumach, sel4, ...). */
  os: string;
  bits: 32 | 64;
  kernelBase: string;
  unbalancedMarks: number;
  /** Where the block symbols came from, one line each (empty when none were found). */
  symbolSources: string[];
  /** The regions matched to the benchmarks that completed, in order. */
  metrics: AnatomyMetric[];
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
