import { expect } from 'chai';
import { artifactReadme } from '../../harness/archive/artifact-readme.js';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { syntheticManifest } from '../report/html/synthetic-report.js';

describe('ARTIFACT.md', () => {
  const readme = (manifest: Manifest) => artifactReadme({ manifest, configText: 'guests: []\n', paths: [], regenerated: [] });

  it('reruns the run with the command-line overrides it was started with, globs quoted for the shell', () => {
    const manifest = { ...syntheticManifest('r', [{ name: 'linux', os: 'linux', boots: 1 }]), overrides: { guest: ['linux'], bench: ['ipc.*'], iters: 1000 } };
    expect(readme(manifest)).to.contain("npx harness run config.yaml --accel kvm --guest linux --bench 'ipc.*' --iters 1000\n");
  });

  it('reruns a run without overrides from its config and accelerator alone', () => {
    expect(readme(syntheticManifest('r', [{ name: 'linux', os: 'linux', boots: 1 }]))).to.contain('npx harness run config.yaml --accel kvm\n');
  });
});
