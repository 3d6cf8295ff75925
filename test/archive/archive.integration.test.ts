import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveRun } from '../../harness/archive/archive-run.js';
import { verifyArchive } from '../../harness/archive/verify-archive.js';
import { loadConfig } from '../../harness/config/index.js';
import { REPORT_FILES } from '../../harness/report/run-files.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';
import { flipByte, tamper } from './tamper.js';

describe('@guest archive and verify a real Linux run', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let runDir: string;
  before(async () => {
    const config = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
      bootstrap: { resamples: 200, seed: 7 },
      guests: [
        { name: 'linux', os: 'linux', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: { iterations: 100, warmup: 10, include: ['syscall.*', 'ctxswitch.*'] } },
      ],
    });
    dir = config.dir;
    const outcome = await runBenchmarks(await loadConfig(config.file), { emit: () => {} });
    expect(outcome.complete, JSON.stringify(outcome.failed)).to.equal(true);
    runDir = outcome.runDir;
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('verifies the archive of a run the runner wrote, and the same run archives to the same bytes', async () => {
    const first = await archiveRun(runDir);
    const result = await verifyArchive(first.file);
    expect(result.failures).to.deep.equal([]);
    expect(
      result.files
        .filter((f) => f.regenerated?.identical)
        .map((f) => f.path)
        .sort(),
    ).to.deep.equal([...REPORT_FILES].sort());
    const second = await archiveRun(runDir, { output: join(dir, 'again.tar.gz') });
    expect((await readFile(second.file)).equals(await readFile(first.file))).to.equal(true);
  });

  it('fails on a changed byte in a real data.bin, naming it', async () => {
    const bad = join(dir, 'tampered.tar.gz');
    await tamper(`${runDir}.tar.gz`, bad, (files) => flipByte(files, 'guests/linux/boot-1/data.bin'));
    const { failures } = await verifyArchive(bad);
    expect(failures[0]).to.match(/^guests\/linux\/boot-1\/data\.bin: checksum mismatch/);
  });
});
