import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../harness/config/index.js';
import { COMMON_TCG_CPU_MODEL } from '../../../harness/qemu/argv.js';
import type { Manifest } from '../../../harness/rundir/manifest.js';
import { runBenchmarks, type RunOutcome } from '../../../harness/runner/run.js';
import { writeTempConfig } from '../../support/temp-config.js';

const guest = (name: string, mitigations: string) => ({
  name,
  os: 'linux',
  vcpus: 1,
  pin: [0],
  memoryMiB: 256,
  benchmarks: { iterations: 200, warmup: 20, include: ['syscall.null'] },
  image: { mitigations },
});

describe('@guest Linux mitigations, recorded and chosen, on the run\'s one CPU model', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let outcome: RunOutcome;
  let manifest: Manifest;
  before(async () => {
    const written = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
      bootstrap: { resamples: 200, seed: 1 },
      guests: [guest('linux-default', 'default'), guest('linux-off', 'off')],
    });
    dir = written.dir;
    outcome = await runBenchmarks(await loadConfig(written.file), { emit: () => undefined });
    manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8')) as Manifest;
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('boots every guest with the common CPU model and records it', () => {
    for (const g of manifest.guests) {
      expect(g.cpuModel).to.equal(COMMON_TCG_CPU_MODEL);
      expect(g).not.to.have.property('cpuModelOverride');
      expect(g.boots[0]!.argv.join(' ')).to.contain(`-cpu ${COMMON_TCG_CPU_MODEL}`);
    }
  });

  it("records the kernel's own account of its mitigations and the command line it chose them with", () => {
    const [withDefault, withOff] = manifest.guests.map((g) => g.boots[0]!.guestInfo);
    expect(withDefault!['mitigations']).to.contain('meltdown: Mitigation: PTI').and.to.contain('spectre_v2: Mitigation: Retpolines');
    expect(withDefault!['kernel_cmdline']).not.to.contain('mitigations=off');
    expect(withOff!['mitigations']).to.contain('meltdown: Vulnerable').and.to.contain('spectre_v2: Vulnerable');
    expect(withOff!['kernel_cmdline']).to.contain('mitigations=off');
  });

  it('measures fewer instructions for a null system call without mitigations', () => {
    const median = (name: string) => outcome.results.find((r) => r.guest === name && r.metric === 'syscall.null')!.median;
    expect(median('linux-off')).to.be.below(median('linux-default'));
  });

  it('sets out the terms in report.md and flags the ratio between the two', async () => {
    const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(report).to.contain('## Terms of comparison').and.to.contain('off (mitigations=off)').and.to.contain('meltdown: PTI');
    expect(report).to.match(/\| linux-off \| getppid .*terms differ: mitigations/);
  });
});
