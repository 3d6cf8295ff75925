import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { cachedDirectory } from '../cache/atomic.js';
import { sha256Hex } from '../hash.js';

/** How to call apt-cache and apt-get for the packages of one architecture. */
export interface Apt {
  arch: string;
  /** `-o` options, given before the command. */
  options: string[];
  /** What to do when apt lacks a package or a version, for error messages. */
  advice: string;
  /** Removes what was made for this use only (a private apt whose lists are not kept). */
  release: () => Promise<void>;
}

export interface AptOptions {
  /** Where a private apt for a foreign architecture is kept (`<cacheDir>/debian/apt/`). */
  cacheDir?: string;
  log?: (message: string) => void;
}

/** Lines of apt-get update's output quoted in messages: its errors come last. */
const QUOTED_LINES = 12;

let hostArch: Promise<string> | undefined;

/** This host's dpkg architecture, asked once per process. */
export function hostArchitecture(): Promise<string> {
  hostArch ??= execa('dpkg', ['--print-architecture']).then(
    ({ stdout }) => stdout.trim(),
    (error: unknown) => {
      hostArch = undefined;
      throw new Error(`expected dpkg --print-architecture to name this host's architecture, it failed`, { cause: error });
    },
  );
  return hostArch;
}

/** As root, apt hands downloads to the _apt user, who cannot write into the harness's directories. */
const sandbox = (user: string) => (user === 'root' ? ['APT::Sandbox::User=root'] : []);

const asOptions = (settings: readonly string[]) => settings.flatMap((s) => ['-o', s]);

/** Options for the host's own apt: its lists, as the host's last apt-get update left them. */
export function hostAptOptions(user = userInfo().username): string[] {
  return asOptions(sandbox(user));
}

/**
 * Options for a private apt of one architecture under `dir`: its own lists, status file and
 * archive cache, the host's sources (Dir::Etc stays /etc/apt), so the host's dpkg architectures
 * and its own lists are never touched.
 */
export function privateAptOptions(dir: string, arch: string, user = userInfo().username): string[] {
  return asOptions([
    `Dir::State=${join(dir, 'state')}`,
    `Dir::State::status=${join(dir, 'state', 'status')}`,
    `Dir::Cache=${join(dir, 'cache')}`,
    // apt's binary caches in memory only: the lists are a cache entry, never changed once in place.
    'Dir::Cache::pkgcache=',
    'Dir::Cache::srcpkgcache=',
    `APT::Architecture=${arch}`,
    `APT::Architectures::=${arch}`,
    // Package lists only (no translations), kept compressed: about 20 MB for Debian 12's.
    'Acquire::Languages=none',
    'Acquire::GzipIndexes=true',
    'Debug::NoLocking=1',
    ...sandbox(user),
  ]);
}

/** The host's apt sources, hashed: a private apt's lists hold what these sources gave. */
export async function sourcesDigest(etc = '/etc/apt'): Promise<string> {
  const parts = (await readdir(join(etc, 'sources.list.d')).catch(() => [] as string[])).filter((f) => /\.(list|sources)$/.test(f)).sort();
  const files = [join(etc, 'sources.list'), ...parts.map((f) => join(etc, 'sources.list.d', f))];
  const texts = await Promise.all(files.map(async (file) => `${file}\0${await readFile(file, 'utf8').catch(() => '')}\0`));
  return sha256Hex(texts).slice(0, 16);
}

/** Runs `use` with apt for `arch`: the host's apt for its own architecture, else a private one. */
export async function withApt<T>(arch: string | undefined, options: AptOptions, use: (apt: Apt) => Promise<T>): Promise<T> {
  const host = await hostArchitecture();
  if (arch === undefined || arch === host) {
    return use({ arch: host, options: hostAptOptions(), advice: 'run apt-get update?', release: async () => undefined });
  }
  if (options.cacheDir === undefined) {
    throw new Error(`expected a cache directory to keep a private apt for ${arch} in (this host is ${host}), got none`);
  }
  const apt = await privateApt(arch, options.cacheDir, options.log ?? (() => undefined));
  try {
    return await use(apt);
  } finally {
    await apt.release();
  }
}

/** apt-get update left some index unfetched: its lists are used once, not kept. */
class IncompleteUpdate extends Error {}

/**
 * A private apt for `arch`, its lists fetched once per set of host sources and kept in the cache
 * (`<cacheDir>/debian/apt/<arch>-<sources digest>`), as the host's own are kept until the next
 * apt-get update: delete the entry to fetch newer lists. An update that fails in part (an
 * unreachable mirror, a source without this architecture) still serves this fetch, but is not
 * kept, so a transient failure cannot leave an incomplete view in the cache.
 */
async function privateApt(arch: string, cacheDir: string, log: (message: string) => void): Promise<Apt> {
  const key = `${arch}-${await sourcesDigest()}`;
  const advice = (dir: string) => `the private ${arch} apt's lists are under ${dir}; delete that directory to fetch newer ones`;
  try {
    const dir = await cachedDirectory(join(cacheDir, 'debian', 'apt'), key, async (work) => {
      log(`debian: apt-get update for ${arch} (private lists, kept in the cache)`);
      const update = await aptUpdate(work, arch);
      if (update.exitCode !== 0) throw new IncompleteUpdate(quoted(update));
    });
    return { arch, options: privateAptOptions(dir, arch), advice: advice(dir), release: async () => undefined };
  } catch (error) {
    if (!(error instanceof IncompleteUpdate)) throw error;
    log(`debian: apt-get update for ${arch} failed in part; using its lists for this fetch only:\n${error.message}`);
  }
  const dir = await mkdtemp(join(tmpdir(), `hb-apt-${arch}-`));
  try {
    await aptUpdate(dir, arch);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { arch, options: privateAptOptions(dir, arch), advice: advice(dir), release: () => rm(dir, { recursive: true, force: true }) };
}

function quoted(update: Result): string {
  return `(exit ${update.exitCode}):\n${String(update.all ?? '')
    .trim()
    .split('\n')
    .slice(-QUOTED_LINES)
    .join('\n')}`;
}

/** apt-get update into a fresh private apt under `dir`; throws when it fetched no package list at all. */
async function aptUpdate(dir: string, arch: string): Promise<Result> {
  await mkdir(join(dir, 'state', 'lists', 'partial'), { recursive: true });
  await mkdir(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  await writeFile(join(dir, 'state', 'status'), '');
  const update = await execa('apt-get', [...privateAptOptions(dir, arch), '-q', 'update'], { reject: false, all: true });
  await writeFile(join(dir, 'update.log'), `${String(update.all ?? '')}\n`);
  const lists = await readdir(join(dir, 'state', 'lists'));
  if (!lists.some((f) => f.includes(`binary-${arch}_Packages`))) {
    throw new Error(`expected apt-get update to fetch ${arch} package lists from the host's sources, got none ${quoted(update)}`, { cause: update });
  }
  return update;
}
