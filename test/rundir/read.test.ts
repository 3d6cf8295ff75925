import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { loadConfig } from '../../harness/config/index.js';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { loadRunConfig } from '../../harness/rundir/read.js';
import { writeTempConfig } from '../support/temp-config.js';

describe("a run's config read back", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is the config as the run used it: the overrides its manifest records applied', async () => {
    const { dir, file } = await writeTempConfig({
      guests: [
        { name: 'sel4', os: 'sel4', vcpus: 1, image: { buildDir: 'missing' } },
        { name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'missing.img' } },
      ],
    });
    dirs.push(dir);
    const { sha256 } = await loadConfig(file);
    const manifest = { config: { file, sha256, copy: 'config.yaml' }, overrides: { guest: ['minix'], iters: 5, bench: ['ipc.*'] } } as unknown as Manifest;
    const config = await loadRunConfig(manifest);
    expect(config.guests.map((g) => g.name)).to.deep.equal(['minix']);
    expect(config.guests[0]!.benchmarks).to.deep.include({ iterations: 5, include: ['ipc.*'] });
    const plain = await loadRunConfig({ ...manifest, overrides: undefined } as unknown as Manifest);
    expect(plain.guests.map((g) => g.name)).to.deep.equal(['sel4', 'minix']);
  });
});
