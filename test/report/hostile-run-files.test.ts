import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadRunData } from '../../harness/report/regenerate.js';
import type { Manifest } from '../../harness/rundir/manifest.js';
import type { ResultsDocument } from '../../harness/analysis/results.js';
import { writeSyntheticRun } from '../archive/synthetic-run.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected a rejection');
}

/** Rewrites a JSON file of the run with `change` applied, as someone editing it by hand would. */
async function editJson<T>(file: string, change: (doc: T) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as T;
  change(doc);
  await writeFile(file, JSON.stringify(doc));
}

describe('harness report of an edited or hostile run directory', function () {
  this.timeout(60_000);
  let root: string;
  let n = 0;
  const freshRun = () => writeSyntheticRun(join(root, `run-${++n}`));
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-hostile-run-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a data.bin that is a link to /dev/zero (manifest dataBytes 10^12) at once, naming the file', async () => {
    const dir = await freshRun();
    const data = join(dir, 'guests/linux/boot-1/data.bin');
    await unlink(data);
    await symlink('/dev/zero', data);
    await editJson<Manifest>(join(dir, 'manifest.json'), (m) => (m.guests[0]!.boots[0]!.dataBytes = 1e12));
    const started = Date.now();
    const error = await rejection(loadRunData(dir));
    expect(Date.now() - started).to.be.below(5000);
    expect(error.message).to.equal(`expected ${data} to lie inside the run directory ${dir}, got a link to /dev/zero`);
  });

  it('refuses a data.bin that is a FIFO, or a link inside the run, without blocking', async () => {
    const dir = await freshRun();
    const data = join(dir, 'guests/linux/boot-1/data.bin');
    await unlink(data);
    await execa('mkfifo', [data]);
    expect((await rejection(loadRunData(dir))).message).to.equal(`expected ${data} (a boot's data channel) to be a regular file, got a FIFO`);
    await unlink(data);
    await symlink('../boot-2/data.bin', data);
    expect((await rejection(loadRunData(dir))).message).to.equal(`expected ${data} to be a regular file, got a symbolic link`);
  });

  it("refuses a guest named '../../evil' in an edited manifest.json, reading nothing outside the run", async () => {
    const dir = await freshRun();
    // What the name would reach: a run's worth of data outside the run directory.
    await mkdir(join(root, 'evil', 'boot-1'), { recursive: true });
    await writeFile(join(root, 'evil', 'boot-1', 'data.bin'), await readFile(join(dir, 'guests/linux/boot-1/data.bin')));
    await editJson<Manifest>(join(dir, 'manifest.json'), (m) => (m.guests[0]!.name = '../../evil'));
    const error = await rejection(loadRunData(dir));
    expect(error.message).to.match(
      /^expected .*manifest\.json to be a run manifest as the harness writes it, got one edited or damaged: guests\.0\.name: expected to match pattern .*, got "\.\.\/\.\.\/evil"$/,
    );
  });

  it('names the edited field of manifest.json, not a TypeError', async () => {
    const dir = await freshRun();
    const file = join(dir, 'manifest.json');
    const original = await readFile(file, 'utf8');
    await editJson<Record<string, unknown> & { guests: unknown[] }>(file, (m) => (m.guests = { linux: m.guests[0] } as unknown as unknown[]));
    expect((await rejection(loadRunData(dir))).message).to.equal(
      `expected ${file} to be a run manifest as the harness writes it, got one edited or damaged: guests: expected array, got {"linux":{"name":"linux","os":"linux","status":"done","accel":"tcg-icount","vcpu…`,
    );
    await writeFile(file, original);
    await editJson<Partial<Manifest>>(file, (m) => delete m.config);
    expect((await rejection(loadRunData(dir))).message).to.equal(
      `expected ${file} to be a run manifest as the harness writes it, got one edited or damaged: config: expected a value, got none`,
    );
  });

  it('names the edited field of results.json, and a unit that is not its accelerator’s', async () => {
    const dir = await freshRun();
    const file = join(dir, 'results.json');
    const original = await readFile(file, 'utf8');
    await editJson<{ results: unknown }>(file, (doc) => (doc.results = { 0: (doc.results as unknown[])[0] }));
    expect((await rejection(loadRunData(dir))).message).to.match(
      /^expected .*results\.json to be a results document \(results\.schema\.json\), got one edited or damaged: results: expected array, got/,
    );
    await writeFile(file, original);
    await editJson<ResultsDocument>(file, (doc) => (doc.results[0]!.unit = 'tsc-ticks'));
    expect((await rejection(loadRunData(dir))).message).to.match(
      /^expected results\.0\.unit in .*results\.json \(linux [a-z.]+\) to be guest-instructions, the unit of accelerator tcg-icount, got tsc-ticks$/,
    );
  });

  it("says the config copy no longer matches the manifest's SHA-256 rather than reporting 0 figures", async () => {
    const dir = await freshRun();
    const config = join(dir, 'config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/iterations: 60/, 'iterations: 61'));
    expect((await rejection(loadRunData(dir))).message).to.match(
      new RegExp(
        `^expected ${config} to be the config the run was started with \\(manifest\\.json config\\.sha256 [0-9a-f]{64}\\), got one with SHA-256 [0-9a-f]{64}: the copy was edited since the run$`,
      ),
    );
  });
});
