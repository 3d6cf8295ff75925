import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { projectRoot } from '../../harness/paths.js';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { installFakeQemu, pathWith } from '../support/fake-qemu/index.js';
import { HARNESS_BIN } from '../support/processes.js';
import { writeTempConfig } from '../support/temp-config.js';

// The package's bin, as a user runs it (dist/, which `npm test` compiles first).
const harness = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execa(process.execPath, [HARNESS_BIN, ...args], { reject: false, cwd: projectRoot, env });

describe('harness run with command-line overrides', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let dir: string;
  let file: string;
  let path: string;
  before(async () => {
    // Two guests whose images are missing: both are skipped, so the run needs no QEMU but the fake that answers its version.
    ({ dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      guests: [
        { name: 'sel4', os: 'sel4', vcpus: 1, image: { buildDir: 'no-such-build' } },
        { name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'no-such-disk.img' } },
      ],
    }));
    dirs.push(dir);
    const fake = await installFakeQemu(await mkdtemp(join(tmpdir(), 'hb-overrides-qemu-')), { writes: [], then: 'exit' });
    dirs.push(join(fake.binDir, '..'));
    path = pathWith(fake);
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('runs only the guests named, records the overrides in the manifest and shows them in the reports', async () => {
    const result = await harness(['run', file, '--guest', 'minix', '--bench', 'ipc.*,syscall.null', '--iters', '100000', '--boots', '3'], {
      ...process.env,
      PATH: path,
    });
    expect(result.exitCode, result.stderr).to.equal(ExitCode.OK);
    const [runId] = await readdir(join(dir, 'results'));
    const runDir = join(dir, 'results', runId!);
    const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.overrides).to.deep.equal({ guest: ['minix'], bench: ['ipc.*', 'syscall.null'], iters: 100000, boots: 3 });
    expect(manifest.guests.map((g) => g.name)).to.deep.equal(['minix']);
    const line = '--guest minix --bench ipc.*,syscall.null --iters 100000 --boots 3';
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).to.contain(`Command-line overrides: \`${line}\``);
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).to.contain(`Command-line overrides: <code>${line}</code>`);
    expect(result.stdout).to.contain('skipped minix').and.not.to.contain('sel4');
    // Regenerated from the run directory (its config copy, with the manifest's overrides), the reports are the same bytes.
    const names = ['report.md', 'report.html', 'results.json'];
    const written = await Promise.all(names.map((name) => readFile(join(runDir, name), 'utf8')));
    const again = await harness(['report', runDir], { ...process.env, PATH: path });
    expect(again.exitCode, again.stderr).to.equal(ExitCode.OK);
    expect(await Promise.all(names.map((name) => readFile(join(runDir, name), 'utf8')))).to.deep.equal(written);
  });

  it('exits 2 for a guest the config does not have, naming the guests it has', async () => {
    const result = await harness(['run', file, '--guest', 'linux'], { ...process.env, PATH: path });
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(/^harness: expected --guest to name guests of test\.yaml \(sel4, minix\), got linux$/m);
  });

  it('exits 2 for a value out of bounds, saying what was expected and what it got', async () => {
    const result = await harness(['run', file, '--iters', '0']);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(
      /^harness: expected --iters to be an integer from 1 to 10000000 \(benchmarks\.iterations in configs\/schema\.json\), got 0$/m,
    );
  });

  it('exits 2 for overrides with --resume: a resumed run keeps those it was started with', async () => {
    const result = await harness(['run', '--resume', join(dir, 'results', 'x'), '--iters', '5', '--bench', 'ipc.*']);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(
      /^harness: expected no --bench, --iters with --resume: a resumed run keeps the config and the command-line overrides it was started with/m,
    );
  });

  it("documents the options in `harness run --help`, with configs/schema.json's bounds", async () => {
    const result = await harness(['run', '--help']);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.OK);
    const help = result.stdout.replace(/\s+/g, ' ');
    const schema = JSON.parse(await readFile(join(projectRoot, 'configs', 'schema.json'), 'utf8'));
    const bounds = schema.definitions.guest.properties.benchmarks.properties;
    for (const [option, key] of [
      ['iters', 'iterations'],
      ['warmup', 'warmup'],
      ['boots', 'boots'],
    ] as const) {
      expect(help).to.match(new RegExp(`--${option} <n> replace every guest's benchmarks\\.${key}: [^-]*${bounds[key].minimum} to ${bounds[key].maximum}`));
    }
    expect(help).to.contain('--guest <names>').and.to.contain('--bench <globs>').and.to.contain("recorded in the run's manifest.json (overrides)");
  });
});
