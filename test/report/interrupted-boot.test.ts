import { rm } from 'node:fs/promises';

import { expect } from 'chai';

import { GuestAccumulator } from '../../harness/analysis/accumulate.js';
import { loadConfig } from '../../harness/config/index.js';
import type { BootManifest } from '../../harness/rundir/manifest.js';
import { resultsDocument } from '../../harness/report/write.js';
import type { GuestStream } from '../../harness/wire/stream.js';
import { writeTempConfig } from '../support/temp-config.js';
import { syntheticManifest } from './html/synthetic-report.js';

const emptyStream = (): GuestStream => ({ info: {}, benchmarks: [], skipped: [], failed: [], peers: [], complete: false });

function boot(n: number, status: BootManifest['status'], reason?: string): BootManifest {
  return {
    boot: n,
    status,
    ...(reason === undefined ? {} : { reason }),
    argv: [],
    hostAffinity: [],
    guestInfo: {},
    guestAffinity: {},
    seconds: 1,
    dataBytes: 0,
  };
}

describe('an interrupted boot in results.json', () => {
  it('is not a failure: the guest accumulator leaves it out of `failed` (a failed boot stays in)', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'a', os: 'linux', benchmarks: { boots: 2 } }] });
    try {
      const config = await loadConfig(file);
      const accumulator = new GuestAccumulator(config.guests[0]!, 'tcg', undefined, config, 2);
      accumulator.add(boot(1, 'failed', 'guest a failed during boot: QEMU stopped'), emptyStream());
      const outcome = accumulator.add(boot(2, 'interrupted', 'guest a failed during boot: interrupted by SIGINT'), emptyStream());
      expect(outcome.failed.map((f) => f.reason)).to.deep.equal(['boot 1: guest a failed during boot: QEMU stopped']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is listed under `interrupted`, as the manifest marks it, and `failed` keeps only failures', () => {
    const manifest = syntheticManifest('r', [
      { name: 'a', os: 'linux', boots: 2 },
      { name: 'b', os: 'linux', boots: 0 },
    ]);
    manifest.complete = false;
    manifest.interrupted = { signal: 'SIGINT', at: '2026-01-02T03:04:30.000Z', reason: 'interrupted by SIGINT' };
    manifest.guests[0]!.status = 'interrupted';
    manifest.guests[0]!.boots[1] = boot(2, 'interrupted', 'guest a failed during boot: interrupted by SIGINT');
    manifest.guests[1]!.status = 'interrupted';
    const doc = resultsDocument(manifest, { results: [], skipped: [], failed: [] });
    expect(doc.failed).to.deep.equal([]);
    expect(doc.interrupted).to.deep.equal([
      { guest: 'a', reason: 'boot 2: interrupted by SIGINT; `harness run --resume` boots it again' },
      { guest: 'b', reason: 'interrupted by SIGINT before its boots; `harness run --resume` runs them' },
    ]);
    expect(doc.complete).to.equal(false);
  });

  it('leaves `interrupted` out of a run nothing interrupted', () => {
    const doc = resultsDocument(syntheticManifest('r', [{ name: 'a', os: 'linux', boots: 1 }]), { results: [], skipped: [], failed: [] });
    expect(doc).not.to.have.property('interrupted');
  });
});
