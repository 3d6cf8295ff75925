import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { loadConfig } from '../../harness/config/index.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

// A MINIX image cannot be downloaded or built here; the test runs where one is given.
const disk = process.env.MINIX_DISK;
const bootDir = process.env.MINIX_BOOT_DIR;

describe('@guest MINIX 3 guest under QEMU', function () {
  this.timeout(60 * 60_000);
  let dir: string | undefined;

  before(function () {
    if (!disk) {
      console.log(
        '    (skipped: MINIX_DISK is not set; point it at a MINIX 3.4 disk image, and MINIX_BOOT_DIR at its kernel and modules, see docs/guests/minix.md)',
      );
      this.skip();
    }
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs in, builds the payload in the guest and measures getpid, service IPC and pipes', async () => {
    const written = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: { bootSeconds: 600, benchmarkSeconds: 900, shutdownSeconds: 60 },
      guests: [
        {
          name: 'minix',
          os: 'minix',
          vcpus: 1,
          memoryMiB: 512,
          benchmarks: { iterations: 200, warmup: 20, include: ['*'] },
          image: { disk, ...(bootDir ? { bootDir } : {}) },
        },
      ],
    });
    dir = written.dir;
    const outcome = await runBenchmarks(await loadConfig(written.file), { emit: () => undefined });
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => r.metric)).to.include.members([
      'syscall.null',
      'syscall.null.ebadcall',
      'ipc.roundtrip.pipe.process.same',
      'ipc.roundtrip.minixsendrec.process.same',
    ]);
  });
});
