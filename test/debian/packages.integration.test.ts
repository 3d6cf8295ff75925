import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hostArchitecture } from '../../harness/debian/apt.js';
import { fetchPackage, fetchPackages, packageKnown, packagesCache, resolvePackages } from '../../harness/debian/packages.js';

/**
 * The fetcher against the host's real apt and Debian's mirrors, with small packages (hello, about
 * 50 kB): the host's own architecture through the host's apt, i386 through a private one.
 */
describe('@host Debian packages fetched with apt', function () {
  this.timeout(10 * 60_000);
  let cacheDir: string;
  let host: string;
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'hb-debian-test-'));
    host = await hostArchitecture();
  });
  after(() => rm(cacheDir, { recursive: true, force: true }));

  it("resolves a name to apt's candidate, with the index's .deb hash, and knows which versions exist", async () => {
    const [hello] = await resolvePackages([{ name: 'hello' }]);
    const { stdout } = await execa('apt-cache', ['show', '--no-all-versions', 'hello']);
    expect(hello).to.include({ name: 'hello', architecture: host, version: /^Version: (.*)$/m.exec(stdout)![1] });
    expect(hello!.sha256).to.equal(/^SHA256: (.*)$/m.exec(stdout)![1]);
    expect(await packageKnown({ name: 'hello', version: hello!.version })).to.equal(true);
    expect(await packageKnown({ name: 'hello', version: '0.0-no-such-version' })).to.equal(false);
  });

  it("downloads, checks and unpacks a package once, recording name, version, architecture and the .deb's SHA-256", async () => {
    const logs: string[] = [];
    const [resolved] = await resolvePackages([{ name: 'hello' }]);
    const hello = await fetchPackage({ name: 'hello' }, { cacheDir, log: (m) => logs.push(m) });
    expect(hello).to.include({ name: 'hello', version: resolved!.version, architecture: host, sha256: resolved!.sha256 });
    expect(hello.deb).to.match(/^hello_.*\.deb$/);
    expect(existsSync(join(hello.root, 'usr', 'bin', 'hello'))).to.equal(true);
    expect(logs).to.have.length(1);
    const entry = join(packagesCache(cacheDir), `hello_${resolved!.version.replace(/:/g, '%3a')}_${host}`);
    expect(hello.root).to.equal(join(entry, 'root'));
    // The .deb is not kept; nothing but the finished entry is left (no temporary directory here or in TMPDIR).
    expect((await readdir(entry)).sort()).to.deep.equal(['.complete', 'package.json', 'root']);
    expect(await readdir(packagesCache(cacheDir))).to.deep.equal([`hello_${resolved!.version.replace(/:/g, '%3a')}_${host}`]);
    expect((await readdir(tmpdir())).filter((f) => f.startsWith('hb-debian-') && !cacheDir.endsWith(f))).to.deep.equal([]);

    const marker = (await stat(join(entry, '.complete'))).mtimeMs;
    const again = await fetchPackages([{ name: 'hello', version: resolved!.version }], { cacheDir, log: (m) => logs.push(m) });
    expect(again).to.deep.equal([hello]);
    expect(logs, 'no second download').to.have.length(1);
    expect((await stat(join(entry, '.complete'))).mtimeMs).to.equal(marker);
  });

  it('keeps only the members asked for, in an entry of its own, and says when none match', async () => {
    const hello = await fetchPackage({ name: 'hello' }, { cacheDir, only: ['./usr/bin/*'] });
    const files = await readdir(hello.root, { recursive: true });
    expect(files.sort()).to.deep.equal(['usr', 'usr/bin', 'usr/bin/hello']);
    expect(hello.root).to.match(/hello_.*\.only-[0-9a-f]{12}[/\\]root$/);
    const whole = await fetchPackage({ name: 'hello' }, { cacheDir });
    expect(whole.root, 'the whole package is another entry').to.not.equal(hello.root);
    expect(existsSync(join(whole.root, 'usr', 'share', 'doc', 'hello'))).to.equal(true);
    let error: Error | undefined;
    await fetchPackage({ name: 'hello' }, { cacheDir, only: ['./no/such/member'] }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/^expected \S*hello_.*\.deb to hold \.\/no\/such\/member, extracting them failed/);
  });

  it("fetches another architecture through a private apt kept in the cache, leaving the host's dpkg as it was", async () => {
    const foreign = host === 'i386' ? 'amd64' : 'i386';
    const before = (await execa('dpkg', ['--print-foreign-architectures'])).stdout;
    const logs: string[] = [];
    const hello = await fetchPackage({ name: 'hello', arch: foreign }, { cacheDir, log: (m) => logs.push(m) });
    expect(hello).to.include({ name: 'hello', architecture: foreign });
    expect(hello.sha256).to.match(/^[0-9a-f]{64}$/);
    const record = JSON.parse(await readFile(join(hello.root, '..', 'package.json'), 'utf8'));
    expect(record).to.deep.equal({
      name: 'hello',
      version: hello.version,
      architecture: foreign,
      deb: hello.deb,
      sha256: hello.sha256,
      depends: hello.depends,
    });
    // The binary is the foreign one: ELF class 1 is 32-bit, 2 is 64-bit.
    expect((await readFile(join(hello.root, 'usr', 'bin', 'hello')))[4], 'ELF class').to.equal(foreign === 'i386' ? 1 : 2);
    const apt = await readdir(join(cacheDir, 'debian', 'apt'));
    expect(apt).to.have.length(1);
    expect(apt[0]).to.match(new RegExp(`^${foreign}-[0-9a-f]{16}$`));
    expect(logs.filter((m) => m.includes('apt-get update'))).to.have.length(1);
    expect((await execa('dpkg', ['--print-foreign-architectures'])).stdout).to.equal(before);

    // The private lists are reused: a second resolve updates nothing.
    logs.length = 0;
    const [again] = await resolvePackages([{ name: 'hello', arch: foreign }], { cacheDir, log: (m) => logs.push(m) });
    expect(again!.version).to.equal(hello.version);
    expect(logs).to.deep.equal([]);
  });

  it('says which package apt does not know, and what to do', async () => {
    const missing = await fetchPackages([{ name: 'hello' }, { name: 'hb-no-such-package' }, { name: 'hello', version: '0.0-no-such-version' }], {
      cacheDir,
    }).catch((e: Error) => e);
    expect(missing).to.be.instanceOf(Error);
    expect((missing as Error).message).to.equal(
      `expected apt to know the Debian packages hb-no-such-package:${host}, hello:${host}=0.0-no-such-version, got nothing from apt-cache show (run apt-get update?)`,
    );
    const foreign = host === 'i386' ? 'amd64' : 'i386';
    const withoutCache = await resolvePackages([{ name: 'hello', arch: foreign }]).catch((e: Error) => e);
    expect((withoutCache as Error).message).to.equal(`expected a cache directory to keep a private apt for ${foreign} in (this host is ${host}), got none`);
  });
});
