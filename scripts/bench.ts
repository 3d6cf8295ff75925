/**
 * `npm run bench`: the host's speed, as issue 18 asks for it. Prints, for synthetic streams of
 * 10^5, 10^6 and 10^7 samples in the real wire format (scripts/bench/synthetic-run.ts): decode
 * throughput, statistics throughput, the time `harness report` takes to regenerate such a run's
 * reports, and peak memory per sample. Each measurement runs in a process of its own
 * (scripts/bench/measure.ts), so its peak RSS is its own.
 *
 *   npm run bench [-- --sizes 100000,1000000] [--boots 3] [--keep]
 *                   [--orchestration-runs N] [--orchestration-config FILE] [--no-orchestration]
 *                   [--matrix-config FILE] [--channel-config FILE] [--no-guests]
 *
 * --boots B spreads each size over B boots (n/B samples each), so the statistics take the
 * hierarchical bootstrap's path; samples are counted over all boots.
 *
 * The orchestration ratio (scripts/bench/orchestration.ts) boots guests: N (default 5) alternating
 * runs of `harness run` on a one-guest config (default scripts/bench/orchestration.yaml) and of
 * plain qemu-system-x86_64 on the argv its manifest records, after one warm-up run. It needs the
 * CLI built (`npm run build`); --no-orchestration leaves it out.
 *
 * The guests' timelines (scripts/bench/timeline.ts) run `harness run --json` once on the matrix
 * config (default configs/all.yaml; with a warm cache, or its wall time includes the builds) and
 * once on a config whose benchmarks are a million iterations long (scripts/bench/channel.yaml),
 * and print per guest the time from QEMU's start to the first record, its QEMU time, the data
 * channel's samples per second, and the host's share of the run's wall time; --no-guests leaves
 * them out.
 *
 * Timings are wall-clock on whatever else the machine is doing: read them as a rough figure, and
 * compare runs made on the same, quiet machine. No test depends on them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPORT_BYTES_PER_SAMPLE, REPORT_FIXED_MIB } from '../harness/report/memory-bound.js';
import { orchestrationRatio } from './bench/orchestration.js';
import { writeSyntheticRun } from './bench/synthetic-run.js';
import { describeTimeline, runEvents, timeline } from './bench/timeline.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

interface Measured {
  decode?: number;
  stats?: number;
  report?: number;
  rssBefore: number;
  maxRss: number;
}

async function measure(phase: 'decode-stats' | 'report', dir: string): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(here, 'bench', 'measure.ts'), phase, dir], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measured;
}

const rate = (n: number, s: number | undefined) => (s === undefined ? 'n/a' : `${(n / s / 1e6).toFixed(2)} M/s`);
const bytesPer = (m: Measured, n: number) => `${((m.maxRss - m.rssBefore) / n).toFixed(1)}`;

interface Row {
  n: number;
  cells: string[];
  peaks: [number, number];
}

/** Decode, statistics and report regeneration on one synthetic run of n samples. */
async function syntheticRow(n: number, boots: number, keep: boolean): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), `hb-bench-${n}-`));
  try {
    // n samples in all, n / boots per boot (each boot's data.bin of that many).
    const dataBytes = (await writeSyntheticRun(dir, n / boots, { boots })) * boots;
    const first = await measure('decode-stats', dir);
    const second = await measure('report', dir);
    const cells = [
      String(n),
      `${(dataBytes / n).toFixed(2)}`,
      `${first.decode!.toFixed(3)} s (${rate(n, first.decode)})`,
      `${first.stats!.toFixed(3)} s (${rate(n, first.stats)})`,
      rate(n, first.decode! + first.stats!),
      `${second.report!.toFixed(2)} s`,
      bytesPer(first, n),
      bytesPer(second, n),
    ];
    return { n, cells, peaks: [first.maxRss, second.maxRss] };
  } finally {
    if (keep) process.stdout.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Boot to first record and QEMU time per guest of the matrix config, the host's share of its wall time, and the data channel's rate. */
async function guestTimelines(args: string[]): Promise<string> {
  const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
  const projectRoot = join(here, '..');
  const out: string[] = [];
  for (const config of [option('--matrix-config', join(projectRoot, 'configs', 'all.yaml')), option('--channel-config', join(here, 'bench', 'channel.yaml'))]) {
    out.push(describeTimeline(relative(projectRoot, config), timeline(await runEvents(config, projectRoot))));
  }
  return out.join('\n\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizesAt = args.indexOf('--sizes');
  const sizes = sizesAt >= 0 ? args[sizesAt + 1]!.split(',').map(Number) : [1e5, 1e6, 1e7];
  const keep = args.includes('--keep');
  const bootsAt = args.indexOf('--boots');
  const boots = bootsAt >= 0 ? Number(args[bootsAt + 1]) : 1;
  process.stdout.write(
    `## Host: decode, statistics and reports on synthetic streams, ${boots} boot(s) (node ${process.version}; wall clock, noisy on a shared machine)\n\n`,
  );
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await syntheticRow(n, boots, keep));
  const header = [
    'samples',
    'wire B/sample',
    'decode',
    'statistics',
    'decode+stats',
    'harness report',
    'peak B/sample (decode+stats)',
    'peak B/sample (report)',
  ];
  process.stdout.write(
    `${table(
      header,
      rows.map((r) => r.cells),
    )}\n`,
  );
  process.stdout.write("(peak B/sample: the process's peak RSS above its RSS before the work, per sample: it includes a fixed cost that dominates at 10^5)\n");
  // The slope between sizes leaves the fixed cost (code, heap reserve) out: what each further sample costs.
  for (let k = 1; k < rows.length; k++) {
    const [a, b] = [rows[k - 1]!, rows[k]!];
    const slope = (i: 0 | 1) => ((b.peaks[i] - a.peaks[i]) / (b.n - a.n)).toFixed(1);
    process.stdout.write(`marginal peak memory from ${a.n} to ${b.n} samples: ${slope(0)} B/sample (decode+stats), ${slope(1)} B/sample (report)\n`);
  }
  // harness verify and report refuse a run by this count (harness/report/memory-bound.ts): the whole
  // process's peak while it regenerates the reports must stay under it, or the stated bound is wrong.
  for (const r of rows) {
    const counted = REPORT_FIXED_MIB * 2 ** 20 + REPORT_BYTES_PER_SAMPLE * r.n;
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    process.stdout.write(
      `memory bound at ${r.n} samples (${REPORT_FIXED_MIB} MiB + ${REPORT_BYTES_PER_SAMPLE} B/sample, --max-memory-mib): ${mib(counted)} MiB; ` +
        `report's peak RSS ${mib(r.peaks[1])} MiB${r.peaks[1] > counted ? ' WARNING: above the bound (harness/report/memory-bound.ts)' : ''}\n`,
    );
  }
  process.stdout.write('\n');
  if (args.includes('--no-orchestration')) process.stdout.write('## Orchestration vs plain QEMU\nskipped (--no-orchestration)\n\n');
  else {
    const runsAt = args.indexOf('--orchestration-runs');
    const configAt = args.indexOf('--orchestration-config');
    const options = {
      runs: runsAt >= 0 ? Number(args[runsAt + 1]) : 5,
      config: configAt >= 0 ? args[configAt + 1]! : join(here, 'bench', 'orchestration.yaml'),
      projectRoot: join(here, '..'),
    };
    process.stdout.write(`## Orchestration vs plain QEMU (tcg-icount; wall and CPU of the process and its children)\n${await orchestrationRatio(options)}\n\n`);
  }
  if (args.includes('--no-guests')) process.stdout.write('## Boot to first record, host share, data channel rate\nskipped (--no-guests)\n');
  else process.stdout.write(`## Boot to first record, host share, data channel rate (wall clock)\n${await guestTimelines(args)}\n`);
}

await main();
