import { rm } from 'node:fs/promises';

import { expect } from 'chai';

import { GuestAccumulator } from '../../harness/analysis/accumulate.js';
import { summaryText } from '../../harness/cli/progress/summary.js';
import { loadConfig } from '../../harness/config/index.js';
import type { RunConfig } from '../../harness/config/types.js';
import type { BootManifest } from '../../harness/rundir/manifest.js';
import type { GuestStream } from '../../harness/wire/stream.js';
import { writeTempConfig } from '../support/temp-config.js';

/** A stream the payload finished (STREAM_END) after running what `include` matched: here, nothing. */
const finishedEmpty = (): GuestStream => ({ info: { payload: 'test' }, benchmarks: [], skipped: [], failed: [], peers: [], complete: true });

const doneBoot = (n: number): BootManifest => ({
  boot: n,
  status: 'done',
  argv: [],
  hostAffinity: [],
  guestInfo: {},
  guestAffinity: {},
  seconds: 1,
  dataBytes: 10,
});

async function withConfig(include: string[], body: (config: RunConfig) => void): Promise<void> {
  const { dir, file } = await writeTempConfig({ guests: [{ name: 'a', os: 'linux', benchmarks: { include } }] });
  try {
    body(await loadConfig(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('zero figures from a guest that ran', () => {
  it('is a failure naming the include that matched nothing (include: ["nomatch.*"] passed with 0 figures before)', async () => {
    await withConfig(['nomatch.*'], (config) => {
      const outcome = new GuestAccumulator(config.guests[0]!, 'tcg-icount', undefined, config, 1).add(doneBoot(1), finishedEmpty());
      expect(outcome.results).to.deep.equal([]);
      expect(outcome.failed).to.have.length(1);
      expect(outcome.failed[0]!.guest).to.equal('a');
      expect(outcome.failed[0]!.reason).to.match(/^the payload ran no benchmark: benchmarks\.include \["nomatch\.\*"\] matched none of the benchmarks it has/);
    });
  });

  it('is not added to a boot that failed (its own reason says why) nor to one whose benchmarks were skipped with a reason', async () => {
    await withConfig(['*'], (config) => {
      const failed = new GuestAccumulator(config.guests[0]!, 'tcg-icount', undefined, config, 1).add(
        { ...doneBoot(1), status: 'failed', reason: 'QEMU stopped' },
        { ...finishedEmpty(), complete: false },
      );
      expect(failed.failed.map((f) => f.reason)).to.deep.equal(['QEMU stopped']);
      const skipped = new GuestAccumulator(config.guests[0]!, 'tcg-icount', undefined, config, 1).add(doneBoot(1), {
        ...finishedEmpty(),
        skipped: [{ metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs' }],
      });
      expect(skipped.failed).to.deep.equal([]);
    });
  });

  it('a complete run with no figures (every guest skipped) says so in its summary', () => {
    const text = summaryText({
      runId: 'r',
      runDir: '/results/r',
      complete: true,
      results: [],
      skipped: [{ guest: 'minix', reason: 'no disk image' }],
      failed: [],
      peers: [],
    });
    expect(text).to.include('no figures: every guest or benchmark was skipped, for the reasons above\n');
  });
});
