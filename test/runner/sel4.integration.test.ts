import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../harness/config/index.js';
import { SEL4_BUILD_DIR_ENV } from '../../harness/guests/sel4/adapter.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { contentText } from '../../harness/report/run-file-content.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

const buildDir = process.env[SEL4_BUILD_DIR_ENV];
const BENCHMARKS = { iterations: 200, warmup: 20, include: ['*'] };

async function run(guests: Record<string, unknown>[]): Promise<{ outcome: RunOutcome; dir: string }> {
  const { dir, file } = await writeTempConfig({
    accel: 'tcg-icount',
    timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
    bootstrap: { resamples: 500, seed: 7 },
    guests,
  });
  return { outcome: await runBenchmarks(await loadConfig(file), { emit: () => undefined }), dir };
}

const sel4Guest = { name: 'sel4', os: 'sel4', vcpus: 1, pin: [0], memoryMiB: 512, benchmarks: BENCHMARKS, image: { buildDir } };

describe('@guest seL4 guest under QEMU', function () {
  this.timeout(15 * 60_000);
  const dirs: string[] = [];

  before(function () {
    if (!buildDir) {
      console.log(`    (skipped: ${SEL4_BUILD_DIR_ENV} is not set; point it at a seL4 kernel build directory, see docs/guests/sel4.md)`);
      this.skip();
    }
  });

  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('tcg-icount, run twice', () => {
    let first: RunOutcome;
    let second: RunOutcome;
    before(async () => {
      const a = await run([sel4Guest]);
      const b = await run([sel4Guest]);
      dirs.push(a.dir, b.dir);
      first = a.outcome;
      second = b.outcome;
    });

    it('completes with the IPC, system call, context switch and page fault figures', () => {
      expect(first.failed, JSON.stringify(first.failed)).to.deep.equal([]);
      const metrics = first.results.map((r) => r.metric);
      expect(metrics).to.include.members([
        'ipc.roundtrip.sel4call.thread.same',
        'ipc.oneway.sel4call.thread.same',
        'syscall.null',
        'syscall.null.nbsendnull',
        'ctxswitch.yield',
        'pagefault.pager',
      ]);
      for (const r of first.results) {
        expect(r).to.include({ os: 'sel4', unit: 'guest-instructions' });
        expect(r.n + r.settling.dropped).to.equal(200);
      }
    });

    it('gives identical medians on a second run', () => {
      const medians = (o: RunOutcome) => Object.fromEntries(o.results.map((r) => [r.metric, r.median]));
      expect(medians(second)).to.deep.equal(medians(first));
    });

    it('measures a Call+ReplyRecv round trip of hundreds of guest instructions', () => {
      const roundTrip = first.results.find((r) => r.metric === 'ipc.roundtrip.sel4call.thread.same')!;
      expect(roundTrip.median).to.be.within(100, 5000);
      expect(roundTrip.mechanism).to.match(/seL4_Call/);
    });

    it('measures a page fault handled by the user-level pager: more than a round trip, two switches and a mapping', () => {
      const figure = (metric: string) => first.results.find((r) => r.metric === metric)!;
      expect(figure('pagefault.pager').median).to.be.within(figure('ipc.roundtrip.sel4call.thread.same').median, 20_000);
      expect(figure('pagefault.pager').mechanism).to.match(/pager/);
    });
  });

  it('puts Linux and seL4 side by side in one report', async () => {
    const linux = {
      name: 'linux',
      os: 'linux',
      vcpus: 1,
      pin: [0],
      memoryMiB: 256,
      benchmarks: { ...BENCHMARKS, include: ['syscall.null', 'ctxswitch.yield'] },
    };
    const { outcome, dir } = await run([linux, { ...sel4Guest, benchmarks: { ...BENCHMARKS, include: ['syscall.null', 'ctxswitch.yield'] } }]);
    dirs.push(dir);
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => `${r.guest} ${r.metric}`)).to.have.members([
      'linux syscall.null',
      'linux ctxswitch.yield',
      'sel4 syscall.null',
      'sel4 ctxswitch.yield',
    ]);
    const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(report).to.contain('## linux').and.to.contain('## sel4');
    expect(report).to.contain('### Null system call (guest-instructions)').and.to.contain('### Context switch (guest-instructions)');
    expect(report).to.match(/^\| sel4 \| seL4_Yield[^|]* \| — \| \d+ \| \d+(\.\d)? \| \[[^\]]+\] \| \d\.\d{3} \| \[\d\.\d{3}, \d\.\d{3}\] \| linux getppid/m);
    const files = await regenerateRunFiles(outcome.runDir);
    for (const file of files) expect(contentText(file.content) === (await readFile(join(outcome.runDir, file.name), 'utf8')), file.name).to.equal(true);
  });
});
