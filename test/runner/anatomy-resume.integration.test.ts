import { expect } from 'chai';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnatomyDocument } from '../../harness/analysis/anatomy.js';
import { loadConfig } from '../../harness/config/index.js';
import { RunInterruptedError } from '../../harness/lifecycle/interrupt.js';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { HarnessProcess } from '../support/processes.js';
import { writeTempConfig } from '../support/temp-config.js';

/**
 * `harness run --anatomy`, stopped once its timed boots are done and its anatomy boot has begun:
 * `harness run --resume` (given no --anatomy: the manifest has it) does the anatomy boot and only
 * it. GNU Mach under tcg-icount, one timed boot of one benchmark: three short boots in all.
 */
const CONFIG = {
  accel: 'tcg-icount',
  timeouts: { bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 },
  bootstrap: { resamples: 200, seed: 1 },
  guests: [{ name: 'gnumach', os: 'gnumach', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: { iterations: 200, warmup: 20, include: ['syscall.null'] } }],
};

const readManifest = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('@guest harness run --anatomy stopped during its anatomy boot, and --resume', function () {
  this.timeout(20 * 60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('records --anatomy in the manifest, and the resume does the anatomy boot the run still owed, not the timed boot again', async () => {
    const { dir, file } = await writeTempConfig(CONFIG);
    dirs.push(dir);
    const controller = new AbortController();
    const first = await runBenchmarks(await loadConfig(file), {
      anatomy: true,
      signal: controller.signal,
      // Stopped at a point, not after a time: as the anatomy boot's QEMU starts (its -plugin tells it from the timed boot's).
      emit: (event) => {
        if (event.type === 'guest-booting' && event.argv.includes('-plugin')) controller.abort(new RunInterruptedError('SIGINT'));
      },
    });
    expect(first.interrupted).to.equal('interrupted by SIGINT');
    const guestDir = join(first.runDir, 'guests', 'gnumach');
    const stopped = await readManifest(first.runDir);
    expect(stopped.anatomy).to.equal(true);
    expect(stopped.guests.map((g) => g.boots.map((b) => [b.boot, b.status]))).to.deep.equal([[[1, 'done']]]);
    expect(await exists(join(guestDir, 'anatomy.json')), 'anatomy.json of the stopped anatomy boot').to.equal(false);

    const resume = new HarnessProcess(['run', '--resume', first.runDir]);
    const exit = await resume.exited;
    expect(exit.code, resume.stderr).to.equal(0);
    // One boot, the anatomy boot: the timed one is kept.
    const booted = resume.events.filter((e) => e.type === 'guest-booting').map((e) => (e.argv as string[]).includes('-plugin'));
    expect(booted).to.deep.equal([true]);
    const manifest = await readManifest(first.runDir);
    expect(manifest.complete).to.equal(true);
    expect(manifest.anatomy).to.equal(true);
    expect(manifest.resumes?.map((r) => r.reused)).to.deep.equal([['gnumach boot-1']]);
    const doc = JSON.parse(await readFile(join(guestDir, 'anatomy.json'), 'utf8')) as AnatomyDocument;
    expect([doc.guest, doc.metrics.map((m) => m.metric)]).to.deep.equal(['gnumach', ['syscall.null']]);
  });
});
