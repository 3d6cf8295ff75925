import { expect } from 'chai';
import type { GuestManifest, Manifest } from '../../harness/rundir/manifest.js';
import { rawInputs } from '../../harness/rundir/raw-inputs.js';

const guest = (name: string, extra: Partial<GuestManifest> = {}): GuestManifest => ({
  name,
  os: 'linux',
  status: 'done',
  accel: 'tcg-icount',
  vcpusConfigured: 1,
  boots: [{ boot: 1, status: 'done', argv: [], hostAffinity: [], guestInfo: {}, guestAffinity: {}, seconds: 1, dataBytes: 40 }],
  ...extra,
});

describe('the raw inputs of a run directory', () => {
  it("lists a guest's anatomy document only when the manifest records one", () => {
    const manifest = {
      config: { file: 'c.yaml', sha256: 'x', copy: 'config.yaml' },
      guests: [guest('linux', { anatomy: { metrics: 20 } }), guest('gnumach')],
    } as unknown as Manifest;
    expect(rawInputs(manifest)).to.deep.equal([
      { path: 'manifest.json' },
      { path: 'results.json' },
      { path: 'config.yaml' },
      { path: 'guests/linux/anatomy.json' },
      { path: 'guests/linux/boot-1/data.bin', minBytes: 40, optional: false },
      { path: 'guests/gnumach/boot-1/data.bin', minBytes: 40, optional: false },
    ]);
  });
});
