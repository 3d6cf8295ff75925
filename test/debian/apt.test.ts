import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostAptOptions, privateAptOptions, sourcesDigest } from '../../harness/debian/apt.js';

describe('apt configurations', () => {
  it("gives a private apt its own state and cache directories and one architecture, leaving the host's sources", () => {
    const options = privateAptOptions('/c/apt', 'i386', 'someone');
    const values = options.filter((_, i) => i % 2 === 1);
    expect(options.filter((_, i) => i % 2 === 0).every((o) => o === '-o')).to.equal(true);
    expect(values).to.include.members([
      'Dir::State=/c/apt/state',
      'Dir::State::status=/c/apt/state/status',
      'Dir::Cache=/c/apt/cache',
      'APT::Architecture=i386',
      'APT::Architectures::=i386',
    ]);
    // apt's binary caches are never written into the (shared, finished) cache entry.
    expect(values).to.include.members(['Dir::Cache::pkgcache=', 'Dir::Cache::srcpkgcache=']);
    expect(values.some((v) => v.startsWith('Dir::Etc'))).to.equal(false);
    expect(values).not.to.include('APT::Sandbox::User=root');
    expect(privateAptOptions('/c/apt', 'i386', 'root')).to.include('APT::Sandbox::User=root');
    expect(privateAptOptions('/c/apt', 'arm64', 'someone')).to.include('APT::Architecture=arm64');
  });

  it("leaves the host's apt as it is, but for root keeping its downloads", () => {
    expect(hostAptOptions('someone')).to.deep.equal([]);
    expect(hostAptOptions('root')).to.deep.equal(['-o', 'APT::Sandbox::User=root']);
  });

  it('tells sets of host sources apart, whichever file they are in', async () => {
    const etc = await mkdtemp(join(tmpdir(), 'hb-apt-etc-'));
    try {
      await mkdir(join(etc, 'sources.list.d'));
      const empty = await sourcesDigest(etc);
      await writeFile(join(etc, 'sources.list.d', 'debian.sources'), 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n');
      const one = await sourcesDigest(etc);
      await writeFile(join(etc, 'sources.list.d', 'notes.txt'), 'not a source');
      expect(await sourcesDigest(etc)).to.equal(one);
      await writeFile(join(etc, 'sources.list'), 'deb http://deb.debian.org/debian bookworm main\n');
      const two = await sourcesDigest(etc);
      expect(new Set([empty, one, two]).size).to.equal(3);
      expect(one).to.match(/^[0-9a-f]{16}$/);
    } finally {
      await rm(etc, { recursive: true, force: true });
    }
  });
});
