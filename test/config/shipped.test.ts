import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv } from 'ajv';
import { expect } from 'chai';

import { loadConfig, schemaFile } from '../../harness/config/index.js';
import { checkGuestsAgainstAdapters } from '../../harness/runner/preflight.js';

const configsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'configs');
const repoRoot = path.dirname(configsDir);

const shipped = (await readdir(configsDir)).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();

describe('shipped configs', () => {
  it('include linux.yaml and all.yaml', () => {
    expect(shipped).to.include.members(['linux.yaml', 'all.yaml']);
  });

  for (const name of shipped) {
    it(`configs/${name} loads and passes the runner's pre-flight checks (include patterns, memory)`, async () => {
      // The shipped configs pin vCPUs to CPUs 0 and 1; assume a host that has them.
      const config = await loadConfig(path.join(configsDir, name), { hostCpus: 64 });
      expect(() => checkGuestsAgainstAdapters(config)).not.to.throw();
      expect(config.guests.length).to.be.at.least(1);
      expect(config.resultsDir).to.equal(path.join(repoRoot, 'results'));
      expect(config.cacheDir).to.equal(path.join(repoRoot, '.cache'));
    });
  }

  it('configs/linux.yaml is one linux guest with 2 vCPUs pinned to CPUs 0 and 1', async () => {
    const config = await loadConfig(path.join(configsDir, 'linux.yaml'), { hostCpus: 2 });
    expect(config.accel).to.equal('auto');
    expect(config.guests).to.deep.equal([
      {
        name: 'linux',
        os: 'linux',
        reach: 'qemu',
        vcpus: 2,
        memoryMiB: 512,
        pin: [0, 1],
        benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
        peers: ['perf'],
        image: { kernelPackage: 'linux-image-cloud-amd64', mitigations: 'default' },
      },
    ]);
  });

  it('configs/all.yaml has linux, gnumach, sel4, minix and linux-disk, the MINIX image path resolved', async () => {
    const config = await loadConfig(path.join(configsDir, 'all.yaml'), { hostCpus: 2 });
    expect(config.guests.map((g) => [g.name, g.os])).to.deep.equal([
      ['linux', 'linux'],
      ['gnumach', 'gnumach'],
      ['sel4', 'sel4'],
      ['minix', 'minix'],
      ['linux-disk', 'linux'],
    ]);
    // The Debian disk guest: the same kernel package as the linux guest, deployed over SSH.
    expect(config.guests[4]).to.deep.include({ deploy: 'ssh', image: { kernelPackage: 'linux-image-cloud-amd64', mitigations: 'default' } });
    // GNU Mach comes from Debian's i386 package, which the harness downloads itself.
    expect(config.guests[1]!.image).to.deep.equal({ package: 'gnumach-image-1.8-486' });
    // The seL4 build directory comes from SEL4_BUILD_DIR at run time unless the config names one.
    expect(config.guests[2]!.image).to.deep.equal({});
    expect(config.guests[3]!.image).to.deep.equal({ disk: path.join(repoRoot, 'images', 'minix', 'minix.img') });
  });

  it('configs/gnumach.yaml is GNU Mach alone on one vCPU', async () => {
    const config = await loadConfig(path.join(configsDir, 'gnumach.yaml'), { hostCpus: 2 });
    expect(config.guests.map((g) => [g.name, g.os, g.vcpus])).to.deep.equal([['gnumach', 'gnumach', 1]]);
    expect(config.guests[0]!.image).to.deep.equal({ package: 'gnumach-image-1.8-486' });
  });
});

describe('configs/schema.json', () => {
  it('is found from the module and compiles under strict ajv', async () => {
    expect(await schemaFile()).to.equal(path.join(configsDir, 'schema.json'));
    const schema = JSON.parse(await readFile(path.join(configsDir, 'schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true, keywords: ['x-path'] });
    expect(() => ajv.compile(schema)).not.to.throw();
  });

  it('rejects unknown keys and documents every property with its default', async () => {
    const schema = JSON.parse(await readFile(path.join(configsDir, 'schema.json'), 'utf8')) as unknown;
    const problems: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, k) => visit(item, `${where}/${k}`));
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const s = node as Record<string, unknown>;
      // `if` subschemas only test `os`; `then` subschemas only narrow `image`; the generic `image` is narrowed per OS.
      const exempt = /\/(if|then)$/.test(where) || where.endsWith('/properties/image');
      if (s['type'] === 'object' && s['additionalProperties'] !== false && !exempt) {
        problems.push(`${where}: object without additionalProperties: false`);
      }
      const properties = s['properties'];
      if (typeof properties === 'object' && properties !== null && !/\/(if|then)$/.test(where)) {
        for (const [key, property] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
          const description = property['description'];
          if (typeof description !== 'string' || description.length < 20) {
            problems.push(`${where}/properties/${key}: no description`);
          } else if (!/default/i.test(description)) {
            problems.push(`${where}/properties/${key}: description does not state the default`);
          }
        }
      }
      for (const [key, value] of Object.entries(s)) visit(value, `${where}/${key}`);
    };
    visit(schema, '#');
    expect(problems).to.deep.equal([]);
  });
});
