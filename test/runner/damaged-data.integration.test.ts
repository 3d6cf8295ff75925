// Issue 7, "Data channel faults" end to end (docs/reliability.md): a real Linux guest's data.bin,
// damaged, then read the two ways the harness reads a data channel: by the runner, as QEMU writes
// it (replayed by a fake QEMU first on PATH, under a real `harness run`), and by report
// regeneration (`harness report RUN` on a copy of the run whose data.bin was damaged since). Both
// must name the damaged record's byte offset, keep the benchmark before it with the very same
// figure, and make no figure from the damaged record or anything after it.
import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { projectRoot } from '../../harness/paths.js';
import { RecordType } from '../../harness/wire/constants.js';
import { installFakeQemu, pathWith } from '../support/fake-qemu/index.js';

interface Results {
  results: Array<{ metric: string; median: number; ci95: [number, number]; n: number }>;
  failed: Array<{ guest: string; metric?: string; reason: string }>;
}

const HARNESS = join(projectRoot, 'bin', 'harness.js');

/** Records of a stream: offset, type code and, for key=value records, the metric. */
function records(bytes: Buffer): { offset: number; type: number; length: number; metric?: string }[] {
  const out = [];
  for (let at = 0; at + 20 <= bytes.length;) {
    const length = bytes.readUInt32LE(at + 12);
    const type = bytes.readUInt16LE(at + 6);
    const text = type === RecordType.SAMPLES ? '' : bytes.subarray(at + 20, at + 20 + length).toString('latin1');
    out.push({ offset: at, type, length, metric: /^metric=(.*)$/m.exec(text)?.[1] });
    at += 20 + length;
  }
  return out;
}

describe("@guest a real guest's data.bin, damaged", function () {
  this.timeout(15 * 60_000);
  let dir: string;
  let config: string;
  let runDir: string;
  let original: Buffer;
  let damaged: Buffer;
  let damagedAt: number;
  let firstMetric: string;
  let secondMetric: string;
  let originalResults: Results;

  const runHarness = (args: string[], env: NodeJS.ProcessEnv = {}) => execa('node', [HARNESS, ...args], { cwd: projectRoot, reject: false, env });
  const readResults = async (run: string) => JSON.parse(await readFile(join(run, 'results.json'), 'utf8')) as Results;
  const figure = (results: Results, metric: string) => results.results.find((r) => r.metric === metric);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-damaged-'));
    config = join(dir, 'linux.yaml');
    await writeFile(
      config,
      stringify({
        accel: 'tcg-icount',
        resultsDir: join(dir, 'results'),
        cacheDir: join(projectRoot, '.cache'),
        timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
        bootstrap: { resamples: 200, seed: 3 },
        guests: [
          {
            name: 'linux',
            os: 'linux',
            vcpus: 1,
            memoryMiB: 256,
            benchmarks: { iterations: 300, warmup: 20, include: ['syscall.null', 'ctxswitch.yield'] },
          },
        ],
      }),
    );
    const run = await runHarness(['run', config, '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    runDir = (JSON.parse(run.stdout.split('\n')[0]!) as { runDir: string }).runDir;
    original = await readFile(join(runDir, 'guests', 'linux', 'boot-1', 'data.bin'));
    originalResults = await readResults(runDir);

    // Damage the first SAMPLES record of the second benchmark: flip one bit in its payload.
    const all = records(original);
    const begins = all.filter((r) => r.type === RecordType.BENCH_BEGIN);
    expect(begins.length).to.be.at.least(2);
    firstMetric = begins[0]!.metric!;
    secondMetric = begins[1]!.metric!;
    const victim = all.find((r) => r.type === RecordType.SAMPLES && r.offset > begins[1]!.offset)!;
    damagedAt = victim.offset;
    damaged = Buffer.from(original);
    damaged[victim.offset + 20 + 5]! ^= 0x08;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the undamaged run has figures for every benchmark (the control)', () => {
    expect(originalResults.results.map((r) => r.metric)).to.include.members([firstMetric, secondMetric]);
    expect(originalResults.failed).to.deep.equal([]);
  });

  it('through the runner: the damaged record is named by its offset, the figure before it is unchanged, none comes after', async () => {
    const fake = await installFakeQemu(join(dir, 'replay'), { writes: [{ to: 'data', base64: damaged.toString('base64') }] });
    const run = await runHarness(['run', config, '--json'], { PATH: pathWith(fake) });
    expect(run.exitCode).to.equal(1);
    const replayDir = (JSON.parse(run.stdout.split('\n')[0]!) as { runDir: string }).runDir;
    const results = await readResults(replayDir);
    expect(results.failed.map((f) => f.reason).join('\n')).to.match(
      new RegExp(
        `failed during data: data channel at byte ${damagedAt}: expected CRC-32 0x[0-9a-f]{8} for the SAMPLES record of \\d+ bytes, got CRC-32 0x[0-9a-f]{8}`,
      ),
    );
    expect(results.results.map((r) => r.metric)).to.deep.equal([firstMetric]);
    expect(figure(results, firstMetric)).to.deep.include({ median: figure(originalResults, firstMetric)!.median, n: figure(originalResults, firstMetric)!.n });
    expect(figure(results, firstMetric)!.ci95).to.deep.equal(figure(originalResults, firstMetric)!.ci95);
    // The runner stopped reading at the damage: what it records having read ends within a read of it.
    const manifest = JSON.parse(await readFile(join(replayDir, 'manifest.json'), 'utf8'));
    expect(manifest.guests[0].boots[0].status).to.equal('failed');
  });

  it("through report regeneration: the same, and the run's failures say so", async () => {
    const copy = join(dir, 'regenerated');
    await cp(runDir, copy, { recursive: true });
    await writeFile(join(copy, 'guests', 'linux', 'boot-1', 'data.bin'), damaged);
    const report = await runHarness(['report', copy]);
    expect(report.exitCode, report.stderr).to.equal(0);
    const results = await readResults(copy);
    expect(results.results.map((r) => r.metric)).to.deep.equal([firstMetric]);
    expect(figure(results, firstMetric)).to.deep.equal(figure(originalResults, firstMetric));
    expect(results.failed.map((f) => f.reason)).to.deep.equal([
      `boot 1: guests/linux/boot-1/data.bin does not read as the runner read it: data channel at byte ${damagedAt}: expected CRC-32 ${results.failed[0]!.reason.match(/expected CRC-32 (0x[0-9a-f]{8})/)![1]} for the SAMPLES record of ${records(original).find((r) => r.offset === damagedAt)!.length} bytes, got CRC-32 ${results.failed[0]!.reason.match(/got CRC-32 (0x[0-9a-f]{8})/)![1]}`,
    ]);
    expect(await readFile(join(copy, 'report.md'), 'utf8')).to.contain(`data channel at byte ${damagedAt}`);
    expect((results as Results & { complete: boolean }).complete).to.equal(false);
  });

  it('through report regeneration, a data.bin cut shorter than the runner read is refused, naming the byte counts', async () => {
    const copy = join(dir, 'cut');
    await cp(runDir, copy, { recursive: true });
    await writeFile(join(copy, 'guests', 'linux', 'boot-1', 'data.bin'), original.subarray(0, damagedAt + 7));
    const report = await runHarness(['report', copy]);
    expect(report.exitCode).to.equal(1);
    expect(report.stderr).to.contain(
      `expected at least ${original.length} bytes in ${join(copy, 'guests', 'linux', 'boot-1', 'data.bin')} (as the manifest records), got ${damagedAt + 7}`,
    );
  });
});
