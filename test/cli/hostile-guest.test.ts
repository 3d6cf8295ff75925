// Issue 7, "Hostile guest output" (docs/reliability.md): a whole `harness run`, as a user starts
// it, against a fake qemu-system-x86_64 first on PATH that floods the console and the data
// channel. The harness process's memory is measured (test/support/memory-probe.mjs) against a
// well-behaved fake guest's run, and every file the run leaves is listed.
import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { projectRoot } from '../../harness/paths.js';
import { installFakeQemu, pathWith, type FakeQemuPlan } from '../support/fake-qemu/index.js';
import { encodeRecord, fields, sampleStream } from '../wire/encode.js';

/** Peak RSS a hostile guest may add to the harness over a well-behaved one's run (measured: about +10 MiB; before slices, +290 MiB). */
const MEMORY_GROWTH_BOUND = 64 * 2 ** 20;
const MiB = 2 ** 20;

interface MemoryReport {
  start: NodeJS.MemoryUsage;
  peak: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

async function walk(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(`${relative(root, full)}/`, ...(await walk(root, full)));
    else out.push(relative(root, full));
  }
  return out;
}

describe('@host harness run against a hostile guest (fake QEMU)', function () {
  this.timeout(10 * 60_000);
  const roots: string[] = [];
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  /** Runs the CLI in a fresh root with its own TMPDIR; returns what it printed, its memory, and every file under the root. */
  async function run(name: string, plan: FakeQemuPlan) {
    // Short: the QMP socket goes under root/tmp, and a unix socket path has at most 107 bytes.
    const root = await mkdtemp(join(tmpdir(), `hb-${name.slice(0, 6)}-`));
    roots.push(root);
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    const fake = await installFakeQemu(root, plan);
    const config = join(root, 'config.yaml');
    await writeFile(
      config,
      stringify({
        accel: 'tcg-icount',
        resultsDir: join(root, 'results'),
        // The shared image cache, so the Linux guest is not rebuilt: it is not the run's to write.
        cacheDir: join(projectRoot, '.cache'),
        timeouts: { bootSeconds: 30, benchmarkSeconds: 30, shutdownSeconds: 5 },
        guests: [{ name: 'linux', os: 'linux', vcpus: 1, memoryMiB: 256, benchmarks: { iterations: 5, warmup: 10 } }],
      }),
    );
    const memoryFile = join(root, 'memory.json');
    const result = await execa(
      'node',
      ['--import', join(projectRoot, 'test', 'support', 'memory-probe.mjs'), join(projectRoot, 'bin', 'harness.js'), 'run', config, '--json'],
      {
        reject: false,
        cwd: projectRoot,
        env: { PATH: pathWith(fake), TMPDIR: tmp, HB_MEMORY_REPORT: memoryFile },
      },
    );
    const memory = JSON.parse(await readFile(memoryFile, 'utf8')) as MemoryReport;
    const events = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; runDir?: string; [k: string]: unknown });
    const runDir = events.find((e) => e.type === 'run-start')?.runDir as string;
    expect(runDir, result.stderr).to.be.a('string');
    const files = await walk(root);
    const results = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as {
      results: { metric: string }[];
      failed: { reason: string }[];
      skipped: { metric?: string }[];
    };
    return { root, result, memory, runDir, files, results, tmp };
  }

  /** Everything under the root is the test's own (config, fake, memory report) or inside the run directory. */
  function expectOnlyRunDirectory(outcome: Awaited<ReturnType<typeof run>>): void {
    const runRel = relative(outcome.root, outcome.runDir);
    const outside = outcome.files.filter(
      (f) => !(f === 'config.yaml' || f === 'memory.json' || f === 'tmp/' || f === 'results/' || f.startsWith('fake-qemu-bin/') || f.startsWith(`${runRel}/`)),
    );
    expect(outside, 'files written outside the run directory').to.deep.equal([]);
    // The QMP socket's temporary directory is gone too.
    expect(outcome.files.filter((f) => f.startsWith('tmp/') && f !== 'tmp/')).to.deep.equal([]);
    const guests = outcome.files.filter((f) => f.startsWith(`${runRel}/guests`)).map((f) => f.slice(runRel.length + 1));
    expect(guests).to.deep.equal(['guests/', 'guests/linux/', 'guests/linux/boot-1/', 'guests/linux/boot-1/console.log', 'guests/linux/boot-1/data.bin']);
  }

  let baseline: Awaited<ReturnType<typeof run>>;
  const growth = (outcome: Awaited<ReturnType<typeof run>>) => outcome.memory.peak.rss - baseline.memory.peak.rss;
  const describeMemory = (label: string, outcome: Awaited<ReturnType<typeof run>>) =>
    `${label}: peak RSS ${(outcome.memory.peak.rss / MiB).toFixed(1)} MiB (start ${(outcome.memory.start.rss / MiB).toFixed(1)}), peak heap ${(outcome.memory.peak.heapUsed / MiB).toFixed(1)} MiB, peak array buffers ${(outcome.memory.peak.arrayBuffers / MiB).toFixed(1)} MiB`;

  before(async () => {
    baseline = await run('benign', {
      writes: [
        { to: 'console', text: 'hb: starting\n' },
        { to: 'data', base64: sampleStream().toString('base64') },
      ],
    });
    expect(baseline.result.exitCode, baseline.result.stderr).to.equal(0);
    expect(baseline.results.results.map((r) => r.metric)).to.deep.equal(['syscall.null']);
    console.log(`      ${describeMemory('well-behaved guest', baseline)}`);
  });

  it('a well-behaved fake guest writes only its run directory', () => {
    expectOnlyRunDirectory(baseline);
  });

  it('100 MB of console without a newline and 100 MB of noise on the data channel: bounded memory, failure at byte 0, nothing outside the run directory', async () => {
    const outcome = await run('flood', {
      // Written before the harness first looks, the worst case for what it finds at once.
      when: 'start',
      writes: [
        { to: 'console', repeat: 'A', bytes: 100 * MiB },
        { to: 'data', random: 100 * MiB, seed: 11 },
      ],
      then: 'hang',
    });
    console.log(`      ${describeMemory('flooding guest', outcome)}; growth ${(growth(outcome) / MiB).toFixed(1)} MiB`);
    expect(outcome.result.exitCode).to.equal(1);
    expect(outcome.results.failed.map((f) => f.reason).join('\n')).to.match(
      /failed during data: data channel at byte 0: expected magic 0x52574248, got 0x[0-9a-f]{8}/,
    );
    expect(outcome.results.results).to.deep.equal([]);
    expect(growth(outcome)).to.be.below(MEMORY_GROWTH_BOUND);
    expectOnlyRunDirectory(outcome);
  });

  it('a valid stream, then 100 MB of noise, with 100 MB of binary console noise: the completed figure is kept, the noise named by its offset', async () => {
    const stream = sampleStream();
    const outcome = await run('noise-after-valid', {
      when: 'start',
      writes: [
        { to: 'console', repeat: '\x1b[31m\x00\xff\r', bytes: 100 * MiB },
        { to: 'data', base64: stream.toString('base64') },
        { to: 'data', random: 100 * MiB, seed: 5 },
      ],
      then: 'hang',
    });
    console.log(`      ${describeMemory('valid stream then noise', outcome)}; growth ${(growth(outcome) / MiB).toFixed(1)} MiB`);
    expect(outcome.result.exitCode).to.equal(1);
    expect(outcome.results.failed.map((f) => f.reason).join('\n'), outcome.result.stdout).to.match(
      new RegExp(`data channel at byte ${stream.length}: expected magic`),
    );
    expect(outcome.results.results.map((r) => r.metric)).to.deep.equal(['syscall.null']);
    expect(growth(outcome)).to.be.below(MEMORY_GROWTH_BOUND);
    expectOnlyRunDirectory(outcome);
  });

  it('metric names that look like paths or run-directory files never reach a path', async () => {
    const records: Buffer[] = [];
    const stream = sampleStream();
    // The good stream up to STREAM_END (records 0..5), then forged SKIPs.
    let at = 0;
    for (let k = 0; k < 6; k++) at += 20 + stream.readUInt32LE(at + 12);
    records.push(stream.subarray(0, at));
    records.push(encodeRecord('SKIP', 6, fields({ metric: 'manifest.json', reason: 'named like a run-directory file' })));
    const hostileAt = at + records[1]!.length;
    records.push(encodeRecord('SKIP', 7, fields({ metric: `../../../../${'x'.repeat(8)}-escaped`, reason: 'climbing out' })));
    const outcome = await run('names', { writes: [{ to: 'data', base64: Buffer.concat(records).toString('base64') }] });
    expect(outcome.result.exitCode).to.equal(1);
    expect(outcome.results.failed.map((f) => f.reason).join('\n')).to.match(
      new RegExp(
        `data channel at byte ${hostileAt}: expected a metric name of dot-separated \\[a-z0-9_\\] words, got "\\.\\./\\.\\./\\.\\./\\.\\./xxxxxxxx-escaped"`,
      ),
    );
    // A valid name is only ever a value in the reports, never a file name.
    expect(outcome.results.skipped.map((s) => s.metric)).to.include('manifest.json');
    expect(JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8'))).to.have.property('schemaVersion', 1);
    expect(outcome.files.filter((f) => f.includes('escaped'))).to.deep.equal([]);
    expectOnlyRunDirectory(outcome);
  });
});
