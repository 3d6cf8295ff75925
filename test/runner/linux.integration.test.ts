import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseCsv } from 'csv-parse/sync';
import { compareFigures, pairFigures } from '../../harness/compare/compare.js';
import { loadRun, type FigureSamples } from '../../harness/compare/load-run.js';
import { loadConfig } from '../../harness/config/index.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { contentText } from '../../harness/report/run-file-content.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

const RUN_FILES = [
  'manifest.json',
  'config.yaml',
  'results.json',
  'results.schema.json',
  'results.csv',
  'samples.csv',
  'report.md',
  'guests/linux/boot-1/console.log',
  'guests/linux/boot-1/data.bin',
];

async function runLinux(
  accel: 'tcg-icount' | 'tcg',
  benchmarks: Record<string, unknown>,
  vcpus = 2,
  peers: string[] = [],
): Promise<{ outcome: RunOutcome; events: RunEvent[]; dir: string }> {
  const { dir, file } = await writeTempConfig({
    accel,
    timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
    bootstrap: { resamples: 500, seed: 7 },
    guests: [{ name: 'linux', os: 'linux', vcpus, pin: vcpus === 2 ? [0, 1] : [0], memoryMiB: 256, benchmarks, ...(peers.length > 0 ? { peers } : {}) }],
  });
  const events: RunEvent[] = [];
  const outcome = await runBenchmarks(await loadConfig(file), { emit: (e) => events.push(e) });
  return { outcome, events, dir };
}

describe('@guest Linux guest under QEMU', function () {
  this.timeout(15 * 60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('tcg-icount with 2 vCPUs, run twice', () => {
    let first: Awaited<ReturnType<typeof runLinux>>;
    let second: Awaited<ReturnType<typeof runLinux>>;
    before(async () => {
      const benchmarks = { iterations: 200, warmup: 20, include: ['*'] };
      first = await runLinux('tcg-icount', benchmarks);
      dirs.push(first.dir);
      second = await runLinux('tcg-icount', benchmarks);
      dirs.push(second.dir);
    });

    it('completes with 2 vCPUs, every benchmark measured, the cross-vCPU ones included', () => {
      const { outcome } = first;
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      expect(outcome.complete).to.equal(true);
      const metrics = outcome.results.map((r) => r.metric);
      expect(metrics).to.include.members([
        'syscall.null',
        'syscall.null.enosys',
        'ctxswitch.yield',
        'ctxswitch.futex',
        'ipc.roundtrip.pipe.thread.same',
        'ipc.roundtrip.pipe.thread.cross',
        'ipc.roundtrip.futex.process.same',
        'ipc.roundtrip.futex.process.cross',
        'pagefault.anon',
        'pagefault.file',
      ]);
      for (const r of outcome.results) {
        expect(r.unit).to.equal('guest-instructions');
        expect(r.n + r.settling.dropped).to.equal(200);
      }
      expect(outcome.peers).to.deep.equal([]);
      expect(outcome.skipped).to.deep.equal([]);
    });

    it('measures every cross-vCPU round trip identically on the second run, each dearer than its same-vCPU one', () => {
      const cross = (o: RunOutcome) => o.results.filter((r) => r.metric.endsWith('.cross'));
      expect(cross(first.outcome)).to.have.length(8);
      expect(cross(second.outcome).map((r) => [r.metric, r.median, r.n])).to.deep.equal(cross(first.outcome).map((r) => [r.metric, r.median, r.n]));
      // Under icount the two vCPUs take turns, so a cross-vCPU round trip counts both sides'
      // instructions in sequence plus the IPIs and idle entries and exits between them.
      for (const r of cross(first.outcome)) {
        const same = first.outcome.results.find((s) => s.metric === r.metric.replace(/\.cross$/, '.same'))!;
        expect(r.median, r.metric).to.be.greaterThan(same.median);
      }
    });

    it('gives identical medians on a second run', () => {
      const medians = (o: RunOutcome) => Object.fromEntries(o.results.map((r) => [r.metric, r.median]));
      expect(medians(second.outcome)).to.deep.equal(medians(first.outcome));
    });

    it('gives bit-identical raw data on a second run', async () => {
      const data = (o: RunOutcome) => readFile(join(o.runDir, 'guests', 'linux', 'boot-1', 'data.bin'));
      expect((await data(second.outcome)).equals(await data(first.outcome))).to.equal(true);
    });

    it('measures a plausible null system call: hundreds of guest instructions', () => {
      const syscall = first.outcome.results.find((r) => r.metric === 'syscall.null')!;
      expect(syscall.median).to.be.within(50, 20_000);
    });

    it('measures page faults of thousands of guest instructions, each dearer than a null system call', () => {
      const figure = (metric: string) => first.outcome.results.find((r) => r.metric === metric)!;
      for (const metric of ['pagefault.anon', 'pagefault.file']) expect(figure(metric).median, metric).to.be.within(figure('syscall.null').median, 50_000);
      expect(figure('pagefault.file').mechanism).to.match(/memfd/);
    });

    it('writes every file of the run directory; results.json validates against its schema; the CSV loads', async () => {
      const { runDir } = first.outcome;
      for (const name of RUN_FILES) expect((await readFile(join(runDir, name))).length, name).to.be.greaterThan(0);
      const schema = JSON.parse(await readFile(join(runDir, 'results.schema.json'), 'utf8'));
      const doc = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'));
      const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      const rows: Record<string, string>[] = parseCsv(await readFile(join(runDir, 'results.csv'), 'utf8'), { columns: true });
      expect(rows).to.have.length(doc.results.length);
      expect(rows.map((r) => Number(r.median))).to.deep.equal(doc.results.map((r: { median: number }) => r.median));
      expect(doc.peers).to.deep.equal([]);
      const report = await readFile(join(runDir, 'report.md'), 'utf8');
      expect(report).to.contain('## linux').and.to.contain('guest-instructions').and.to.contain('tcg-icount');
      expect(report).not.to.contain('Peer cross-check');
    });

    it('records the vCPU thread affinity read back from the host, and the guest kernel', async () => {
      const manifest = JSON.parse(await readFile(join(first.outcome.runDir, 'manifest.json'), 'utf8'));
      const guest = manifest.guests[0];
      expect(guest.vcpusUsed).to.equal(2);
      expect(guest.vcpusNote).to.equal(undefined);
      const [boot] = guest.boots;
      // Under icount one host thread runs both vCPUs, so it is pinned to both CPUs.
      expect(boot.hostAffinity).to.have.length(2);
      expect(boot.hostAffinity[0]).to.include({ vcpu: 0, hostCpus: '0-1', requested: 0 });
      expect(boot.hostAffinity[1]).to.include({ vcpu: 1, hostCpus: '0-1', requested: 1, threadId: boot.hostAffinity[0].threadId });
      expect(boot.guestInfo.kernel).to.match(/^6\./);
      expect(boot.argv.join(' ')).to.contain('-icount shift=0,sleep=off').and.to.contain('maxcpus=1 hb.cpuup=pause');
      expect(guest.hostConditions.cpus).to.deep.equal([0, 1]);
      expect(manifest.accel).to.include({ requested: 'tcg-icount', chosen: 'tcg-icount' });
    });

    it('finds "no change" between the two identical runs', async () => {
      const [a, b] = await Promise.all([loadRun(first.outcome.runDir), loadRun(second.outcome.runDir)]);
      const comparisons = pairFigures(a.figures, b.figures).map(([fa, fb]) => compareFigures(fa, fb));
      expect(comparisons).to.have.length(first.outcome.results.length);
      for (const c of comparisons) expect(c.verdict, `${c.a.metric}: ${c.why}`).to.equal('no change');
    });

    it('reports pipe against futex as a difference with its CI', async () => {
      const a = await loadRun(first.outcome.runDir);
      const [[pipe, futex]] = pairFigures(a.figures, a.figures, { metrics: ['ipc.roundtrip.pipe.thread.same', 'ipc.roundtrip.futex.thread.same'] }) as [
        [FigureSamples, FigureSamples],
      ];
      const c = compareFigures(pipe, futex);
      expect(c.verdict).to.equal('b faster');
      expect(c.ratio).to.equal(futex.entry.median / pipe.entry.median);
      expect(c.ci95[1]).to.be.below(1);
    });
  });

  describe('tcg-icount with peers: [perf]', () => {
    let run: Awaited<ReturnType<typeof runLinux>>;
    before(async () => {
      run = await runLinux('tcg-icount', { iterations: 200, warmup: 20, include: ['syscall.null', 'ipc.roundtrip.pipe.process.same'] }, 1, ['perf']);
      dirs.push(run.dir);
    });

    it('runs perf bench after our benchmarks and reports it beside ours, in guest instructions, with the ratio', () => {
      const { outcome } = run;
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      expect(outcome.complete).to.equal(true);
      expect(outcome.peers.map((p) => [p.peer, p.bench, p.compareWith])).to.deep.equal([
        ['perf', 'sched-pipe', 'ipc.roundtrip.pipe.process.same'],
        ['perf', 'syscall-basic', 'syscall.null'],
      ]);
      // Measured on this kernel (Debian 6.1.0-56-cloud, QEMU 7.2 tcg-icount): sched-pipe 0.814 (ours at
      // 200 iterations catches the first ~1000 round trips of a fresh process pair, 10.7k instructions;
      // perf's 100000 loops average the settled 13.1k), syscall-basic 0.983 (ours the bare `syscall`
      // instruction, perf's glibc getppid() and its loop). Bands around those.
      const bands: Record<string, [number, number]> = { 'sched-pipe': [0.6, 1.2], 'syscall-basic': [0.85, 1.2] };
      for (const p of outcome.peers) {
        expect(p.reason, p.reason).to.equal(undefined);
        expect(p.unit).to.equal('guest-instructions');
        // Under icount the guest clock runs at the kernel's TSC calibration, 1000 MHz give or take its last digit.
        const ticksPerUs = Number(p.conversion.match(/^([\d.]+) ticks per µs/)?.[1]);
        expect(ticksPerUs, p.conversion).to.be.closeTo(1000, 0.01);
        expect(p.boots).to.have.length(1);
        expect(p.boots[0]!.exit).to.equal('0');
        expect(p.boots[0]!.loops).to.equal(100000);
        expect(p.boots[0]!.raw).to.match(/usecs\/op/);
        expect(p.ourMedian).to.equal(outcome.results.find((r) => r.metric === p.compareWith)!.median);
        expect(Number.isFinite(p.ratio), `${p.bench} ratio ${p.ratio}`).to.equal(true);
        expect(p.ratio!, p.bench).to.be.within(...bands[p.bench]!);
      }
    });

    it('writes the peers into results.json (valid against its schema) and a "Peer cross-check" section into report.md', async () => {
      const { runDir } = run.outcome;
      const schema = JSON.parse(await readFile(join(runDir, 'results.schema.json'), 'utf8'));
      const doc = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'));
      const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      expect(doc.peers).to.have.length(2);
      const report = await readFile(join(runDir, 'report.md'), 'utf8');
      expect(report).to.contain('## Peer cross-check').and.to.contain('perf sched-pipe').and.to.contain('perf syscall-basic');
    });

    it('records perf, built from the same source version as the kernel, and the bigger initramfs in the manifest', async () => {
      const manifest = JSON.parse(await readFile(join(run.outcome.runDir, 'manifest.json'), 'utf8'));
      const provenance = manifest.guests[0].provenance;
      expect(provenance.perfPackageVersion).to.equal(provenance.kernelPackageVersion);
      expect(provenance.perfPackages)
        .to.match(/(^| )linux-perf=/)
        .and.to.match(/(^| )libc6=/);
      expect(Number(provenance.initramfsBytes)).to.be.greaterThan(20e6);
      expect(manifest.guests[0].boots[0].argv.join(' ')).to.contain('hb.peers=perf');
    });
  });

  describe('three boots', () => {
    let run: Awaited<ReturnType<typeof runLinux>>;
    before(async () => {
      run = await runLinux('tcg-icount', { boots: 3, iterations: 100, warmup: 10, include: ['syscall.null', 'ctxswitch.yield'] });
      dirs.push(run.dir);
    });

    it('reports between-boot spread and a hierarchical CI in results.json and report.md', async () => {
      const { outcome } = run;
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      for (const r of outcome.results) {
        expect(r.boots).to.equal(3);
        expect(r.ciMethod).to.equal('hierarchical bootstrap');
        expect(r.betweenBoots.bootMedians).to.have.length(3);
      }
      const doc = JSON.parse(await readFile(join(outcome.runDir, 'results.json'), 'utf8'));
      expect(doc.results[0].betweenBoots.boots).to.equal(3);
      const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
      expect(report).to.contain('Boots: 3').and.to.contain('hierarchical bootstrap').and.to.contain('boot medians (range)');
      for (const boot of [1, 2, 3]) expect((await readFile(join(outcome.runDir, 'guests', 'linux', `boot-${boot}`, 'data.bin'))).length).to.be.greaterThan(0);
    });

    it('regenerates every report file from the raw data of the three boots, byte for byte', async () => {
      const files = await regenerateRunFiles(run.outcome.runDir);
      expect(files.map((f) => f.name)).to.include.members(['results.json', 'results.csv', 'samples.csv', 'report.md']);
      for (const file of files) expect(contentText(file.content) === (await readFile(join(run.outcome.runDir, file.name), 'utf8')), file.name).to.equal(true);
    });

    it('reports progress per boot: each benchmark begins with its sample count, samples arrive up to it, then the payload is done', () => {
      const { events } = run;
      type Progress = Extract<RunEvent, { type: 'benchmark-progress' }>;
      for (const boot of [1, 2, 3]) {
        const ofBoot = events.filter((e) => 'boot' in e && e.boot === boot && e.type !== 'guest-failed');
        expect(ofBoot.map((e) => e.type).filter((t) => t !== 'benchmark-progress')).to.deep.equal([
          'guest-booting',
          'guest-started',
          'benchmark-begin',
          'benchmark-end',
          'benchmark-begin',
          'benchmark-end',
          'payload-done',
          'guest-done',
        ]);
        expect(ofBoot[0]).to.include({ type: 'guest-booting', boots: 3 });
        for (const metric of ['syscall.null', 'ctxswitch.yield']) {
          expect(ofBoot.find((e) => e.type === 'benchmark-begin' && e.metric === metric)).to.include({ iterations: 100 });
          const progress = ofBoot.filter((e): e is Progress => e.type === 'benchmark-progress' && e.metric === metric);
          expect(progress.length, `${metric} boot ${boot}`).to.be.greaterThan(0);
          expect(progress.map((p) => p.received)).to.deep.equal([...progress.map((p) => p.received)].sort((x, y) => x - y));
          expect(progress.at(-1)).to.include({ guest: 'linux', received: 100, expected: 100 });
        }
      }
    });
  });

  describe('plain TCG with 2 vCPUs', () => {
    let run: Awaited<ReturnType<typeof runLinux>>;
    before(async () => {
      run = await runLinux('tcg', { iterations: 100, warmup: 10, include: ['syscall.null', 'ipc.roundtrip.pipe.*'] });
      dirs.push(run.dir);
    });

    it('pins both vCPU threads and runs the cross-vCPU variants, labelled not comparable', async () => {
      const { outcome } = run;
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      const cross = outcome.results.filter((r) => r.metric.endsWith('.cross'));
      expect(cross.map((r) => r.metric).sort()).to.deep.equal(['ipc.roundtrip.pipe.process.cross', 'ipc.roundtrip.pipe.thread.cross']);
      for (const r of outcome.results) {
        expect(r.unit).to.equal('emulator-ticks');
        expect(r.caveat).to.match(/not comparable/);
      }
      const manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8'));
      expect(manifest.guests[0].boots[0].hostAffinity.map((a: { hostCpus: string }) => a.hostCpus)).to.deep.equal(['0', '1']);
      expect(manifest.guests[0].boots[0].guestAffinity['ipc.roundtrip.pipe.thread.cross']).to.equal('0;1');
    });
  });
});
