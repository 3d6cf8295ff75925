import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../harness/config/index.js';
import type { DeployMethod } from '../../harness/config/types.js';
import { ADAPTERS, adapterById, describeAdapter } from '../../harness/guests/registry.js';

const METHODS: DeployMethod[] = ['initramfs', 'ssh'];

describe('deploy methods: configs/schema.json takes them from the adapters', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hb-deploy-capability-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const adapter of ADAPTERS) {
    for (const method of METHODS) {
      const offered = adapter.deployMethods ?? [];
      it(`${describeAdapter(adapter)}, deploy: ${method} is ${offered.includes(method) ? 'accepted' : 'refused'}`, async () => {
        const { os, reach, variant } = adapter;
        const lines = [
          'guests:',
          '  - name: g',
          `    os: ${os}`,
          `    reach: ${reach}`,
          ...(variant ? [`    variant: ${variant}`] : []),
          `    deploy: ${method}`,
        ];
        if (reach === 'ssh') lines.push('    target:', '      host: h', '      user: u', '      key: k', `      hostKey: SHA256:${'A'.repeat(43)}`);
        if (os === 'minix') lines.push('    image:', '      disk: minix.img');
        const file = path.join(dir, `${adapter.id}-${method}.yaml`);
        await writeFile(file, `${lines.join('\n')}\n`);
        const outcome = await loadConfig(file, { hostCpus: 4 }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (offered.includes(method)) {
          expect(outcome, String(outcome)).to.equal(undefined);
        } else {
          expect(outcome).to.be.instanceOf(ConfigError);
          expect((outcome as ConfigError).issues.map((i) => i.path)).to.include('guests[0].deploy');
        }
      });
    }
  }

  it('every OS that offers methods has a default (its first)', () => {
    for (const adapter of ADAPTERS) {
      const offered = adapter.deployMethods;
      if (offered) expect(offered.length, adapter.id).to.be.greaterThan(0);
    }
    expect(adapterById('linux-disk')?.deployMethods?.[0]).to.equal('ssh');
    expect(adapterById('linux')?.deployMethods?.[0]).to.equal('initramfs');
  });
});
