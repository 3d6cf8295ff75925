import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '../../harness/config/index.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { installFakeQemu, pathWith } from '../support/fake-qemu/index.js';
import { writeTempConfig } from '../support/temp-config.js';

async function qemuProcessesMentioning(text: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid,args', '--no-headers']);
  return stdout.split('\n').filter((line) => line.includes('qemu-system') && line.includes(text));
}

/** Runs `body` with these environment variables set (undefined: unset), then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(before);
  }
}

describe('runBenchmarks', function () {
  this.timeout(5 * 60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('skips guests whose images are missing, with the reason and how to provide them, and goes on', async () => {
    // The run checks QEMU's version first: a fake on PATH answers it, so no QEMU is needed.
    const fake = await installFakeQemu(await mkdtemp(join(tmpdir(), 'hb-run-qemu-')), { writes: [], then: 'exit' });
    dirs.push(join(fake.binDir, '..'));
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      guests: [
        { name: 'sel4', os: 'sel4', vcpus: 1, image: {} },
        { name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'no-such-disk.img' } },
      ],
    });
    dirs.push(dir);
    const events: RunEvent[] = [];
    const outcome = await withEnv({ PATH: pathWith(fake), SEL4_BUILD_DIR: undefined }, async () =>
      runBenchmarks(await loadConfig(file), { emit: (e) => events.push(e) }),
    );
    expect(outcome.results).to.deep.equal([]);
    expect(outcome.complete).to.equal(true);
    expect(outcome.skipped.map((s) => s.guest)).to.deep.equal(['sel4', 'minix']);
    expect(outcome.skipped[0]!.reason).to.equal('no seL4 kernel build directory given (neither image.buildDir nor SEL4_BUILD_DIR is set)');
    expect(outcome.skipped[0]!.howTo).to.match(/docs\/guests\/sel4\.md/);
    expect(events.filter((e) => e.type === 'guest-skipped')).to.have.length(2);
    const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(report)
      .to.contain('## Skipped')
      .and.to.contain(`minix: MINIX 3 disk image not found at ${join(dir, 'no-such-disk.img')}`);
  });

  it('fails, not skips, a seL4 guest whose named build directory cannot be used, saying what it expected', async () => {
    const fake = await installFakeQemu(await mkdtemp(join(tmpdir(), 'hb-run-qemu-')), { writes: [], then: 'exit' });
    dirs.push(join(fake.binDir, '..'));
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      guests: [{ name: 'sel4', os: 'sel4', vcpus: 1, image: { buildDir: 'no-such-build' } }],
    });
    dirs.push(dir);
    const outcome = await withEnv({ PATH: pathWith(fake) }, async () => runBenchmarks(await loadConfig(file), { emit: () => undefined }));
    expect(outcome.complete).to.equal(false);
    expect(outcome.skipped).to.deep.equal([]);
    expect(outcome.failed.map((f) => f.guest)).to.deep.equal(['sel4']);
    expect(outcome.failed[0]!.reason).to.contain(`expected a configured seL4 build directory at ${join(dir, 'no-such-build')}`);
  });

  it('@guest gives up on a guest that does not boot in time, quoting its console, and leaves no QEMU behind', async () => {
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: { bootSeconds: 1, benchmarkSeconds: 60, shutdownSeconds: 5 },
      guests: [
        { name: 'slow', os: 'linux', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: { iterations: 10, warmup: 0, include: ['syscall.null'] } },
        { name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'missing.img' } },
      ],
    });
    dirs.push(dir);
    const events: RunEvent[] = [];
    const outcome = await runBenchmarks(await loadConfig(file), { emit: (e) => events.push(e) });
    expect(outcome.complete).to.equal(false);
    expect(outcome.failed).to.have.length(1);
    const failure = outcome.failed[0]!;
    expect(failure.guest).to.equal('slow');
    expect(failure.reason).to.match(/failed during boot: expected data-channel records, got none within the 1 s boot timeout/);
    expect(failure.reason).to.match(/--- console tail ---\n[\s\S]*\S[\s\S]*--- end of console tail ---/);
    // The guest after the failed one is still handled.
    expect(outcome.skipped.map((s) => s.guest)).to.deep.equal(['minix']);
    expect(await qemuProcessesMentioning(outcome.runDir)).to.deep.equal([]);
    const manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).to.equal(false);
    expect(manifest.guests[0].status).to.equal('failed');
    expect(manifest.guests[0].boots[0].qemuExit.signal).to.equal('SIGKILL');
  });
});
