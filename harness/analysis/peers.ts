import { type Accel, unitForAccel } from '../units.js';
import type { PeerRun } from '../wire/stream.js';
import type { PeerBoot, PeerEntry } from './results.generated.js';
import type { RawBoot, ResultEntry } from './results.js';
import { timerFacts, type TimerFacts } from './timer.js';

/**
 * What `perf bench` printed in its default format (tools/perf/bench/sched-pipe.c and syscall.c):
 *
 *   # Running 'sched/pipe' benchmark:
 *   # Executed 10000 pipe operations between two processes
 *        Total time: 0.073 [sec]
 *          7.308700 usecs/op
 *            136823 ops/sec
 *
 * Both time the whole run with gettimeofday (microsecond resolution) and divide by the loops.
 */
export interface PerfBenchFigures {
  /** Microseconds of the guest's clock per operation. */
  usecsPerOp: number;
  opsPerSec?: number;
  /** Seconds, printed with millisecond resolution. */
  totalSeconds?: number;
  /** Operations perf says it executed. */
  executed?: number;
}

const NUMBER = '([0-9]+(?:\\.[0-9]+)?)';

/** Parses perf bench's default output, as raw text or as the payload's lines joined with " | ". */
export function parsePerfBench(output: string): PerfBenchFigures | { reason: string } {
  const lines = output.split(/\s*\|\s*|\r?\n/).map((l) => l.trim());
  const find = (re: RegExp) => {
    for (const line of lines) {
      const m = line.match(re);
      if (m) return m[1]!;
    }
    return undefined;
  };
  const usecs = find(new RegExp(`^${NUMBER}\\s+usecs/op$`));
  if (usecs === undefined) return { reason: `no "usecs/op" line in perf's output: ${JSON.stringify(output.slice(0, 200))}` };
  const usecsPerOp = Number(usecs);
  if (!(usecsPerOp > 0) || !Number.isFinite(usecsPerOp)) {
    return { reason: `perf reported ${usecs} usecs/op: too few loops for its microsecond clock` };
  }
  // ops/sec and the executed count may carry thousands separators (%'d) in a non-C locale.
  const ops = find(/^(-?[0-9][0-9,]*)\s+ops\/sec$/);
  const total = find(new RegExp(`^Total time:\\s*${NUMBER}\\s*\\[sec\\]$`));
  const executed = find(/^# Executed ([0-9][0-9,]*) /);
  const count = (text: string | undefined) => (text === undefined ? undefined : Number(text.replace(/,/g, '')));
  const opsPerSec = count(ops);
  return {
    usecsPerOp,
    ...(opsPerSec !== undefined && opsPerSec > 0 ? { opsPerSec } : {}),
    ...(total !== undefined ? { totalSeconds: Number(total) } : {}),
    ...(executed !== undefined ? { executed: count(executed)! } : {}),
  };
}

/** How many of our timer's ticks make one microsecond of the guest's clock, and why. */
export type TickConversion = { ticksPerUs: number; source: string } | { reason: string };

/**
 * perf reads the guest's clock (gettimeofday), our figures are in timer ticks. The payload's clock
 * check (STREAM_BEGIN: timer ticks over ~50 ms of CLOCK_MONOTONIC, the same timekeeping
 * gettimeofday uses) gives the factor directly, in the same boot, under every accelerator. Without
 * it: under tcg-icount with shift=0 one guest ns is one instruction (1000 per µs); under kvm and
 * tcg, the TSC frequency when known.
 */
export function ticksPerMicrosecond(accel: Accel, facts: TimerFacts): TickConversion {
  if (facts.ticksPerNs !== undefined && facts.ticksPerNs > 0) {
    return { ticksPerUs: facts.ticksPerNs * 1000, source: "the payload's clock check (timer ticks per ns of CLOCK_MONOTONIC)" };
  }
  if (accel === 'tcg-icount') return { ticksPerUs: 1000, source: 'icount shift=0: one guest instruction per guest ns' };
  if (facts.tscHz > 0) return { ticksPerUs: facts.tscHz / 1e6, source: `TSC frequency ${facts.tscHz} Hz (${facts.tscHzSource})` };
  return { reason: "neither a clock check nor the TSC frequency is known: perf's microseconds cannot be converted to timer ticks" };
}

// A peer entry's shape is declared in results.schema.json (its `peer` and `peerBoot` definitions).
export type { PeerBoot, PeerEntry } from './results.generated.js';

const formatRate = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function peerBoot(boot: number, run: PeerRun, conversion: TickConversion): PeerBoot {
  const base = { boot, loops: run.loops, exit: run.exit, raw: run.output, ticksPerUs: 'ticksPerUs' in conversion ? conversion.ticksPerUs : null };
  const empty = { usecsPerOp: null, perOp: null, totalSeconds: null, opsPerSec: null };
  if (run.reason !== undefined) return { ...base, ...empty, reason: run.reason };
  const parsed = parsePerfBench(run.output);
  if ('reason' in parsed) return { ...base, ...empty, reason: parsed.reason };
  return {
    ...base,
    usecsPerOp: parsed.usecsPerOp,
    perOp: 'ticksPerUs' in conversion ? parsed.usecsPerOp * conversion.ticksPerUs : null,
    totalSeconds: parsed.totalSeconds ?? null,
    opsPerSec: parsed.opsPerSec ?? null,
    ...('reason' in conversion ? { reason: conversion.reason } : {}),
  };
}

/** The peer benchmarks of one guest over its boots, each beside our figure for the same operation. */
export function peerResults(guest: string, os: string, accel: Accel, boots: readonly RawBoot[], results: readonly ResultEntry[]): PeerEntry[] {
  const entries = new Map<string, PeerEntry>();
  for (const { boot, stream } of boots) {
    const conversion = ticksPerMicrosecond(accel, timerFacts(stream.info));
    for (const run of stream.peers) {
      const key = `${run.peer}\0${run.bench}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = {
          guest,
          os,
          peer: run.peer,
          bench: run.bench,
          compareWith: run.compareWith,
          command: run.command,
          accel,
          unit: unitForAccel(accel),
          conversion: 'source' in conversion ? `${formatRate(conversion.ticksPerUs)} ticks per µs, from ${conversion.source}` : conversion.reason,
          boots: [],
          perOp: null,
          ourMedian: null,
          ratio: null,
        };
        entries.set(key, entry);
      }
      entry.boots.push(peerBoot(boot, run, conversion));
    }
  }
  for (const entry of entries.values()) {
    const figures = entry.boots.flatMap((b) => (b.perOp !== null ? [b.perOp] : []));
    entry.perOp = figures.length > 0 ? median(figures) : null;
    const ours = results.find((r) => r.guest === guest && r.metric === entry.compareWith);
    entry.ourMedian = ours ? ours.median : null;
    entry.ratio = entry.perOp !== null && entry.perOp > 0 && entry.ourMedian !== null ? entry.ourMedian / entry.perOp : null;
    const reasons: string[] = [];
    for (const b of entry.boots) if (b.reason !== undefined) reasons.push(entry.boots.length > 1 ? `boot ${b.boot}: ${b.reason}` : b.reason);
    if (!ours) reasons.push(`${entry.compareWith} was not measured in this run`);
    if (reasons.length > 0) entry.reason = reasons.join('; ');
  }
  return [...entries.values()];
}
