/**
 * The orchestration ratio of issue 18: `harness run` of a one-guest config against plain
 * qemu-system-x86_64 with the argv that run's manifest records (guests[].boots[].argv), alternating,
 * with the cache warm (one `harness run` first, not counted). Wall and CPU time (user + system, the
 * process and its children) of each are taken by /usr/bin/time.
 *
 * The plain run gets the same argv except what only the harness needs: `-S` (the harness starts the
 * vCPUs over QMP once it has pinned them) and `-qmp` (its socket). Its console and data channel go
 * to files in a directory of its own; the guest powers off when its payload is done and QEMU exits
 * (-no-reboot), so the plain run lasts until the guest has written its whole data channel, as the
 * harness's boot does. Its data.bin is checked to be as long as the harness's.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OrchestrationOptions {
  /** Runs of each kind (default 5). */
  runs: number;
  /** A one-guest config; its resultsDir is replaced by a temporary directory. */
  config: string;
  projectRoot: string;
}

interface Timed {
  wall: number;
  cpu: number;
}

/** Runs argv under /usr/bin/time; its wall and CPU seconds (children included). */
async function timed(argv: string[], cwd: string): Promise<Timed> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-time-'));
  try {
    const out = join(dir, 'time');
    try {
      await run('/usr/bin/time', ['-f', '%e %U %S', '-o', out, ...argv], { cwd, maxBuffer: 64 << 20 });
    } catch (error) {
      throw new Error(`expected ${argv.slice(0, 4).join(' ')} ... to succeed under /usr/bin/time, it failed`, { cause: error });
    }
    const [wall, user, system] = (await readFile(out, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number);
    return { wall: wall!, cpu: user! + system! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The config with its resultsDir pointed at `resultsDir` and its cacheDir made absolute, written to `dir`. */
export async function configIn(config: string, resultsDir: string, dir: string): Promise<string> {
  const text = await readFile(config, 'utf8');
  const cacheDir = /^cacheDir:\s*(\S+)/m.exec(text)?.[1];
  const moved = text
    .replace(/^resultsDir:.*$/m, `resultsDir: ${resultsDir}`)
    .replace(/^cacheDir:.*$/m, `cacheDir: ${cacheDir ? resolve(dirname(config), cacheDir) : resolve('.cache')}`);
  const file = join(dir, 'orchestration.yaml');
  await writeFile(file, moved);
  return file;
}

interface HarnessRun extends Timed {
  argv: string[];
  runDir: string;
  dataBytes: number;
}

async function harnessRun(config: string, resultsDir: string, projectRoot: string): Promise<HarnessRun> {
  const time = await timed([process.execPath, join(projectRoot, 'bin', 'harness.js'), 'run', config, '--json'], projectRoot);
  const runDir = join(
    resultsDir,
    (await readdir(resultsDir))
      .filter((d) => !d.endsWith('.md'))
      .sort()
      .pop()!,
  );
  const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as {
    guests: { boots: { argv: string[]; dataBytes: number }[] }[];
  };
  if (manifest.guests.length !== 1 || manifest.guests[0]!.boots.length !== 1) {
    throw new Error(`expected one guest with one boot in ${runDir}, got ${manifest.guests.map((g) => g.boots.length).join(', ')} boots`);
  }
  const boot = manifest.guests[0]!.boots[0]!;
  return { ...time, argv: boot.argv, runDir, dataBytes: boot.dataBytes };
}

/** The harness's QEMU argv for a plain run writing into `dir`: no -S, no -qmp, its files under `dir`. */
export function plainArgv(argv: readonly string[], runDir: string, dir: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-S') continue;
    if (argv[i] === '-qmp') {
      i++;
      continue;
    }
    out.push(argv[i]!.split(runDir).join(dir));
  }
  return out;
}

async function plainRun(harness: HarnessRun, projectRoot: string): Promise<Timed> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-plain-'));
  try {
    const argv = plainArgv(harness.argv, harness.runDir, dir);
    // The chardev files' directories (guests/<name>/boot-1/), as the harness makes them.
    const paths = argv.flatMap((a) => [...a.matchAll(/path=([^,]+)/g)].map((m) => m[1]!)).filter((p) => p.startsWith(dir));
    for (const path of paths) await mkdir(dirname(path), { recursive: true });
    const data = argv.map((a) => /id=data,path=([^,]+)/.exec(a)?.[1]).find((p) => p !== undefined);
    if (!data) throw new Error(`expected a data channel chardev (id=data,path=...) in ${harness.runDir}'s argv, got none`);
    const time = await timed(argv, projectRoot);
    const bytes = (await stat(data).catch(() => undefined))?.size ?? 0;
    if (bytes < harness.dataBytes)
      throw new Error(`expected the plain QEMU run to write ${harness.dataBytes} bytes of data channel as the harness's did, got ${bytes}`);
    return time;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Alternating runs, then the medians and their ratios, as text. */
export async function orchestrationRatio(options: OrchestrationOptions): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'hb-orch-'));
  try {
    const resultsDir = join(work, 'results');
    await mkdir(resultsDir);
    const config = await configIn(options.config, resultsDir, work);
    // Not counted: fills the cache (kernel package, payload, initramfs) if it is not warm yet.
    await harnessRun(config, resultsDir, options.projectRoot);
    const harness: Timed[] = [];
    const plain: Timed[] = [];
    for (let k = 0; k < options.runs; k++) {
      const h = await harnessRun(config, resultsDir, options.projectRoot);
      harness.push(h);
      plain.push(await plainRun(h, options.projectRoot));
      await rm(h.runDir, { recursive: true, force: true });
    }
    const f = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
    const row = (what: 'wall' | 'cpu') => {
      const [h, p] = [median(harness.map((t) => t[what])), median(plain.map((t) => t[what]))];
      const pairs = median(harness.map((t, i) => t[what] / plain[i]![what]));
      return `${what.padEnd(4)}  harness ${h.toFixed(2)} s  plain QEMU ${p.toFixed(2)} s  ratio of medians ${(h / p).toFixed(3)}  median of paired ratios ${pairs.toFixed(3)}`;
    };
    return [
      `${options.runs} alternating runs each of ${options.config} (cache warm: one harness run first, not counted)`,
      row('wall'),
      row('cpu'),
      `harness wall: ${f(harness.map((t) => t.wall))}; plain wall: ${f(plain.map((t) => t.wall))}`,
      `harness CPU:  ${f(harness.map((t) => t.cpu))}; plain CPU:  ${f(plain.map((t) => t.cpu))}`,
    ].join('\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
