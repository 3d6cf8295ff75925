import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { projectRoot } from '../../harness/paths.js';
import { HARNESS_BIN } from '../support/processes.js';
import { resultEntry } from '../support/result-entry.js';
import { writeRunFixture } from '../support/run-fixture.js';

// The package's own bin, as `npx harness` runs it (npm test and npm run test:unit compile dist/
// first); it boots nothing: every run is a fixture.
const harness = (args: string[]) => execa(process.execPath, [HARNESS_BIN, ...args], { reject: false, cwd: projectRoot });

/** 101 samples around `median`, one boot, as a run directory stores them. */
function around(median: number): number[] {
  return Array.from({ length: 101 }, (_, i) => median + (i % 3) - 1);
}

describe('harness reproduce (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let icountRun: string;
  let skippedRun: string;
  let kvmRun: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-reproduce-'));
    const sel4 = (metric: string, median: number, kvm = false) => ({
      entry: resultEntry('sel4', metric, median, {
        os: 'sel4',
        ci95: [median - 1, median + 1],
        ...(kvm ? { unit: 'tsc-ticks' as const, accel: 'kvm' as const } : {}),
      }),
      samples: [around(median)],
    });
    icountRun = await writeRunFixture(join(dir, 'icount'), {
      runId: 'icount-run',
      guests: [{ name: 'sel4', os: 'sel4' }],
      figures: [sel4('ipc.oneway.sel4call.thread.same', 228), sel4('ipc.oneway.sel4reply.thread.same', 253), sel4('ipc.roundtrip.sel4call.process.same', 483)],
    });
    skippedRun = await writeRunFixture(join(dir, 'skipped'), {
      runId: 'skipped-run',
      guests: [
        { name: 'linux', os: 'linux' },
        { name: 'sel4', os: 'sel4', status: 'skipped' },
      ],
      figures: [{ entry: resultEntry('linux', 'syscall.null', 335), samples: [around(335)] }],
      skipped: [
        {
          guest: 'sel4',
          reason: 'no seL4 kernel build directory given (neither image.buildDir nor SEL4_BUILD_DIR is set)',
          howTo: 'build a seL4 kernel as described in docs/guests/sel4.md and set SEL4_BUILD_DIR',
        },
      ],
    });
    kvmRun = await writeRunFixture(join(dir, 'kvm'), {
      runId: 'kvm-run',
      hostCpu: 'AMD EPYC 7763',
      guests: [{ name: 'sel4', os: 'sel4' }],
      figures: [sel4('ipc.oneway.sel4call.thread.same', 736, true), sel4('ipc.oneway.sel4reply.thread.same', 590, true)],
    });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets an icount run beside seL4 TSC figures, says they cannot be reproduced in this mode, and writes the markdown', async () => {
    const result = await harness(['reproduce', 'sel4-website-2026-08', '--run', icountRun]);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^reference sel4-website-2026-08: /m);
    expect(result.stdout).to.match(
      /^IPC Call \(Haswell\) +775 \(mean, σ 10\) +tsc-ticks +Intel Core i7-4770 \(Haswell\), 3\.4 GHz +sel4 ipc\.oneway\.sel4call\.thread\.same +228 \[227, 229\] +guest-instructions +tcg-icount +0\.29 \(instructions \/ tsc-ticks\) +not reproducible in this mode/m,
    );
    expect(result.stdout).to.contain(
      'compares guest instructions with TSC ticks (hardware time at the TSC rate) on Intel Core i7-6700 (Skylake), 3.4 GHz; orderings and ratios between systems can be compared, absolute figures cannot',
    );
    const file = join(icountRun, 'reproduce-sel4-website-2026-08.md');
    expect(result.stdout).to.contain(`written: ${file}`);
    const markdown = await readFile(file, 'utf8');
    expect(markdown).to.match(/^# Reproducing sel4-website-2026-08$/m);
    expect(markdown).to.contain('| IPC ReplyRecv (Skylake, no Meltdown mitigation) | 576 (mean, σ 2) | tsc-ticks |');
  });

  it('says which guest was skipped and how to provide it, without failing', async () => {
    const result = await harness(['reproduce', 'sel4-website-2026-08', '--run', skippedRun]);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^IPC Call \(Haswell\) .* sel4 ipc\.oneway\.sel4call\.thread\.same +- .* missing \[\d\]$/m);
    expect(result.stdout).to.contain(
      '- sel4 ipc.oneway.sel4call.thread.same (for "IPC Call (Haswell)"): guest sel4 in run skipped-run was skipped: no seL4 kernel build directory given (neither image.buildDir nor SEL4_BUILD_DIR is set); to run it: build a seL4 kernel as described in docs/guests/sel4.md and set SEL4_BUILD_DIR',
    );
  });

  it('gives measured/published for KVM TSC ticks with the hardware difference, from several runs into the first', async () => {
    const result = await harness(['reproduce', 'sel4-website-2026-08', '--run', kvmRun, '--run', icountRun]);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.match(
      /^IPC Call \(Skylake, no Meltdown mitigation\) .* sel4 ipc\.oneway\.sel4call\.thread\.same \(run kvm-run\) +736 \[735, 737\] +tsc-ticks +kvm +1\.03 +hardware differs/m,
    );
    expect(result.stdout).to.contain(
      'comparable with the hardware difference stated: both are TSC ticks, ours under KVM on this host (AMD EPYC 7763), theirs on Intel Core i7-6700 (Skylake), 3.4 GHz',
    );
    expect(result.stdout).to.match(/\(run icount-run\) +228 /);
    await readFile(join(kvmRun, 'reproduce-sel4-website-2026-08.md'), 'utf8');
  });

  it('lists the known references for an unknown one, and refuses --run with --accel', async () => {
    const unknown = await harness(['reproduce', 'sel4-1999', '--run', icountRun]);
    expect(unknown.exitCode).to.equal(ExitCode.USAGE);
    expect(unknown.stderr).to.match(
      /expected a published reference id \(one of elphinstone-heiser-sosp13, liedtke-sosp93, lmbench-usenix96, .*sel4-website-2026-08.*\) or a path to a \.yaml file, got "sel4-1999"/,
    );
    const both = await harness(['reproduce', 'sel4-website-2026-08', '--run', icountRun, '--accel', 'kvm']);
    expect(both.exitCode).to.equal(ExitCode.USAGE);
    expect(both.stderr).to.contain('expected either --run (figures from run directories) or --config/--accel (a new run), got both');
  });
});
