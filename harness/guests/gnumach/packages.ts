import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';

/** The architecture GNU Mach's packages are fetched for: the amd64 build holds a 64-bit kernel QEMU's multiboot loader refuses. */
export const GNUMACH_ARCH = 'i386';

export interface FetchedPackage {
  name: string;
  version: string;
  /** The .deb's file name as apt-get download left it. */
  deb: string;
  debSha256: string;
}

export interface UnpackedPackages {
  /** Where every package was unpacked (dpkg-deb -x), one tree for all. */
  root: string;
  packages: FetchedPackage[];
}

const INFO = 'packages.json';

/**
 * apt options for a private i386 apt: its own lists, status file and archive cache under `dir`, the
 * host's sources (Dir::Etc stays /etc/apt), so the host's dpkg architectures and its own lists are
 * never touched. As root, apt would hand downloads to the _apt user, who cannot write into `dir`.
 */
export function privateAptOptions(dir: string, user = userInfo().username): string[] {
  const options = [
    `Dir::State=${join(dir, 'state')}`,
    `Dir::State::status=${join(dir, 'state', 'status')}`,
    `Dir::Cache=${join(dir, 'cache')}`,
    `APT::Architecture=${GNUMACH_ARCH}`,
    `APT::Architectures::=${GNUMACH_ARCH}`,
    'Debug::NoLocking=1',
    ...(user === 'root' ? ['APT::Sandbox::User=root'] : []),
  ];
  return options.flatMap((o) => ['-o', o]);
}

/** The Version field of `apt-cache show --no-all-versions` for one package, or undefined. */
export function candidateVersion(aptCacheShow: string): string | undefined {
  return aptCacheShow.match(/^Version: (\S+)$/m)?.[1];
}

/** A cache key from package names: which packages, for which architecture, nothing else. */
export function packagesKey(prefix: string, names: readonly string[]): string {
  return `${prefix}-${GNUMACH_ARCH}-${[...names].sort().join('+')}`.replace(/[^A-Za-z0-9._+-]/g, '_');
}

/**
 * Downloads the i386 packages `names` (apt's candidate versions) with a private apt configuration
 * and unpacks them into one tree, once: the cache entry (cacheDir/gnumach/<key>) is built in a
 * temporary directory and renamed into place whole, and keeps the versions and .deb hashes it was
 * built from in packages.json. A later run reuses it as it is; delete it to fetch newer versions.
 */
export async function fetchI386Packages(
  cacheDir: string,
  key: string,
  names: readonly string[],
  options: { log?: (message: string) => void; /** Runs on the unpacked tree before the entry is complete. */ finish?: (root: string) => Promise<void> } = {},
): Promise<UnpackedPackages> {
  const log = options.log ?? (() => undefined);
  const dir = await cachedDirectory(join(cacheDir, 'gnumach'), key, async (work) => {
    const apt = join(work, 'apt');
    await mkdir(join(apt, 'state', 'lists', 'partial'), { recursive: true });
    await mkdir(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
    await writeFile(join(apt, 'state', 'status'), '');
    const aptOptions = privateAptOptions(apt);
    log(`gnumach: apt-get update for ${GNUMACH_ARCH} (private lists in the cache)`);
    // One unreachable index (e.g. a security mirror mid-sync) fails the update without harming the
    // others; whether the packages are known afterwards is what counts.
    const update = await execa('apt-get', [...aptOptions, '-q', 'update'], { reject: false, all: true });
    const packages: FetchedPackage[] = [];
    const debs = join(work, 'debs');
    await mkdir(debs);
    for (const name of names) {
      const show = await execa('apt-cache', [...aptOptions, 'show', '--no-all-versions', name], { reject: false });
      const version = show.exitCode === 0 ? candidateVersion(show.stdout) : undefined;
      if (!version) {
        throw new Error(`expected Debian's ${GNUMACH_ARCH} package ${name} to be known to apt after apt-get update, got none; apt-get update said (exit ${update.exitCode}):\n${String(update.all ?? '').split('\n').slice(-12).join('\n')}`);
      }
      const before = new Set(await readdir(debs));
      log(`gnumach: downloading ${name}=${version} (${GNUMACH_ARCH})`);
      await execa('apt-get', [...aptOptions, '-q', 'download', `${name}:${GNUMACH_ARCH}=${version}`], { cwd: debs });
      const deb = (await readdir(debs)).find((f) => f.endsWith('.deb') && !before.has(f));
      if (!deb) throw new Error(`expected apt-get download ${name}=${version} to leave a .deb in ${debs}, got none`);
      const bytes = await readFile(join(debs, deb));
      const info = await execa('dpkg-deb', ['--field', join(debs, deb), 'Package', 'Version', 'Architecture']);
      const field = (k: string) => info.stdout.match(new RegExp(`^${k}: (.*)$`, 'm'))?.[1];
      if (field('Package') !== name || field('Version') !== version || field('Architecture') !== GNUMACH_ARCH) {
        throw new Error(`expected ${deb} to be ${name} ${version} for ${GNUMACH_ARCH}, got:\n${info.stdout}`);
      }
      await execa('dpkg-deb', ['-x', join(debs, deb), join(work, 'root')]);
      packages.push({ name, version, deb, debSha256: createHash('sha256').update(bytes).digest('hex') });
    }
    await options.finish?.(join(work, 'root'));
    await rm(apt, { recursive: true, force: true });
    await rm(debs, { recursive: true, force: true });
    await writeFile(join(work, INFO), `${JSON.stringify(packages, null, 2)}\n`);
  });
  const packages = JSON.parse(await readFile(join(dir, INFO), 'utf8')) as FetchedPackage[];
  return { root: join(dir, 'root'), packages };
}
