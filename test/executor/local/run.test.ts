import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../harness/config/index.js';
import type { RunEvent } from '../../../harness/lifecycle/events.js';
import type { Manifest } from '../../../harness/rundir/manifest.js';
import { runBenchmarks } from '../../../harness/runner/run.js';
import { installFakeQemu, pathWith } from '../../support/fake-qemu/index.js';
import { writeTempConfig } from '../../support/temp-config.js';

/** The derived reports of a run directory (docs/run-directory.md); manifest.json and the raw data are not among them. */
const REPORTS = ['results.json', 'results.csv', 'samples.csv', 'report.md', 'report.html'];

describe('local executor: what is written when', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('rewrites the manifest as the run goes and renders the reports once, at its end (issue 18)', async () => {
    // The run checks QEMU's version first: a fake on PATH answers it. Both guests are skipped
    // (their images are missing), so the run saves after each guest without booting anything.
    const fake = await installFakeQemu(await mkdtemp(join(tmpdir(), 'hb-local-qemu-')), { writes: [], then: 'exit' });
    dirs.push(join(fake.binDir, '..'));
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      guests: [
        { name: 'first', os: 'minix', vcpus: 1, image: { disk: 'no-such-first.img' } },
        { name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'no-such-disk.img' } },
      ],
    });
    dirs.push(dir);
    let runDir = '';
    // What the run directory held when the second guest was skipped: the first guest's save is done by then.
    let midway: { manifestGuests: string[]; reports: string[]; skipped: string[] | undefined } | undefined;
    const emit = (event: RunEvent) => {
      if (event.type === 'run-start') runDir = event.runDir;
      if (event.type === 'guest-skipped' && event.guest === 'minix') {
        const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
        const reports = REPORTS.filter((f) => existsSync(join(runDir, f)));
        const results = reports.includes('results.json')
          ? (JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { skipped: { guest: string }[] })
          : undefined;
        midway = { manifestGuests: manifest.guests.map((g) => `${g.name} ${g.status}`), reports, skipped: results?.skipped.map((g) => g.guest) };
      }
    };
    const path = process.env.PATH;
    process.env.PATH = pathWith(fake);
    try {
      await runBenchmarks(await loadConfig(file), { emit });
    } finally {
      process.env.PATH = path;
    }
    // results.json goes with the manifest (cheap, and what `harness report` needs of a killed run); the rendered reports wait for the end.
    expect(midway).to.deep.equal({ manifestGuests: ['first skipped'], reports: ['results.json'], skipped: ['first'] });
    expect(REPORTS.filter((f) => existsSync(join(runDir, f)))).to.deep.equal(REPORTS);
  });
});
