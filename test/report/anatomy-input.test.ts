import { expect } from 'chai';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ANATOMY_BYTES, parseAnatomyDocument, readAnatomyDocuments } from '../../harness/report/anatomy-input.js';
import type { GuestManifest } from '../../harness/rundir/manifest.js';
import { gnumachAnatomy } from './anatomy-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected an error');
}

const guest = { name: 'gnumach', anatomy: { metrics: 4 } } satisfies Pick<GuestManifest, 'name' | 'anatomy'>;
const FILE = 'run/guests/gnumach/anatomy.json';

describe("reading a guest's anatomy document (guests/<name>/anatomy.json)", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-anatomy-input-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes a document of the shape anatomy.ts declares', () => {
    const doc = gnumachAnatomy();
    expect(parseAnatomyDocument(JSON.stringify(doc), FILE, guest)).to.deep.equal(doc);
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(thrown(() => parseAnatomyDocument('{"format": ', FILE, guest)).message).to.match(
      /^expected run\/guests\/gnumach\/anatomy\.json to be a cost-anatomy document in JSON, got text that does not parse/,
    );
  });

  it('refuses a document of another shape, saying where and what it got', () => {
    const doc = gnumachAnatomy() as unknown as { metrics: Record<string, unknown>[]; bits: number };
    doc.metrics[1]!['windows'] = '10000';
    delete doc.metrics[2]!['transitions'];
    doc.bits = 16;
    expect(thrown(() => parseAnatomyDocument(JSON.stringify(doc), FILE, guest)).message).to.equal(
      'expected run/guests/gnumach/anatomy.json to be a cost-anatomy document (harness-anatomy/1, harness/analysis/anatomy.ts), got one that is not: ' +
        'at /bits must be equal to one of the allowed values (got 16); ' +
        'at /metrics/1/windows must be integer (got "10000"); ' +
        "at /metrics/2 must have required property 'transitions' (got " +
        JSON.stringify(doc.metrics[2]).slice(0, 57) +
        '...)',
    );
    expect(thrown(() => parseAnatomyDocument('[1, 2]', FILE, guest)).message).to.match(
      /got one that is not: at \(the document\) must be object \(got \[1,2\]\)$/,
    );
    const zeroOps = gnumachAnatomy();
    zeroOps.metrics[0]!.opsPerSample = 0;
    expect(thrown(() => parseAnatomyDocument(JSON.stringify(zeroOps), FILE, guest)).message).to.match(/at \/metrics\/0\/opsPerSample must be >= 1 \(got 0\)$/);
  });

  it("refuses another guest's document, and one with other than the manifest's count of metrics", () => {
    expect(thrown(() => parseAnatomyDocument(JSON.stringify({ ...gnumachAnatomy(), guest: 'linux' }), FILE, guest)).message).to.equal(
      `expected ${FILE} to be guest gnumach's anatomy document, got guest "linux"'s`,
    );
    expect(thrown(() => parseAnatomyDocument(JSON.stringify(gnumachAnatomy()), FILE, { name: 'gnumach', anatomy: { metrics: 7 } })).message).to.equal(
      `expected 7 metrics in ${FILE} (manifest.json anatomy.metrics), got 4`,
    );
  });

  it('reads the documents the manifest records, in its order, and names a missing or oversized one without reading it', async () => {
    const dir = join(root, 'run');
    await mkdir(join(dir, 'guests', 'gnumach'), { recursive: true });
    await writeFile(join(dir, 'guests', 'gnumach', 'anatomy.json'), JSON.stringify(gnumachAnatomy()));
    const guests = [{ name: 'linux' }, guest] as GuestManifest[];
    expect(await readAnatomyDocuments(dir, { guests })).to.deep.equal([gnumachAnatomy()]);

    const missing = [{ name: 'linux', anatomy: { metrics: 5 } }] as GuestManifest[];
    expect((await rejection(readAnatomyDocuments(dir, { guests: missing }))).message).to.equal(
      `expected ${join(dir, 'guests/linux/anatomy.json')} (manifest.json records an anatomy document for linux), got none readable`,
    );

    // Sparse: the size is all that is looked at.
    await truncate(join(dir, 'guests', 'gnumach', 'anatomy.json'), MAX_ANATOMY_BYTES + 1);
    expect((await rejection(readAnatomyDocuments(dir, { guests }))).message).to.equal(
      `expected ${join(dir, 'guests/gnumach/anatomy.json')} to be a cost-anatomy document of at most ${MAX_ANATOMY_BYTES} bytes, got ${MAX_ANATOMY_BYTES + 1} bytes`,
    );
  });
});
