import { expect } from 'chai';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { loadConfig } from '../../harness/config/index.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { WireDecoder } from '../../harness/wire/decoder.js';
import { StreamAssembler } from '../../harness/wire/stream.js';
import { HarnessProcess, qemuGoneWithin, qemuProcessesMentioning, waitForQemu } from '../support/processes.js';
import { writeTempConfig } from '../support/temp-config.js';

/**
 * Issue 7, signals to the harness: the real CLI (`node bin/harness.js run`, so `npm test` builds
 * dist/ first) is sent SIGINT, SIGTERM or SIGKILL mid-run, and `harness run --resume` finishes the
 * run. Under tcg-icount the figures are deterministic, so a resumed run must give exactly the
 * results of an uninterrupted one.
 */

const CONFIG = {
  accel: 'tcg-icount',
  timeouts: { bootSeconds: 120, benchmarkSeconds: 60, shutdownSeconds: 30 },
  bootstrap: { resamples: 300, seed: 5 },
  guests: [
    { name: 'a', os: 'linux', vcpus: 1, memoryMiB: 256, benchmarks: { boots: 2, iterations: 100, warmup: 10, include: ['syscall.null', 'ctxswitch.yield'] } },
    { name: 'b', os: 'linux', vcpus: 1, memoryMiB: 256, benchmarks: { iterations: 100, warmup: 10, include: ['syscall.null'] } },
  ],
};

type Doc = {
  runId: string;
  complete: boolean;
  results: Array<{ guest: string; metric: string }>;
  failed: Array<{ guest: string; reason: string }>;
  interrupted?: Array<{ guest: string; reason: string }>;
};

const readManifest = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
const readDoc = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as Doc;
/** results.json without what differs between two runs of the same config by design. */
const comparable = (doc: Doc) => ({ ...doc, runId: undefined });
const booted = (h: HarnessProcess) => h.events.filter((e) => e.type === 'guest-booting').map((e) => `${e.guest} boot-${e.boot}`);

describe('@guest SIGINT, SIGTERM and SIGKILL to `harness run`, and --resume', function () {
  this.timeout(15 * 60_000);
  const dirs: string[] = [];
  let file: string;
  let reference: Doc;
  let referenceSamples: string;

  before(async () => {
    const config = await writeTempConfig(CONFIG);
    dirs.push(config.dir);
    file = config.file;
    const outcome = await runBenchmarks(await loadConfig(file), { emit: () => undefined });
    expect(outcome.complete, JSON.stringify(outcome.failed)).to.equal(true);
    reference = await readDoc(outcome.runDir);
    referenceSamples = await readFile(join(outcome.runDir, 'samples.csv'), 'utf8');
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const harness = new HarnessProcess(['run', file]);
    const runStart = await harness.waitFor((e) => e.type === 'run-start');
    return { harness, runDir: runStart.runDir as string };
  };

  it('SIGINT mid-boot: exit 130, QEMU reaped, finished boots kept, the manifest says interrupted and why; --resume runs only what is missing and gives the uninterrupted results', async () => {
    const { harness, runDir } = await start();
    await harness.waitFor((e) => e.type === 'guest-booting' && e.guest === 'a' && e.boot === 2);
    const qemu = await waitForQemu(join(runDir, 'guests', 'a', 'boot-2'));
    harness.kill('SIGINT');
    expect(await harness.exited).to.deep.equal({ code: 130, signal: null });
    expect(await qemuProcessesMentioning(runDir), `QEMU ${qemu} left behind`).to.deep.equal([]);

    const manifest = await readManifest(runDir);
    expect(manifest.complete).to.equal(false);
    expect(manifest.interrupted).to.include({ signal: 'SIGINT', reason: 'interrupted by SIGINT' });
    expect(manifest.finishedAt).to.equal(undefined);
    expect(manifest.guests.map((g) => [g.name, g.status, g.boots.map((b) => b.status)])).to.deep.equal([['a', 'interrupted', ['done', 'interrupted']]]);
    expect(manifest.guests[0]!.boots[1]!.qemuExit?.signal).to.equal('SIGKILL');
    // Boot 1's figures were written and stay: completed results are never lost.
    const interruptedDoc = await readDoc(runDir);
    expect(interruptedDoc.complete).to.equal(false);
    expect(interruptedDoc.results.map((r) => `${r.guest} ${r.metric}`).sort()).to.deep.equal(['a ctxswitch.yield', 'a syscall.null']);
    // The interrupted boot is not a failure: listed as interrupted, as the manifest says.
    expect(interruptedDoc.failed).to.deep.equal([]);
    expect(interruptedDoc.interrupted).to.deep.equal([{ guest: 'a', reason: 'boot 2: interrupted by SIGINT; `harness run --resume` boots it again' }]);
    const summary = harness.events.find((e) => e.type === 'summary')!;
    expect(summary).to.include({ complete: false, interrupted: 'interrupted by SIGINT' });
    expect(harness.events.find((e) => e.type === 'run-done')).to.include({ interrupted: 'interrupted by SIGINT' });

    const boot1 = join(runDir, 'guests', 'a', 'boot-1', 'data.bin');
    const before = await stat(boot1);
    const bytes = await readFile(boot1);

    const resumed = new HarnessProcess(['run', '--resume', runDir]);
    expect((await resumed.exited).code, resumed.stderr).to.equal(0);
    expect(booted(resumed)).to.deep.equal(['a boot-2', 'b boot-1']);
    const after = await stat(boot1);
    expect([after.ino, after.mtimeMs]).to.deep.equal([before.ino, before.mtimeMs]);
    expect((await readFile(boot1)).equals(bytes)).to.equal(true);

    const final = await readManifest(runDir);
    expect(final.complete).to.equal(true);
    expect(final.interrupted).to.equal(undefined);
    expect(final.finishedAt).to.be.a('string');
    expect(final.resumes).to.have.length(1);
    expect(final.resumes![0]).to.include({ after: 'interrupted by SIGINT' });
    expect(final.resumes![0]!.reused).to.deep.equal(['a boot-1']);
    expect(final.resumes![0]!.command).to.include('--resume');
    expect(Date.parse(final.resumes![0]!.at)).to.be.greaterThan(Date.parse(manifest.interrupted!.at));
    expect(final.guests.map((g) => [g.name, g.status, g.boots.map((b) => b.status)])).to.deep.equal([
      ['a', 'done', ['done', 'done']],
      ['b', 'done', ['done']],
    ]);
    expect(comparable(await readDoc(runDir))).to.deep.equal(comparable(reference));
    expect(await readFile(join(runDir, 'samples.csv'), 'utf8')).to.equal(referenceSamples);
    expect(await qemuProcessesMentioning(runDir)).to.deep.equal([]);
  });

  it('SIGTERM mid-boot: exit 143, QEMU reaped, marked interrupted by SIGTERM', async () => {
    const { harness, runDir } = await start();
    await waitForQemu(join(runDir, 'guests', 'a', 'boot-1'));
    harness.kill('SIGTERM');
    expect(await harness.exited).to.deep.equal({ code: 143, signal: null });
    expect(await qemuProcessesMentioning(runDir)).to.deep.equal([]);
    const manifest = await readManifest(runDir);
    expect(manifest.complete).to.equal(false);
    expect(manifest.interrupted).to.include({ signal: 'SIGTERM', reason: 'interrupted by SIGTERM' });
    expect(manifest.guests.map((g) => [g.name, g.status, g.boots.map((b) => b.status)])).to.deep.equal([['a', 'interrupted', ['interrupted']]]);
    expect(harness.stderr).to.equal('');
  });

  it('SIGKILL: QEMU dies with the harness (parent-death signal), and --resume finishes the run from what was saved', async () => {
    const { harness, runDir } = await start();
    await harness.waitFor((e) => e.type === 'guest-done' && e.guest === 'a' && e.boot === 1);
    const qemu = await waitForQemu(join(runDir, 'guests', 'a', 'boot-2'));
    // QEMU is the harness's own child (setpriv execs it), in a process group of its own.
    const [line] = await qemuProcessesMentioning(join(runDir, 'guests', 'a', 'boot-2'));
    expect(Number(line!.trim().split(/\s+/)[1])).to.equal(harness.child.pid);
    harness.kill('SIGKILL');
    expect(await harness.exited).to.deep.equal({ code: null, signal: 'SIGKILL' });
    // The kernel kills it as the harness dies. Without the parent-death signal, the orphaned QEMU
    // would run its guest to the end and exit by itself: what tells the two apart is not how soon
    // it went (a busy machine can take its time) but that boot 2's stream never ended.
    expect(await qemuGoneWithin(runDir, 60_000), `QEMU ${qemu} outlived the harness`).to.deep.equal([]);
    const boot2 = await readFile(join(runDir, 'guests', 'a', 'boot-2', 'data.bin')).catch(() => Buffer.alloc(0));
    const assembler = new StreamAssembler();
    for (const record of new WireDecoder().push(boot2)) assembler.push(record);
    expect(assembler.stream.complete, `QEMU ${qemu} ran boot 2 to its end after the harness died`).to.equal(false);

    const manifest = await readManifest(runDir);
    expect(manifest.finishedAt).to.equal(undefined);
    expect(manifest.interrupted).to.equal(undefined);
    expect(manifest.guests.map((g) => [g.name, g.boots.map((b) => b.status)])).to.deep.equal([['a', ['done']]]);

    const resumed = new HarnessProcess(['run', '--resume', runDir]);
    expect((await resumed.exited).code, resumed.stderr).to.equal(0);
    expect(booted(resumed)).to.deep.equal(['a boot-2', 'b boot-1']);
    const final = await readManifest(runDir);
    expect(final.complete).to.equal(true);
    expect(final.resumes![0]).to.include({ after: 'the harness stopped without finishing the run (killed, or the machine went down)' });
    expect(comparable(await readDoc(runDir))).to.deep.equal(comparable(reference));

    // A finished run is not resumed again.
    const again = new HarnessProcess(['run', '--resume', runDir]);
    expect((await again.exited).code).to.equal(1);
    expect(again.stderr).to.match(/expected an interrupted run in .*, got one that finished at .* \(complete\): nothing to resume/);
  });
});
