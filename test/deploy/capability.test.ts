import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../harness/config/index.js';
import type { DeployMethod, GuestOs } from '../../harness/config/types.js';
import { adapterFor } from '../../harness/guests/registry.js';

const OSES: GuestOs[] = ['linux', 'sel4', 'minix', 'gnumach', 'linux-disk', 'ssh'];
const METHODS: DeployMethod[] = ['initramfs', 'ssh'];

describe('deploy methods: the adapters and configs/schema.json agree', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hb-deploy-capability-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const os of OSES) {
    for (const method of METHODS) {
      const offered = adapterFor(os).deployMethods ?? [];
      it(`os ${os}, deploy: ${method} is ${offered.includes(method) ? 'accepted' : 'refused'}`, async () => {
        const lines = ['guests:', '  - name: g', `    os: ${os}`, `    deploy: ${method}`];
        if (os === 'ssh') lines.push('    target:', '      host: h', '      user: u', '      key: k', `      hostKey: SHA256:${'A'.repeat(43)}`);
        if (os === 'minix') lines.push('    image:', '      disk: minix.img');
        const file = path.join(dir, `${os}-${method}.yaml`);
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
    for (const os of OSES) {
      const offered = adapterFor(os).deployMethods;
      if (offered) expect(offered.length, os).to.be.greaterThan(0);
    }
    expect(adapterFor('linux-disk').deployMethods?.[0]).to.equal('ssh');
    expect(adapterFor('linux').deployMethods?.[0]).to.equal('initramfs');
  });
});
