import { expect } from 'chai';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { loadConfig } from '../../harness/config/index.js';
import { TEST_FAULT_ENV } from '../../harness/guests/test-fault.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { makeUnwritable, qemuProcessesMentioning, waitForQemu } from '../support/processes.js';
import { writeTempConfig } from '../support/temp-config.js';

/**
 * Issue 7, guest and host faults: each is really induced (a real Linux guest that hangs or panics
 * on purpose, QEMU without a kernel, QEMU SIGKILLed from outside, a results directory that refuses
 * writes) in a run of two guests, the faulty one first; the healthy one after it must still land.
 */

const TIMEOUTS = { bootSeconds: 45, benchmarkSeconds: 15, shutdownSeconds: 10 };
/** Time beyond a timeout that detecting it, killing QEMU and reading the console may take. */
const SLACK_SECONDS = 10;
const METRICS = ['syscall.null', 'ctxswitch.yield'];

const linuxGuest = (name: string) => ({
  name,
  os: 'linux',
  vcpus: 1,
  memoryMiB: 256,
  benchmarks: { iterations: 100, warmup: 10, include: METRICS },
});

interface FaultRun {
  outcome: RunOutcome;
  events: RunEvent[];
  manifest: Manifest;
  dir: string;
}

describe('@guest guest and host faults: detected, QEMU reaped, the run goes on', function () {
  this.timeout(10 * 60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Runs [faulty, healthy] with `fault` injected into the first (HB_TEST_FAULT), calling onEvent as events come. */
  async function runFaulty(fault: string | undefined, onEvent: (event: RunEvent, runDir: () => string) => void = () => undefined): Promise<FaultRun> {
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: TIMEOUTS,
      bootstrap: { resamples: 200, seed: 1 },
      guests: [linuxGuest('faulty'), linuxGuest('healthy')],
    });
    dirs.push(dir);
    const events: RunEvent[] = [];
    let runDir = '';
    if (fault) process.env[TEST_FAULT_ENV] = `faulty=${fault}`;
    try {
      const outcome = await runBenchmarks(await loadConfig(file), {
        emit: (e) => {
          events.push(e);
          if (e.type === 'run-start') runDir = e.runDir;
          onEvent(e, () => runDir);
        },
      });
      const manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8')) as Manifest;
      return { outcome, events, manifest, dir };
    } finally {
      delete process.env[TEST_FAULT_ENV];
    }
  }

  /** What every faulty run must show: one failure (the faulty guest's), QEMU gone, the healthy guest's figures in. */
  async function expectCarriedOn(run: FaultRun): Promise<{ reason: string; seconds: number }> {
    const { outcome, manifest } = run;
    expect(outcome.complete).to.equal(false);
    const failures = outcome.failed.filter((f) => f.metric === undefined);
    expect(
      failures.map((f) => f.guest),
      JSON.stringify(outcome.failed),
    ).to.deep.equal(['faulty']);
    expect(failures[0]!.reason).to.match(/--- console tail ---\n[\s\S]+\n--- end of console tail ---/);
    expect(await qemuProcessesMentioning(outcome.runDir)).to.deep.equal([]);
    const healthy = outcome.results.filter((r) => r.guest === 'healthy');
    expect(healthy.map((r) => r.metric).sort()).to.deep.equal([...METRICS].sort());
    for (const r of healthy) expect(r.n).to.be.greaterThan(0);
    expect(manifest.guests.map((g) => [g.name, g.status])).to.deep.equal([
      ['faulty', 'failed'],
      ['healthy', 'done'],
    ]);
    const doc = JSON.parse(await readFile(join(outcome.runDir, 'results.json'), 'utf8'));
    expect(doc.results.filter((r: { guest: string }) => r.guest === 'healthy')).to.have.length(METRICS.length);
    const boot = manifest.guests[0]!.boots[0]!;
    expect(boot.status).to.equal('failed');
    return { reason: failures[0]!.reason, seconds: boot.seconds };
  }

  it('a guest that hangs at boot: boot timeout, QEMU killed, console tail quoted, the next guest runs', async () => {
    const run = await runFaulty('hang-at-boot');
    const { reason, seconds } = await expectCarriedOn(run);
    expect(reason).to.match(/guest faulty failed during boot: expected data-channel records, got none within the 45 s boot timeout/);
    expect(reason).to.contain('hb: TEST FAULT hang-at-boot: hanging on purpose');
    expect(seconds).to.be.within(TIMEOUTS.bootSeconds, TIMEOUTS.bootSeconds + SLACK_SECONDS);
    expect(run.manifest.guests[0]!.boots[0]!.qemuExit?.signal).to.equal('SIGKILL');
    expect(run.manifest.guests[0]!.provenance?.testFault).to.equal('hang-at-boot');
    expect(run.manifest.guests[1]!.provenance?.testFault).to.equal(undefined);
    expect(run.manifest.guests[0]!.boots[0]!.argv.join(' ')).to.contain('hb.fault=hang-at-boot');
  });

  it('a guest that hangs mid-benchmark: benchmark timeout, QEMU killed, the benchmark before it kept', async () => {
    const run = await runFaulty('hang-mid-benchmark');
    const { reason, seconds } = await expectCarriedOn(run);
    expect(reason).to.match(/guest faulty failed during benchmark: expected data-channel records, got none within the 15 s without data \(benchmark timeout\)/);
    expect(reason).to.contain('hb: TEST FAULT hang-mid-benchmark: hanging on purpose');
    expect(seconds).to.be.below(TIMEOUTS.bootSeconds + TIMEOUTS.benchmarkSeconds + SLACK_SECONDS);
    expect(run.manifest.guests[0]!.boots[0]!.qemuExit?.signal).to.equal('SIGKILL');
    // The first benchmark finished before the hang: its figure is kept, equal to the healthy guest's.
    const kept = run.outcome.results.filter((r) => r.guest === 'faulty');
    expect(kept.map((r) => r.metric)).to.deep.equal(['syscall.null']);
    expect(kept[0]!.median).to.equal(run.outcome.results.find((r) => r.guest === 'healthy' && r.metric === 'syscall.null')!.median);
    expect(run.events.some((e) => e.type === 'benchmark-begin' && e.guest === 'faulty' && e.metric === 'ctxswitch.yield')).to.equal(true);
  });

  it('a guest whose kernel panics mid-run: recognised as a panic from the console, not as a timeout', async () => {
    const run = await runFaulty('panic');
    const { reason, seconds } = await expectCarriedOn(run);
    expect(reason).to.match(
      /guest faulty failed during benchmark: the guest panicked \("Kernel panic - not syncing: sysrq triggered crash"\); QEMU stopped before the payload finished \(exit code 0\)/,
    );
    // panic=-1 with -no-reboot: QEMU ends at once, long before any timeout.
    expect(seconds).to.be.below(TIMEOUTS.bootSeconds);
    expect(run.outcome.results.filter((r) => r.guest === 'faulty').map((r) => r.metric)).to.deep.equal(['syscall.null']);
  });

  it('a kernel that panics at boot (no init): recognised as a panic', async () => {
    const run = await runFaulty('panic-at-boot');
    const { reason, seconds } = await expectCarriedOn(run);
    expect(reason).to.match(
      /guest faulty failed during boot: the guest panicked \("Kernel panic - not syncing: VFS: Unable to mount root fs[^"]*"\); QEMU stopped before the payload finished/,
    );
    expect(seconds).to.be.below(TIMEOUTS.bootSeconds);
    expect(run.outcome.results.filter((r) => r.guest === 'faulty')).to.deep.equal([]);
  });

  it('QEMU with no bootable kernel prints nothing: boot timeout, said to have printed nothing', async () => {
    const run = await runFaulty('no-kernel');
    const { reason, seconds } = await expectCarriedOn(run);
    expect(reason).to.match(
      /guest faulty failed during boot: expected data-channel records, got none within the 45 s boot timeout; the guest printed nothing on its console/,
    );
    expect(seconds).to.be.within(TIMEOUTS.bootSeconds, TIMEOUTS.bootSeconds + SLACK_SECONDS);
    expect(run.manifest.guests[0]!.boots[0]!.argv).not.to.include('-kernel');
  });

  it('QEMU SIGKILLed from outside mid-boot: reported with how it died, the next guest runs', async () => {
    let killed: Promise<number> | undefined;
    const run = await runFaulty(undefined, (event, runDir) => {
      if (event.type === 'vcpus-pinned' && event.guest === 'faulty') {
        // A second into the boot: QEMU runs the guest, which has printed but not yet sent a record.
        killed = waitForQemu(join(runDir(), 'guests', 'faulty')).then(async (pid) => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          process.kill(pid, 'SIGKILL');
          return pid;
        });
      }
    });
    expect(await killed).to.be.a('number');
    const { reason } = await expectCarriedOn(run);
    expect(reason).to.match(/guest faulty failed during boot: QEMU stopped before the payload finished \(killed by SIGKILL\)/);
    expect(run.manifest.guests[0]!.boots[0]!.qemuExit?.signal).to.equal('SIGKILL');
  });

  it('a results directory that is not writable before the run: refused before anything boots', async () => {
    const { dir, file } = await writeTempConfig({ accel: 'tcg-icount', timeouts: TIMEOUTS, guests: [linuxGuest('healthy')] });
    dirs.push(dir);
    const results = join(dir, 'results');
    await mkdir(results);
    const restore = await makeUnwritable(results);
    const events: RunEvent[] = [];
    try {
      let error: Error | undefined;
      // Refused when the config loads (harness/config/path-settings.ts), naming the field, so nothing is created or booted.
      await loadConfig(file)
        .then((config) => runBenchmarks(config, { emit: (e) => events.push(e) }))
        .catch((e: Error) => (error = e));
      expect(error?.message).to.match(
        new RegExp(`resultsDir: expected a directory that exists or can be created and written.*${results} is not writable by this user \\((EPERM|EACCES)\\)`),
      );
      expect(events).to.deep.equal([]);
      expect(await qemuProcessesMentioning(dir)).to.deep.equal([]);
    } finally {
      await restore();
    }
  });

  it('a run directory that stops taking writes mid-run: the run stops naming the file, QEMU reaped, earlier files intact', async () => {
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: TIMEOUTS,
      bootstrap: { resamples: 200, seed: 1 },
      guests: [linuxGuest('first'), linuxGuest('second')],
    });
    dirs.push(dir);
    const events: RunEvent[] = [];
    let runDir = '';
    let restore: Promise<() => Promise<void>> | undefined;
    try {
      let error: Error | undefined;
      await runBenchmarks(await loadConfig(file), {
        emit: (e) => {
          events.push(e);
          if (e.type === 'run-start') runDir = e.runDir;
          // While the first guest boots, its QEMU writing console.log and data.bin.
          if (e.type === 'vcpus-pinned' && e.guest === 'first') restore = makeUnwritable(runDir);
        },
      }).catch((e: Error) => (error = e));
      expect(restore, 'the fault was injected').not.to.equal(undefined);
      expect(error?.name).to.equal('RunDirectoryWriteError');
      expect(error?.message).to.match(new RegExp(`^could not write ${runDir}/[\\w.-]+ in the run directory: (EPERM|EACCES)`));
      expect(await qemuProcessesMentioning(runDir)).to.deep.equal([]);
      expect(events.filter((e) => e.type === 'guest-booting').map((e) => (e as { guest: string }).guest)).to.deep.equal(['first']);
      // What was written before the fault is whole: the manifest written at the start, marked incomplete.
      const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.complete).to.equal(false);
      expect(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')).results).to.deep.equal([]);
    } finally {
      if (restore) await (await restore)();
    }
  });
});
