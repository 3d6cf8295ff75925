import path from 'node:path';

import { UsageError } from '../errors/usage-error.js';
import type { RunConfig } from './types.js';

/**
 * What `harness run CONFIG --guest a,b --bench 'ipc.*' --iters N --warmup N --boots N` changes in
 * the config, as given on the command line (lists split at commas). Recorded in the manifest
 * (`overrides`), so that what reads the run later (a Slurm job, `harness report`, `harness verify`)
 * loads the config as the run used it.
 */
export interface RunOverrides {
  /** Only these guests run (the config's order is kept). */
  guest?: string[];
  /** Every kept guest's `benchmarks.include`. */
  bench?: string[];
  /** Every kept guest's `benchmarks.iterations`. */
  iters?: number;
  /** Every kept guest's `benchmarks.warmup`. */
  warmup?: number;
  /** Every kept guest's `benchmarks.boots`. */
  boots?: number;
}

/** The override options as commander hands them over: strings, as typed. */
export interface OverrideArguments {
  guest?: string;
  bench?: string;
  iters?: string;
  warmup?: string;
  boots?: string;
}

/** The command-line options, in the order they are written back (overridesCommandLine). */
export const OVERRIDE_OPTIONS = ['guest', 'bench', 'iters', 'warmup', 'boots'] as const;

/** Each numeric option's key under a guest's `benchmarks` in configs/schema.json. */
const NUMERIC: Record<'iters' | 'warmup' | 'boots', 'iterations' | 'warmup' | 'boots'> = { iters: 'iterations', warmup: 'warmup', boots: 'boots' };

/**
 * The overrides given on the command line, lists split at commas and numbers read as integers;
 * undefined when none was given. Bounds are checked by applyOverrides, against the schema.
 *
 * @throws UsageError for an empty list or a number that is not a whole number
 */
export function parseOverrides(args: OverrideArguments): RunOverrides | undefined {
  const overrides: RunOverrides = {};
  for (const key of ['guest', 'bench'] as const) {
    const value = args[key];
    if (value === undefined) continue;
    const list = value.split(',').map((s) => s.trim());
    if (list.some((s) => s === '')) throw new UsageError(`expected --${key} to be a comma-separated list of names, none empty, got '${value}'`);
    overrides[key] = list;
  }
  for (const key of ['iters', 'warmup', 'boots'] as const) {
    const value = args[key];
    if (value === undefined) continue;
    if (!/^[+-]?\d+$/.test(value.trim())) throw new UsageError(`expected --${key} to be a whole number, got '${value}'`);
    overrides[key] = Number(value.trim());
  }
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}

/** The overrides as a command line would give them, e.g. `--guest sel4,linux --iters 100000`, in OVERRIDE_OPTIONS order. */
export function overridesCommandLine(overrides: RunOverrides): string {
  return OVERRIDE_OPTIONS.flatMap((key) => {
    const value = overrides[key];
    if (value === undefined) return [];
    return [`--${key} ${Array.isArray(value) ? value.join(',') : String(value)}`];
  }).join(' ');
}

/** A guest's `benchmarks` properties in configs/schema.json. */
function benchmarkSchema(schema: Record<string, unknown>): Record<string, { minimum?: number; maximum?: number; items?: { pattern?: string } }> {
  const definitions = schema.definitions as Record<string, { properties?: Record<string, { properties?: unknown }> }> | undefined;
  const properties = definitions?.guest?.properties?.benchmarks?.properties;
  if (properties === undefined) throw new Error('expected configs/schema.json to define definitions.guest.properties.benchmarks.properties, got none');
  return properties as ReturnType<typeof benchmarkSchema>;
}

/** Checks the overrides against the config and the bounds configs/schema.json sets for a guest's `benchmarks`. */
function checkOverrides(config: RunConfig, overrides: RunOverrides, schema: Record<string, unknown>): void {
  const names = config.guests.map((g) => g.name);
  const unknown = (overrides.guest ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`expected --guest to name guests of ${path.basename(config.file)} (${names.join(', ')}), got ${unknown.join(', ')}`);
  }
  const properties = benchmarkSchema(schema);
  const pattern = properties.include?.items?.pattern;
  const bad = pattern === undefined ? [] : (overrides.bench ?? []).filter((glob) => !new RegExp(pattern, 'u').test(glob));
  if (bad.length > 0) {
    throw new UsageError(
      `expected --bench to be metric names or globs of lowercase letters, digits, '.', '_', '-' and '*' (e.g. 'ipc.*'), got ${bad.join(', ')}`,
    );
  }
  for (const key of ['iters', 'warmup', 'boots'] as const) {
    const value = overrides[key];
    const { minimum = 0, maximum = Number.MAX_SAFE_INTEGER } = properties[NUMERIC[key]] ?? {};
    if (value !== undefined && !(Number.isInteger(value) && value >= minimum && value <= maximum)) {
      throw new UsageError(
        `expected --${key} to be an integer from ${minimum} to ${maximum} (benchmarks.${NUMERIC[key]} in configs/schema.json), got ${value}`,
      );
    }
  }
}

/**
 * The config with the command line's overrides applied: only the guests `--guest` names, and every
 * kept guest's `benchmarks` given `--bench` (as `include`), `--iters`, `--warmup` and `--boots`;
 * a `report.baseline` that names a guest left out is dropped (the first guest with figures is the
 * baseline, as without one). Pure: `config` is left as it was.
 *
 * @param schema configs/schema.json, whose bounds for a guest's `benchmarks` the values must meet
 * @throws UsageError naming the option, what it expected and what it got
 */
export function applyOverrides(config: RunConfig, overrides: RunOverrides, schema: Record<string, unknown>): RunConfig {
  checkOverrides(config, overrides, schema);
  const kept = overrides.guest === undefined ? config.guests : config.guests.filter((g) => overrides.guest!.includes(g.name));
  const guests = kept.map((guest) => ({
    ...guest,
    benchmarks: {
      ...guest.benchmarks,
      ...(overrides.bench === undefined ? {} : { include: [...overrides.bench] }),
      ...(overrides.iters === undefined ? {} : { iterations: overrides.iters }),
      ...(overrides.warmup === undefined ? {} : { warmup: overrides.warmup }),
      ...(overrides.boots === undefined ? {} : { boots: overrides.boots }),
    },
  }));
  // A baseline --guest left out would leave every ratio without its denominator: the default (the first guest with figures) takes its place.
  const baseline = config.report.baseline;
  if (baseline === undefined || guests.some((g) => g.name === baseline)) return { ...config, guests };
  const { baseline: _dropped, ...report } = config.report;
  return { ...config, guests, report };
}
