import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDebianKernel } from '../../../harness/guests/linux/kernel.js';
import { fetchPerfTree, PERF_GUEST_PATH } from '../../../harness/guests/linux/perf.js';

/*
 * Issue 18: a kernel package already in the cache is used without asking apt, unless refresh is
 * asked for (`harness run --refresh`). apt-cache is a fake on PATH that logs each call and answers
 * from a table the test sets, so what apt is asked is observed directly.
 */

const META = 'linux-image-cloud-amd64';
const OLD = { package: 'linux-image-6.1.0-57-cloud-amd64', version: '6.1.192-3' };
const NEW = { package: 'linux-image-6.1.0-58-cloud-amd64', version: '6.1.200-1' };

/** A package's cache entry as harness/debian/packages.ts leaves it: its record and its unpacked tree. */
async function cacheEntry(cacheDir: string, pkg: { package: string; version: string }): Promise<void> {
  const entry = join(cacheDir, 'debian', 'packages', `${pkg.package}_${pkg.version}_amd64`);
  await mkdir(join(entry, 'root', 'boot'), { recursive: true });
  await writeFile(join(entry, 'root', 'boot', `vmlinuz-${pkg.package.slice('linux-image-'.length)}`), `kernel ${pkg.version}\n`);
  const record = { name: pkg.package, version: pkg.version, architecture: 'amd64', deb: `${pkg.package}_${pkg.version}_amd64.deb`, sha256: 'ab'.repeat(32), depends: '' };
  await writeFile(join(entry, 'package.json'), `${JSON.stringify(record)}\n`);
  // harness/cache/atomic.ts's marker of a finished entry.
  await writeFile(join(entry, '.complete'), '');
}

/** apt-cache that logs its arguments to `log` and describes the meta package as leading to `to`. */
async function fakeAptCache(bin: string, log: string, to: { package: string; version: string }): Promise<void> {
  await mkdir(bin, { recursive: true });
  const script = `#!/bin/sh
echo "$*" >> '${log}'
for a in "$@"; do
  case "$a" in
    ${META}:amd64*) printf 'Package: ${META}\\nVersion: 99\\nArchitecture: amd64\\nDepends: ${to.package} (= ${to.version})\\n\\n' ;;
    ${to.package}:amd64*) printf 'Package: ${to.package}\\nVersion: ${to.version}\\nArchitecture: amd64\\n\\n' ;;
  esac
done
`;
  await writeFile(join(bin, 'apt-cache'), script);
  await chmod(join(bin, 'apt-cache'), 0o755);
}

describe('Linux guest kernel package from the cache (issue 18)', () => {
  let dir: string;
  let cacheDir: string;
  let log: string;
  let path: string | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-kernel-cache-'));
    cacheDir = join(dir, 'cache');
    log = join(dir, 'apt-cache.log');
    await cacheEntry(cacheDir, OLD);
    await cacheEntry(cacheDir, NEW);
    path = process.env.PATH;
    process.env.PATH = `${join(dir, 'bin')}:${path ?? ''}`;
  });
  afterEach(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  const aptCalls = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

  it('asks apt the first time, then takes the version it found from the cache without asking again, and says so', async () => {
    await fakeAptCache(join(dir, 'bin'), log, OLD);
    const first = await fetchDebianKernel(META, cacheDir);
    expect(first).to.include({ package: OLD.package, version: OLD.version });
    expect(await aptCalls()).to.have.length.greaterThan(0);
    await writeFile(log, '');

    const messages: string[] = [];
    const second = await fetchDebianKernel(META, cacheDir, { log: (m) => messages.push(m) });
    expect(await aptCalls()).to.deep.equal([]);
    expect(second).to.deep.equal(first);
    expect(messages).to.deep.equal([
      `linux: ${META} is ${OLD.package} ${OLD.version} from the cache (${OLD.package}_${OLD.version}_amd64.deb, SHA-256 ${'ab'.repeat(32)}; apt last asked ${JSON.parse(await readFile(join(cacheDir, 'debian', 'resolved', `${META}_amd64.json`), 'utf8')).resolvedAt}, --refresh asks again)`,
    ]);
  });

  it('with refresh asks apt again and takes the version apt has now, which later calls then use', async () => {
    await fakeAptCache(join(dir, 'bin'), log, OLD);
    await fetchDebianKernel(META, cacheDir);
    // apt's candidate moves on (an apt-get update since): only a refresh sees it.
    await fakeAptCache(join(dir, 'bin'), log, NEW);
    expect(await fetchDebianKernel(META, cacheDir)).to.include(OLD);
    await writeFile(log, '');
    expect(await fetchDebianKernel(META, cacheDir, { refresh: true })).to.include({ package: NEW.package, version: NEW.version });
    expect((await aptCalls()).some((call) => call.includes(`${META}:amd64`))).to.equal(true);
    await writeFile(log, '');
    expect(await fetchDebianKernel(META, cacheDir)).to.include({ package: NEW.package, version: NEW.version });
    expect(await aptCalls()).to.deep.equal([]);
  });

  it('asks apt when the version it found last time is no longer in the cache', async () => {
    await fakeAptCache(join(dir, 'bin'), log, OLD);
    await fetchDebianKernel(META, cacheDir);
    await rm(join(cacheDir, 'debian', 'packages', `${OLD.package}_${OLD.version}_amd64`), { recursive: true });
    await fakeAptCache(join(dir, 'bin'), log, NEW);
    await writeFile(log, '');
    expect(await fetchDebianKernel(META, cacheDir)).to.include({ package: NEW.package, version: NEW.version });
    expect(await aptCalls()).to.have.length.greaterThan(0);
  });
});

describe('perf tree from the cache (issue 18)', () => {
  let dir: string;
  let path: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-perf-cache-'));
    path = process.env.PATH;
    // An apt-cache that fails the test's expectations if called: it logs, and knows nothing.
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'apt-cache'), `#!/bin/sh\necho "$*" >> '${join(dir, 'apt-cache.log')}'\nexit 100\n`);
    await chmod(join(dir, 'bin', 'apt-cache'), 0o755);
    process.env.PATH = `${join(dir, 'bin')}:${path ?? ''}`;
  });
  afterEach(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the tree the kernel version led to last time without asking apt, and asks with refresh', async () => {
    const cacheDir = join(dir, 'cache');
    const tree = join(cacheDir, 'linux', 'perf-6.1.192-3-0123456789abcdef');
    await mkdir(join(tree, 'root', 'usr', 'bin'), { recursive: true });
    await writeFile(join(tree, 'root', PERF_GUEST_PATH), 'perf\n');
    const packages = ['libc6=2.36-9', 'linux-perf=6.1.192-3'];
    await writeFile(join(tree, 'tree.json'), JSON.stringify({ version: '6.1.192-3', packages, files: [PERF_GUEST_PATH] }));
    await writeFile(join(tree, '.complete'), '');
    await mkdir(join(cacheDir, 'debian', 'resolved'), { recursive: true });
    const record = { tree: 'perf-6.1.192-3-0123456789abcdef', resolvedAt: '2026-12-01T00:00:00.000Z' };
    await writeFile(join(cacheDir, 'debian', 'resolved', 'linux-perf_for_6.1.192-3_amd64.json'), JSON.stringify(record));

    const messages: string[] = [];
    const got = await fetchPerfTree(cacheDir, '6.1.192-3', { log: (m) => messages.push(m) });
    expect(got).to.deep.include({ version: '6.1.192-3', packages, files: [PERF_GUEST_PATH], root: join(tree, 'root') });
    expect(messages).to.deep.equal([
      'linux: perf 6.1.192-3 (libc6=2.36-9 linux-perf=6.1.192-3) from the cache (apt last asked 2026-12-01T00:00:00.000Z, --refresh asks again)',
    ]);
    expect(await readFile(join(dir, 'apt-cache.log'), 'utf8').catch(() => '')).to.equal('');

    // With refresh apt is asked (this one knows nothing, so the fetch fails after asking).
    await fetchPerfTree(cacheDir, '6.1.192-3', { refresh: true }).then(
      () => expect.fail('expected the fake apt-cache to fail the refresh'),
      () => undefined,
    );
    expect(await readFile(join(dir, 'apt-cache.log'), 'utf8')).to.contain('linux-perf:amd64=6.1.192-3');
  });
});
