import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../cache/atomic.js';
import { withApt, type Apt, type AptOptions } from './apt.js';
import { matchStanzas, parseStanzas, type Stanza } from './control.js';
import { aptArgument, checkSpec, packageKey, type PackageSpec } from './spec.js';
import { sha256File, sha256Hex } from '../hash.js';

/** A package as apt's index describes it, before it is downloaded. */
export interface ResolvedPackage {
  name: string;
  version: string;
  /** The package's Architecture field: the architecture asked for, or `all`. */
  architecture: string;
  /** The .deb's SHA-256 as the index gives it, when it does. */
  sha256: string | undefined;
  /** The raw Depends field ('' when none). */
  depends: string;
}

/** What the provenance of anything taken from a Debian package records about it. */
export interface DebianPackage {
  name: string;
  version: string;
  architecture: string;
  /** The .deb's file name, as apt-get download saved it. */
  deb: string;
  /** SHA-256 of the .deb. */
  sha256: string;
  /** The .deb's Depends field ('' when none). */
  depends: string;
}

export interface FetchedPackage extends DebianPackage {
  /** The unpacked package (dpkg-deb -x): a tree laid out like the root file system. */
  root: string;
}

export type DebianOptions = AptOptions;

export interface FetchOptions extends DebianOptions {
  cacheDir: string;
  /**
   * Only these members of the package's file system (tar patterns, e.g.
   * `./usr/lib/debug/boot/System.map-*`), for a package far larger than the few files wanted from it
   * (a kernel's -dbg package: 1.7 GB unpacked, for a 4 MB System.map). Such an entry is cached apart
   * from the whole package's.
   */
  only?: readonly string[];
}

/** The record each package's cache entry keeps next to its unpacked tree. */
const RECORD = 'package.json';

/** Where package entries live: `<cacheDir>/debian/packages/<name>_<version>_<arch>`. */
export const packagesCache = (cacheDir: string) => join(cacheDir, 'debian', 'packages');

/** Each spec's exact version, architecture, .deb hash and Depends, as apt knows them now. */
export async function resolvePackages(specs: readonly PackageSpec[], options: DebianOptions = {}): Promise<ResolvedPackage[]> {
  return byArchitecture(specs, options, resolveWith);
}

/** Whether apt knows the package (at its version, if one is given). */
export async function packageKnown(spec: PackageSpec, options: DebianOptions = {}): Promise<boolean> {
  const [known] = await byArchitecture([spec], options, async (apt, group) => (await show(apt, group)).map((s) => s !== undefined));
  return known!;
}

/**
 * Downloads (apt-get download) and unpacks (dpkg-deb -x) each package once: its cache entry is
 * keyed by name, exact version and architecture, built atomically (harness/cache/atomic.ts), and
 * reused by every later fetch of that version. Versions left out are apt's candidates.
 */
export async function fetchPackages(specs: readonly PackageSpec[], options: FetchOptions): Promise<FetchedPackage[]> {
  return byArchitecture(specs, options, (apt, group) => fetchWith(apt, group, options));
}

export async function fetchPackage(spec: PackageSpec, options: FetchOptions): Promise<FetchedPackage> {
  const [fetched] = await fetchPackages([spec], options);
  return fetched!;
}

/**
 * The cache entry of exactly this version, read without asking apt (issue 18: each apt-cache call
 * costs more than a second); undefined when the cache has none. Its record is the one written when
 * the .deb was downloaded and checked against apt's index, so it names the same name, version and
 * .deb SHA-256 a fetch would. An `arch: all` package is looked for under `all` as well.
 */
export async function cachedPackage(spec: PackageSpec & { version: string; arch: string }, cacheDir: string): Promise<FetchedPackage | undefined> {
  checkSpec(spec);
  for (const arch of [spec.arch, 'all']) {
    const dir = join(packagesCache(cacheDir), packageKey(spec.name, spec.version, arch));
    if (existsSync(join(dir, RECORD))) return readRecord(dir);
  }
  return undefined;
}

/** Runs `each` once per architecture with that architecture's apt; results in the order of `specs`. */
async function byArchitecture<T>(specs: readonly PackageSpec[], options: AptOptions, each: (apt: Apt, group: PackageSpec[]) => Promise<T[]>): Promise<T[]> {
  const groups = new Map<string | undefined, number[]>();
  specs.forEach((spec, i) => groups.set(checkSpec(spec).arch, [...(groups.get(spec.arch) ?? []), i]));
  const results: T[] = new Array<T>(specs.length);
  for (const [arch, indexes] of groups) {
    const group = await withApt(arch, options, (apt) =>
      each(
        apt,
        indexes.map((i) => specs[i]!),
      ),
    );
    indexes.forEach((at, j) => (results[at] = group[j]!));
  }
  return results;
}

/** apt-cache show's stanza for each spec, from one call; undefined for those apt does not know. */
async function show(apt: Apt, specs: readonly PackageSpec[]): Promise<(Stanza | undefined)[]> {
  if (specs.length === 0) return [];
  const args = specs.map((s) => aptArgument(s.name, apt.arch, s.version));
  const result = await execa('apt-cache', [...apt.options, 'show', '--no-all-versions', ...args], { reject: false });
  // Exit code 100 is apt-cache knowing none of them: which are missing is said per package.
  if (result.failed && result.exitCode !== 100) {
    throw new Error(`expected apt-cache show to describe ${args.join(' ')}, got a failure: ${result.stderr || result.message}`, { cause: result });
  }
  return matchStanzas(specs, parseStanzas(result.stdout));
}

async function resolveWith(apt: Apt, specs: readonly PackageSpec[]): Promise<ResolvedPackage[]> {
  const stanzas = await show(apt, specs);
  const unknown = specs.filter((_, i) => stanzas[i] === undefined).map((s) => aptArgument(s.name, apt.arch, s.version));
  if (unknown.length > 0)
    throw new Error(
      `expected apt to know the Debian package${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, got nothing from apt-cache show (${apt.advice})`,
    );
  return stanzas.map((stanza, i) => {
    const { Package: name, Version: version, Architecture: architecture } = stanza!;
    if (!name || !version || (architecture !== apt.arch && architecture !== 'all')) {
      throw new Error(
        `expected apt-cache show ${aptArgument(specs[i]!.name, apt.arch, specs[i]!.version)} to give a version for ${apt.arch} or all, got Version ${version ?? 'none'}, Architecture ${architecture ?? 'none'}`,
      );
    }
    return { name, version, architecture, sha256: stanza!['SHA256'], depends: stanza!['Depends'] ?? '' };
  });
}

const keyOf = (p: ResolvedPackage) => packageKey(p.name, p.version, p.architecture);

/**
 * Packages without an entry yet are downloaded together (one apt-get call) into a staging
 * directory, then each entry is built from its .deb. An entry that turns out to be missing after
 * all (removed meanwhile) downloads its own .deb.
 */
async function fetchWith(apt: Apt, specs: readonly PackageSpec[], options: FetchOptions): Promise<FetchedPackage[]> {
  const { cacheDir, only } = options;
  const log = options.log ?? (() => undefined);
  const resolved = await resolveWith(apt, specs);
  const root = packagesCache(cacheDir);
  const entryKey = (p: ResolvedPackage) => (only ? `${keyOf(p)}.only-${sha256Hex(only.join('\0')).slice(0, 12)}` : keyOf(p));
  // Only a finished entry is ever in place under its key (atomic.ts), so its record means it is whole.
  const absent = [...new Map(resolved.filter((p) => !existsSync(join(root, entryKey(p), RECORD))).map((p) => [keyOf(p), p])).values()];
  const staging = absent.length > 0 ? await mkdtemp(join(tmpdir(), 'hb-debian-')) : undefined;
  try {
    const staged = staging ? await download(apt, absent, staging, log) : new Map<string, string>();
    const fetched: FetchedPackage[] = [];
    for (const pkg of resolved) {
      const dir = await cachedDirectory(root, entryKey(pkg), async (work) => {
        const deb = staged.get(keyOf(pkg)) ?? (await download(apt, [pkg], join(work, 'download'), log)).get(keyOf(pkg))!;
        await unpack(pkg, deb, work, only);
        await rm(join(work, 'download'), { recursive: true, force: true });
      });
      fetched.push(await readRecord(dir));
    }
    return fetched;
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

/** apt-get download of exactly these versions into `dir`; each package's .deb by its cache key. */
async function download(apt: Apt, packages: readonly ResolvedPackage[], dir: string, log: (message: string) => void): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  const args = packages.map((p) => aptArgument(p.name, apt.arch, p.version));
  log(`debian: downloading ${args.join(' ')}`);
  try {
    await execa('apt-get', [...apt.options, '-q', 'download', ...args], { cwd: dir });
  } catch (error) {
    throw new Error(`expected apt-get download to fetch ${args.join(' ')}, it failed (${apt.advice})`, { cause: error });
  }
  const debs = new Map<string, string>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.deb'))) {
    const { Package: name, Version: version, Architecture: arch } = await debFields(join(dir, file));
    if (!name || !version || !arch) throw new Error(`expected Package, Version and Architecture fields in ${join(dir, file)}, got ${name} ${version} ${arch}`);
    debs.set(packageKey(name, version, arch), join(dir, file));
  }
  const missing = packages.filter((p) => !debs.has(keyOf(p))).map(keyOf);
  if (missing.length > 0) {
    throw new Error(
      `expected apt-get download to leave ${missing.map((k) => `${k}.deb`).join(', ')} in ${dir}, got ${[...debs.keys()].map((k) => `${k}.deb`).join(', ') || 'none'}`,
    );
  }
  return debs;
}

async function debFields(deb: string): Promise<Stanza> {
  try {
    const { stdout } = await execa('dpkg-deb', ['--field', deb, 'Package', 'Version', 'Architecture', 'Depends']);
    return parseStanzas(stdout)[0] ?? {};
  } catch (error) {
    throw new Error(`expected ${deb} to be a Debian package dpkg-deb can read, it failed`, { cause: error });
  }
}

/** Checks the .deb is the package apt's index described, unpacks it into `work/root` and records it. */
async function unpack(pkg: ResolvedPackage, deb: string, work: string, only: readonly string[] | undefined): Promise<void> {
  const fields = await debFields(deb);
  const got = `${fields['Package']} ${fields['Version']} ${fields['Architecture']}`;
  if (got !== `${pkg.name} ${pkg.version} ${pkg.architecture}`) {
    throw new Error(`expected ${deb} to be ${pkg.name} ${pkg.version} ${pkg.architecture}, got ${got}`);
  }
  const sha256 = await sha256File(deb);
  if (pkg.sha256 !== undefined && sha256 !== pkg.sha256) {
    throw new Error(`expected ${deb} to have the SHA-256 apt's index gives, ${pkg.sha256}, got ${sha256}`);
  }
  await mkdir(join(work, 'root'));
  await (only ? extractMembers(deb, join(work, 'root'), only) : unpackAll(deb, join(work, 'root')));
  const record: DebianPackage = {
    name: pkg.name,
    version: pkg.version,
    architecture: pkg.architecture,
    deb: debName(deb),
    sha256,
    depends: fields['Depends'] ?? '',
  };
  await writeFile(join(work, RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

async function unpackAll(deb: string, root: string): Promise<void> {
  try {
    await execa('dpkg-deb', ['-x', deb, root]);
  } catch (error) {
    throw new Error(`expected dpkg-deb -x to unpack ${deb}, it failed`, { cause: error });
  }
}

/** The package's members that match `only`, out of its file system's tar stream (dpkg-deb --fsys-tarfile). */
async function extractMembers(deb: string, root: string, only: readonly string[]): Promise<void> {
  try {
    // Not buffered: the tar stream is the whole package (over a GB for a kernel's -dbg), more than execa's maxBuffer.
    await execa('dpkg-deb', ['--fsys-tarfile', deb], { buffer: false }).pipe('tar', ['-x', '-C', root, '--wildcards', ...only]);
  } catch (error) {
    throw new Error(`expected ${deb} to hold ${only.join(', ')}, extracting them failed`, { cause: error });
  }
}

const debName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

async function readRecord(dir: string): Promise<FetchedPackage> {
  const text = await readFile(join(dir, RECORD), 'utf8');
  const record = JSON.parse(text) as Partial<DebianPackage>;
  const fields = ['name', 'version', 'architecture', 'deb', 'sha256', 'depends'] as const;
  if (fields.some((f) => typeof record[f] !== 'string') || !/^[0-9a-f]{64}$/.test(record.sha256!)) {
    throw new Error(`expected ${join(dir, RECORD)} to record ${fields.join(', ')}, got:\n${text.slice(0, 400)}`);
  }
  return { ...(record as DebianPackage), root: join(dir, 'root') };
}
