import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { ConfigError, loadConfig, schemaFile } from '../../harness/config/index.js';
import { imagePathKinds } from '../../harness/config/image-paths.js';
import type { GuestAdapter } from '../../harness/guests/adapter.js';
import { ADAPTERS, adapterById, adapterFor, describeAdapter, guestOses, kvmProbeAdapter, recordedAdapter } from '../../harness/guests/registry.js';
import { streamExpectation } from '../../harness/wire/expectation.js';
import { imageDefinition } from '../../scripts/generate-config-schema.js';

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

/** The config lines of one guest of `adapter`, with `image` given. */
function guestLines(adapter: GuestAdapter, image: Record<string, string> = {}): string[] {
  return [
    `  - name: ${adapter.id}`,
    `    os: ${adapter.os}`,
    ...(adapter.reach === 'qemu' ? [] : [`    reach: ${adapter.reach}`]),
    ...(adapter.variant ? [`    variant: ${adapter.variant}`] : []),
    ...(adapter.reach === 'ssh' ? ['    target:', '      host: h', '      user: u', '      key: k', `      hostKey: ${FINGERPRINT}`] : []),
    ...(Object.keys(image).length > 0 ? ['    image:', ...Object.entries(image).map(([k, v]) => `      ${k}: ${v}`)] : []),
  ];
}

/** Values for an adapter's required image keys. */
const requiredImage = (adapter: GuestAdapter) => Object.fromEntries((adapter.image.required ?? []).map((key) => [key, `${key}.img`]));

describe('guest adapters: the only home of their OS facts', () => {
  let dir: string;
  let schema: Record<string, unknown>;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hb-registry-'));
    schema = JSON.parse(await readFile(await schemaFile(), 'utf8')) as Record<string, unknown>;
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function load(name: string, lines: string[]) {
    const file = path.join(dir, `${name}.yaml`);
    await writeFile(file, `${['guests:', ...lines].join('\n')}\n`);
    return loadConfig(file, { hostCpus: 4 });
  }

  it('has one adapter per id, os, reach and variant', () => {
    expect(new Set(ADAPTERS.map((a) => a.id)).size).to.equal(ADAPTERS.length);
    expect(new Set(ADAPTERS.map(describeAdapter)).size).to.equal(ADAPTERS.length);
    expect(guestOses()).to.deep.equal(['linux', 'sel4', 'minix', 'gnumach']);
  });

  for (const adapter of ADAPTERS) {
    describe(`${adapter.id} (${describeAdapter(adapter)})`, () => {
      it("configs/schema.json's image definition is the adapter's", () => {
        const definitions = schema['definitions'] as Record<string, Record<string, unknown>>;
        const definition = definitions[imageDefinition(adapter)]!;
        expect(definition['properties']).to.deep.equal(adapter.image.properties);
        expect(definition['required'] ?? []).to.deep.equal(adapter.image.required ?? []);
        expect(definition['description']).to.equal(adapter.image.description);
      });

      it("the config loader's image paths are the adapter's x-path keys, resolved against the config's folder", async () => {
        const declared = Object.fromEntries(Object.entries(adapter.image.properties).flatMap(([key, s]) => (s['x-path'] ? [[key, s['x-path']]] : [])));
        const guest = { os: adapter.os, reach: adapter.reach, ...(adapter.variant ? { variant: adapter.variant } : {}) };
        expect(imagePathKinds(schema, guest)).to.deep.equal(declared);
        const image = Object.fromEntries(Object.keys(declared).map((key) => [key, `rel/${key}`]));
        const config = await load(`paths-${adapter.id}`, guestLines(adapter, { ...requiredImage(adapter), ...image }));
        for (const key of Object.keys(declared)) expect(config.guests[0]!.image[key], key).to.equal(path.join(dir, 'rel', key));
      });

      it('a guest that names it gets it, and its data channel expects the STREAM_BEGIN of the adapter\'s OS', async () => {
        const config = await load(`select-${adapter.id}`, guestLines(adapter, requiredImage(adapter)));
        const guest = config.guests[0]!;
        expect(adapterFor(guest)).to.equal(adapter);
        expect(streamExpectation(guest).os).to.equal(adapter.os);
        expect(adapterById(adapter.id)).to.equal(adapter);
      });

      it('peers are allowed only where the adapter has them', async () => {
        const lines = [...guestLines(adapter, requiredImage(adapter)), '    peers: [perf]'];
        const outcome = await load(`peers-${adapter.id}`, lines).then(() => undefined, (error: unknown) => error);
        if (adapter.peers?.includes('perf')) expect(outcome, String(outcome)).to.equal(undefined);
        else expect((outcome as ConfigError).issues.map((i) => i.path)).to.include('guests[0].peers');
      });

      it('is found again from what a run directory records of its guests', () => {
        expect(recordedAdapter({ os: adapter.os, ...(adapter.reach === 'ssh' ? { reach: 'ssh' } : {}), ...(adapter.variant ? { variant: adapter.variant } : {}) })).to.equal(adapter);
        expect(adapter.displayName).to.not.equal('');
        expect(adapter.reproduction.text).to.not.equal('');
      });
    });
  }

  it('takes the first adapter of an OS and reach when no variant is named', () => {
    expect(adapterFor({ os: 'linux' })).to.equal(adapterById('linux'));
    expect(adapterFor({ os: 'linux', reach: 'ssh' })).to.equal(adapterById('ssh'));
    expect(() => adapterFor({ os: 'sel4', reach: 'ssh' })).to.throw(/expected a guest the harness has an adapter for \(os linux, variant initramfs; .*\), got os sel4, reach ssh/);
  });

  it('reads the manifests of runs from before reach and variant (os linux-disk, os ssh)', () => {
    expect(recordedAdapter({ os: 'linux-disk' })).to.equal(adapterById('linux-disk'));
    expect(recordedAdapter({ os: 'ssh' })).to.equal(adapterById('ssh'));
    expect(recordedAdapter({ os: 'linux' })).to.equal(adapterById('linux'));
    expect(recordedAdapter({ os: 'plan9' })).to.equal(undefined);
  });

  it('probes KVM with the Linux adapter', () => {
    expect(kvmProbeAdapter()).to.equal(adapterById('linux'));
  });

  it('a path key of an adapter that names the wrong kind of thing is a config error', async () => {
    const sel4 = adapterById('sel4')!;
    await mkdir(path.join(dir, 'a-dir'), { recursive: true });
    const outcome = await load('wrong-kind', guestLines(sel4, { kernel: 'a-dir' })).then(() => undefined, (error: unknown) => error);
    expect((outcome as ConfigError).issues.find((i) => i.path === 'guests[0].image.kernel')?.expected).to.equal('a path to a file, or to nothing yet (the guest is then skipped)');
  });
});
