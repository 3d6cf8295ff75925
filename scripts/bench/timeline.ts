/**
 * Where a run's wall time goes, from its `harness run --json` events (issue 18, goals 1 and 5): per
 * guest boot, QEMU start to the first record (guest-booting to guest-started: the guest-info record
 * that opens the data channel), the QEMU time (guest-booting to guest-done), and the data channel's
 * rate while a benchmark's samples arrive (the payloads send them after measuring, in records of a
 * few thousand samples, so the rate is taken between the first and last progress event of each
 * benchmark that took more than one record); per run, the wall time and what of it is the host's
 * (the wall time less the guests' QEMU time).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { configIn } from './orchestration.js';

const run = promisify(execFile);

/** The fields of the run's events this reads (harness/lifecycle/events.ts has them all). */
export interface TimelineEvent {
  type: string;
  time: string;
  guest?: string;
  boot?: number;
  metric?: string;
  received?: number;
}

export interface BootTimes {
  guest: string;
  boot: number;
  toFirstRecord?: number;
  qemu?: number;
  /** Samples and seconds between the first and last progress event of each benchmark, summed. */
  channel: { samples: number; seconds: number };
}

export interface Timeline {
  wall: number;
  boots: BootTimes[];
}

const at = (e: TimelineEvent) => Date.parse(e.time) / 1000;

/** The boots' times from a run's events, in the order the boots started. */
export function timeline(events: readonly TimelineEvent[]): Timeline {
  const boots = new Map<string, BootTimes & { booting?: number }>();
  const progress = new Map<string, TimelineEvent[]>();
  for (const e of events) {
    if (e.guest === undefined || e.boot === undefined) continue;
    const key = `${e.guest}/${e.boot}`;
    const boot = boots.get(key) ?? { guest: e.guest, boot: e.boot, channel: { samples: 0, seconds: 0 } };
    boots.set(key, boot);
    if (e.type === 'guest-booting') boot.booting = at(e);
    else if (e.type === 'guest-started' && boot.booting !== undefined) boot.toFirstRecord = at(e) - boot.booting;
    else if (e.type === 'guest-done' && boot.booting !== undefined) boot.qemu = at(e) - boot.booting;
    else if (e.type === 'benchmark-progress') progress.set(`${key}/${e.metric}`, [...(progress.get(`${key}/${e.metric}`) ?? []), e]);
  }
  for (const [key, list] of progress) {
    if (list.length < 2) continue;
    const boot = boots.get(key.split('/').slice(0, 2).join('/'))!;
    boot.channel.samples += list.at(-1)!.received! - list[0]!.received!;
    boot.channel.seconds += at(list.at(-1)!) - at(list[0]!);
  }
  const times = events.map(at);
  const wall = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
  return { wall, boots: [...boots.values()].map(({ booting: _, ...rest }) => rest) };
}

/** `harness run CONFIG --json` into a temporary results directory; its events. */
export async function runEvents(config: string, projectRoot: string): Promise<TimelineEvent[]> {
  const work = await mkdtemp(join(tmpdir(), 'hb-timeline-'));
  try {
    const resultsDir = join(work, 'results');
    await mkdir(resultsDir);
    const moved = await configIn(config, resultsDir, work);
    const { stdout } = await run(process.execPath, [join(projectRoot, 'bin', 'harness.js'), 'run', moved, '--json'], {
      cwd: projectRoot,
      maxBuffer: 256 << 20,
    });
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as TimelineEvent);
  } catch (error) {
    throw new Error(`expected harness run ${config} --json to finish, it failed`, { cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const seconds = (s: number | undefined) => (s === undefined ? 'n/a' : `${s.toFixed(1)} s`);

/** The timeline as text: one line per boot, then the run's wall time and the host's share of it. */
export function describeTimeline(config: string, t: Timeline): string {
  const lines = t.boots.map((b) => {
    const rate =
      b.channel.seconds > 0
        ? `${Math.round(b.channel.samples / b.channel.seconds)} samples/s over ${b.channel.samples} samples`
        : 'n/a (no benchmark took more than one record)';
    return `${`${b.guest} boot ${b.boot}`.padEnd(20)} QEMU start to first record ${seconds(b.toFirstRecord).padStart(7)}  QEMU time ${seconds(b.qemu).padStart(7)}  data channel ${rate}`;
  });
  const qemu = t.boots.reduce((sum, b) => sum + (b.qemu ?? 0), 0);
  const host = t.wall - qemu;
  lines.push(
    `${config}: wall ${t.wall.toFixed(1)} s, guests' QEMU time ${qemu.toFixed(1)} s, host ${host.toFixed(1)} s (${((100 * host) / qemu).toFixed(1)}% of the QEMU time)`,
  );
  return lines.join('\n');
}
