import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../harness/config/index.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

/** A seL4 kernel build directory configured with -DKernelMaxNumNodes=2 (docs/guests/sel4.md). */
const SMP_BUILD_DIR_ENV = 'SEL4_SMP_BUILD_DIR';
const buildDir = process.env[SMP_BUILD_DIR_ENV];
const BENCHMARKS = { iterations: 200, warmup: 20, include: ['syscall.null', 'ipc.*.thread.*'] };
const CROSS = ['ipc.roundtrip.sel4call.thread.cross', 'ipc.oneway.sel4call.thread.cross', 'ipc.oneway.sel4reply.thread.cross'];

async function run(guest: Record<string, unknown>): Promise<{ outcome: RunOutcome; dir: string }> {
  const { dir, file } = await writeTempConfig({
    accel: 'tcg-icount',
    timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
    bootstrap: { resamples: 500, seed: 7 },
    guests: [guest],
  });
  return { outcome: await runBenchmarks(await loadConfig(file), { emit: () => undefined }), dir };
}

const smpGuest = { name: 'sel4', os: 'sel4', vcpus: 2, pin: [0, 1], memoryMiB: 512, benchmarks: BENCHMARKS, image: { buildDir } };

describe('@guest seL4 SMP kernel under tcg-icount', function () {
  this.timeout(15 * 60_000);
  const dirs: string[] = [];

  before(function () {
    if (!buildDir) {
      console.log(
        `    (skipped: ${SMP_BUILD_DIR_ENV} is not set; point it at a seL4 kernel build directory configured with -DKernelMaxNumNodes=2, see docs/guests/sel4.md)`,
      );
      this.skip();
    }
  });

  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('2 vCPUs, run twice', () => {
    let first: RunOutcome;
    let second: RunOutcome;
    before(async () => {
      const a = await run(smpGuest);
      const b = await run(smpGuest);
      dirs.push(a.dir, b.dir);
      first = a.outcome;
      second = b.outcome;
    });

    it('boots with both vCPUs and measures the cross-core IPC, the server on vCPU 1', () => {
      expect(first.failed, JSON.stringify(first.failed)).to.deep.equal([]);
      expect(first.skipped, JSON.stringify(first.skipped)).to.deep.equal([]);
      expect(first.results.map((r) => r.metric)).to.include.members([...CROSS, 'ipc.roundtrip.sel4call.thread.same', 'syscall.null']);
      for (const r of first.results) {
        expect(r).to.include({ os: 'sel4', unit: 'guest-instructions' });
        expect(r.n + r.settling.dropped).to.equal(200);
        expect(r.guestAffinity, r.metric).to.equal(r.metric.endsWith('.cross') ? '0;1' : r.metric === 'syscall.null' ? '0' : '0;0');
      }
    });

    it('gives identical medians and bit-identical raw data on a second run', async () => {
      const medians = (o: RunOutcome) => Object.fromEntries(o.results.map((r) => [r.metric, r.median]));
      expect(medians(second)).to.deep.equal(medians(first));
      const data = (o: RunOutcome) => readFile(join(o.runDir, 'guests', 'sel4', 'boot-1', 'data.bin'));
      expect((await data(second)).equals(await data(first))).to.equal(true);
    });

    it('counts both cores in a cross figure: dearer than the same-core one, the round trip the two one-way figures and the server loop', () => {
      const median = (metric: string) => first.results.find((r) => r.metric === metric)!.median;
      for (const cross of CROSS) expect(median(cross), cross).to.be.greaterThan(median(cross.replace(/\.cross$/, '.same')));
      const roundTrip = median('ipc.roundtrip.sel4call.thread.cross');
      const oneWays = median('ipc.oneway.sel4call.thread.cross') + median('ipc.oneway.sel4reply.thread.cross');
      expect(roundTrip - oneWays).to.be.within(0, 20);
    });
  });

  it('skips the cross-core benchmarks, saying why, on 1 vCPU', async () => {
    const { outcome, dir } = await run({ ...smpGuest, vcpus: 1, pin: [0], benchmarks: { ...BENCHMARKS, include: ['syscall.null', '*.cross'] } });
    dirs.push(dir);
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => r.metric)).to.deep.equal(['syscall.null']);
    expect(outcome.skipped.map((s) => s.metric)).to.have.members(CROSS);
    for (const s of outcome.skipped) expect(s.reason).to.match(/needs 2 CPUs, the kernel runs on 1/);
  });
});
