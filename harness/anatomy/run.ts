import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GuestConfig, RunConfig } from '../config/types.js';
import type { AnatomyTarget, GuestAdapter, PrepareContext } from '../guests/adapter.js';
import { effectiveVcpus } from '../qemu/accel.js';
import { chooseCpuModel, escapeOptionValue } from '../qemu/argv.js';
import type { EventSink } from '../lifecycle/events.js';
import { qemuSession } from '../session/qemu-session.js';
import type { SessionResult } from '../session/types.js';
import { buildAnatomyPlugin, type BuiltPlugin } from './plugin-build.js';
import type { AnatomyDocument, AnatomyMetric, AnatomyReport } from '../analysis/anatomy.js';
import { parseAnatomyReport } from './report.js';
import { applySymbols, type NamedMetrics } from './symbols.js';

/**
 * The -plugin argument that loads the plugin for a guest read as `target` says, writing its JSON to
 * outFile. Without `top` the plugin writes every block executed inside a window: the host names them
 * by symbol and sums them per function, which a top few would leave short.
 */
export function anatomyPluginArgs(
  target: AnatomyTarget,
  pluginPath: string,
  outFile: string,
  options: { top?: number; timerCode?: { address: bigint; size: bigint } } = {},
): string[] {
  const args = [`file=${escapeOptionValue(pluginPath)}`, `out=${escapeOptionValue(outFile)}`, `bits=${target.bits}`, `kernel=${target.kernelBase}`];
  const { top, timerCode } = options;
  if (timerCode) args.push(`timers=0x${timerCode.address.toString(16)}-0x${(timerCode.address + timerCode.size).toString(16)}`);
  if (top !== undefined) args.push(`top=${top}`);
  return ['-plugin', args.join(',')];
}

export type { AnatomyMetric };

export interface AnatomyBoot {
  report: AnatomyReport;
  /** Regions matched to the benchmarks that completed, in order. */
  metrics: AnatomyMetric[];
  /** Where the blocks' names came from, one line per image (empty when the adapter has no symbols). */
  symbolSources: string[];
  session: SessionResult;
  plugin: BuiltPlugin;
}

/**
 * Regions matched to the stream's benchmarks in order. Every benchmark that produced samples ran
 * exactly one marked loop; one that was skipped before its loop has none.
 */
export function matchRegions(report: AnatomyReport, benchmarks: SessionResult['stream']['benchmarks']): AnatomyMetric[] {
  const ended = report.regions.filter((r) => r.ended);
  if (ended.length !== benchmarks.length) {
    throw new Error(`expected one marked region per benchmark (${benchmarks.length}), got ${ended.length} (of ${report.regions.length} regions)`);
  }
  return ended.map((region, i) => ({ ...region, metric: benchmarks[i]!.metric, opsPerSample: benchmarks[i]!.opsPerSample }));
}

export interface AnatomyBootOptions {
  config: RunConfig;
  guest: GuestConfig;
  adapter: GuestAdapter;
  /** Where the boot's console.log, data.bin and anatomy.json go. */
  dir: string;
  emit: EventSink;
  signal?: AbortSignal;
}

/**
 * One boot of the guest under tcg-icount with the anatomy plugin loaded: the same image as its timed
 * boots, its payload built with the region marks (-DHB_ANATOMY), plus `-plugin`. The plugin's JSON
 * goes to `<dir>/anatomy.json`.
 */
export async function runAnatomyBoot(options: AnatomyBootOptions): Promise<AnatomyBoot> {
  const { config, guest, adapter, dir, emit, signal } = options;
  const accel = 'tcg-icount';
  const { vcpus } = effectiveVcpus(accel, guest.vcpus, adapter.icountSmp);
  const cpu = chooseCpuModel(accel, config.cpuModel, guest.image.cpuModel);
  const log = (message: string) => emit({ type: 'guest-preparing', guest: guest.name, message });
  const context: PrepareContext = { cacheDir: config.cacheDir, accel, vcpus, timeouts: config.timeouts, log, anatomy: true };
  const prepared = await adapter.prepare(guest, context);
  if (prepared.target) throw new Error(`expected a guest booted under QEMU for the anatomy plugin, got ${guest.name}, an SSH target`);
  if (!adapter.anatomy) throw new Error(`expected a guest whose payload marks its timed loops for the anatomy plugin, got ${guest.name} (${adapter.id})`);
  const plugin = await buildAnatomyPlugin(config.cacheDir);
  const outFile = join(dir, 'anatomy.json');
  await rm(outFile, { force: true });
  const timerCode = await adapter.anatomy.timerCode?.(guest, context);
  if (adapter.anatomy.timerCode && !timerCode) throw new Error(`expected the ${adapter.id} payload's .text section, for its timer reads, got none`);
  const pluginArgs = anatomyPluginArgs(adapter.anatomy, plugin.path, outFile, timerCode ? { timerCode } : {});
  const boot = { ...prepared.boot, extraArgs: [...(prepared.boot.extraArgs ?? []), ...pluginArgs] };
  const session = await qemuSession({ ...prepared, boot }, accel, vcpus, cpu.model).run({
    guest,
    boot: 1,
    boots: 1,
    guestDir: dir,
    timeouts: config.timeouts,
    emit,
    signal,
  });
  if (session.error) throw new Error(`the anatomy boot of ${guest.name} failed: ${session.error.message}`, { cause: session.error });
  const report = parseAnatomyReport(await readFile(outFile, 'utf8'));
  const named = await nameMetrics(matchRegions(report, session.stream.benchmarks), adapter.anatomy, guest, context);
  return { report, ...named, session, plugin };
}

/**
 * The metrics with their blocks named from the guest's own symbols (harness/anatomy/symbols.ts),
 * when its adapter can find them. Symbols are a help, not a figure: finding none, or failing to,
 * leaves the blocks unnamed and says so in symbolSources, never fails the boot.
 */
async function nameMetrics(metrics: AnatomyMetric[], target: AnatomyTarget, guest: GuestConfig, context: PrepareContext): Promise<NamedMetrics> {
  if (!target.symbols) return { metrics, symbolSources: [] };
  try {
    return applySymbols(metrics, await target.symbols(guest, context), BigInt(target.kernelBase));
  } catch (error) {
    context.log(`anatomy: no symbols: ${(error as Error).message}`);
    return { metrics, symbolSources: [`none: finding the symbols failed: ${(error as Error).message}`] };
  }
}

/**
 * The blocks a document keeps per metric, most instructions first. The plugin lists every block (a
 * Linux run: 81 000, 11 MB of JSON); the document keeps the named functions whole and the top
 * blocks, and the plugin's own JSON beside it (anatomy-boot/anatomy.json) keeps every block.
 */
export const DOCUMENT_BLOCKS = 100;

/** What the run directory keeps of an anatomy boot (guests/<name>/anatomy.json), the reports' raw input. */
export function anatomyDocument(guest: GuestConfig, adapter: GuestAdapter, boot: AnatomyBoot): AnatomyDocument {
  const { report } = boot;
  return {
    format: 'harness-anatomy/1',
    guest: guest.name,
    os: adapter.id,
    bits: report.bits,
    kernelBase: report.kernelBase,
    unbalancedMarks: report.unbalancedMarks,
    symbolSources: boot.symbolSources,
    metrics: boot.metrics.map((metric) => ({ ...metric, blocks: metric.blocks.slice(0, DOCUMENT_BLOCKS) })),
  };
}
