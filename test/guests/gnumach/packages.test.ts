import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchGnuMachPackages } from '../../../harness/guests/gnumach/packages.js';
import { sha256Hex } from '../../../harness/hash.js';

/*
 * Issue 18: GNU Mach's packages at the versions apt gave last time, while they are in the cache,
 * without asking apt; `refresh` asks. apt-cache and dpkg are fakes on PATH that log each call.
 */
describe('GNU Mach packages from the cache (issue 18)', () => {
  let dir: string;
  let path: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-gnumach-cache-'));
    path = process.env.PATH;
    await mkdir(join(dir, 'bin'));
    // Knows nothing: a call is logged and fails, as the test expects none without refresh.
    for (const tool of ['apt-cache', 'apt-get']) {
      await writeFile(join(dir, 'bin', tool), `#!/bin/sh\necho "${tool} $*" >> '${join(dir, 'apt.log')}'\nexit 100\n`);
      await chmod(join(dir, 'bin', tool), 0o755);
    }
    process.env.PATH = `${join(dir, 'bin')}:${path ?? ''}`;
  });
  afterEach(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the versions apt gave last time from the cache without asking it, and asks with refresh', async () => {
    const cacheDir = join(dir, 'cache');
    const version = '2:1.8+git20221224-2';
    const entry = join(cacheDir, 'debian', 'packages', `gnumach-image-1.8-486_2%3a1.8+git20221224-2_i386`);
    await mkdir(join(entry, 'root'), { recursive: true });
    const record = { name: 'gnumach-image-1.8-486', version, architecture: 'i386', deb: 'g.deb', sha256: 'cd'.repeat(32), depends: '' };
    await writeFile(join(entry, 'package.json'), JSON.stringify(record));
    await writeFile(join(entry, '.complete'), '');
    const key = `gnumach-packages_${sha256Hex('gnumach-image-1.8-486').slice(0, 16)}_i386`;
    await mkdir(join(cacheDir, 'debian', 'resolved'), { recursive: true });
    await writeFile(join(cacheDir, 'debian', 'resolved', `${key}.json`), JSON.stringify({ versions: { 'gnumach-image-1.8-486': version }, resolvedAt: 'then' }));

    const messages: string[] = [];
    const [got] = await fetchGnuMachPackages(cacheDir, ['gnumach-image-1.8-486'], (m) => messages.push(m));
    expect(got).to.deep.include({ ...record, root: join(entry, 'root') });
    expect(messages).to.deep.equal([`gnumach: gnumach-image-1.8-486 ${version} from the cache (apt last asked then, --refresh asks again)`]);
    expect(await readFile(join(dir, 'apt.log'), 'utf8').catch(() => '')).to.equal('');

    await fetchGnuMachPackages(cacheDir, ['gnumach-image-1.8-486'], undefined, true).then(
      () => expect.fail('expected the fake apt to fail the refresh'),
      () => undefined,
    );
    expect(await readFile(join(dir, 'apt.log'), 'utf8')).to.not.equal('');
  });
});
