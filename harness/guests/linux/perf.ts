import { constants } from 'node:fs';
import { access, copyFile, lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory, finishedEntry } from '../../cache/atomic.js';
import { fetchPackages, packageKnown, resolvePackages, type FetchedPackage } from '../../debian/packages.js';
import { readResolved, writeResolved } from '../../debian/resolved.js';
import { parsePackageSpec, type PackageSpec } from '../../debian/spec.js';
import { LINUX_ARCH } from './kernel.js';
import { sha256File, sha256Hex } from '../../hash.js';

/**
 * Debian's perf, for the peer cross-check (config `peers: [perf]`): the binary and exactly the
 * shared libraries it loads, taken from Debian packages (harness/debian), never from the host system.
 */
export const PERF_PACKAGE = 'linux-perf';
/** Where the payload finds perf in the guest (guests/linux/peer.c). */
export const PERF_GUEST_PATH = 'usr/bin/perf';

export interface PerfTree {
  /** Directory laid out like the guest's root: usr/bin/perf, the dynamic loader, the libraries. */
  root: string;
  /** Files under root, relative, sorted. */
  files: string[];
  /** linux-perf's version. */
  version: string;
  /** Every package a file came from, "name=version", sorted. */
  packages: string[];
  /** SHA-256 of the perf binary. */
  sha256: string;
}

/** Library directories of an unpacked Debian amd64 tree, in the order the dynamic loader tries them. */
const LIBRARY_DIRS = ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu', 'lib64', 'lib', 'usr/lib'];

interface ElfDeps {
  needed: string[];
  interpreter: string | undefined;
}

/** NEEDED entries and the program interpreter of an ELF file, from `readelf` (binutils). */
export async function elfDeps(file: string): Promise<ElfDeps> {
  const { stdout } = await execa('readelf', ['-dlW', file]);
  const needed = [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
  const interpreter = stdout.match(/\[Requesting program interpreter: ([^\]]+)\]/)?.[1];
  return { needed, interpreter };
}

/** Package names from a Depends field: first alternative, no versions; `:any` ones are interpreters, not libraries. */
export function dependsNames(field: string): string[] {
  return field
    .split(',')
    .map((d) => d.trim().split('|')[0]!.trim().split(/[\s(]/)[0]!)
    .filter((name) => name && !name.endsWith(':any'))
    .map((name) => name.replace(/:.*$/, ''));
}

/** Follows symlinks inside an unpacked tree (absolute targets are relative to the tree's root). */
async function resolveInTree(root: string, rel: string): Promise<string | undefined> {
  let current = rel;
  for (let hops = 0; hops < 16; hops++) {
    const full = join(root, current);
    let stat;
    try {
      stat = await lstat(full);
    } catch {
      return undefined;
    }
    if (!stat.isSymbolicLink()) return stat.isFile() ? current : undefined;
    const target = await readlink(full);
    current = target.startsWith('/') ? posix.normalize(target.slice(1)) : posix.normalize(posix.join(posix.dirname(current), target));
    // Merged /usr: packages may point /lib/... at /usr/lib/... or the other way; try both.
    if (!(await exists(join(root, current)))) {
      const alternative = current.startsWith('usr/') ? current.slice(4) : `usr/${current}`;
      if (await exists(join(root, alternative))) current = alternative;
    }
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** One file of the closure: where it goes in the guest, which package file holds its bytes. */
interface ClosureFile {
  guestPath: string;
  pkg: FetchedPackage;
  source: string;
}

interface Closure {
  files: ClosureFile[];
  /** Sonames nothing fetched provides, with the packages of the files that need them. */
  missing: Map<string, Set<FetchedPackage>>;
}

/**
 * The perf binary, its program interpreter and every library it loads, transitively, found by
 * soname in the library directories of the unpacked packages (as the loader would without
 * /etc/ld.so.cache). Each library goes to the guest under the name it was asked for.
 */
async function closure(perf: { pkg: FetchedPackage; rel: string }, packages: readonly FetchedPackage[]): Promise<Closure> {
  const files: ClosureFile[] = [{ guestPath: PERF_GUEST_PATH, pkg: perf.pkg, source: join(perf.pkg.root, perf.rel) }];
  const missing = new Map<string, Set<FetchedPackage>>();
  const placed = new Set<string>([PERF_GUEST_PATH]);
  const findSoname = async (soname: string): Promise<{ guestPath: string; pkg: FetchedPackage; source: string } | undefined> => {
    for (const dir of LIBRARY_DIRS) {
      for (const pkg of packages) {
        const found = await resolveInTree(pkg.root, posix.join(dir, soname));
        if (found) return { guestPath: posix.join(dir, soname), pkg, source: join(pkg.root, found) };
      }
    }
    return undefined;
  };
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const deps = await elfDeps(file.source);
    const wanted: { guestPath?: string; soname: string }[] = deps.needed.map((soname) => ({ soname }));
    if (deps.interpreter) wanted.push({ guestPath: deps.interpreter.replace(/^\//, ''), soname: posix.basename(deps.interpreter) });
    for (const { guestPath, soname } of wanted) {
      const found = await findSoname(soname);
      if (!found) {
        missing.set(soname, (missing.get(soname) ?? new Set()).add(file.pkg));
        continue;
      }
      const target = guestPath ?? found.guestPath;
      if (placed.has(target)) continue;
      placed.add(target);
      files.push({ ...found, guestPath: target });
    }
  }
  return { files, missing };
}

/** The real perf binary in an unpacked linux-perf: /usr/bin/perf in bookworm, perf_<ver> or linux-tools-* elsewhere. */
async function findPerfBinary(pkg: FetchedPackage): Promise<string> {
  const candidates: string[] = [];
  const bin = join(pkg.root, 'usr', 'bin');
  for (const name of (await exists(bin)) ? (await readdir(bin)).sort() : []) {
    if (/^perf_\d/.test(name)) candidates.push(`usr/bin/${name}`);
  }
  const tools = join(pkg.root, 'usr', 'lib');
  for (const name of (await exists(tools)) ? (await readdir(tools)).sort() : []) {
    if (name.startsWith('linux-tools-')) candidates.push(`usr/lib/${name}/perf`);
  }
  candidates.push('usr/bin/perf');
  for (const candidate of candidates) {
    const rel = await resolveInTree(pkg.root, candidate);
    if (!rel) continue;
    const head = (await readFile(join(pkg.root, rel))).subarray(0, 4);
    if (head.readUInt32BE(0) === 0x7f454c46) return rel;
  }
  throw new Error(`expected an ELF perf binary in ${PERF_PACKAGE} ${pkg.version} (usr/bin/perf_*, usr/lib/linux-tools-*/perf or usr/bin/perf), found none`);
}

/**
 * Fetches the given packages, then keeps adding the Depends of every package whose files need a
 * soname nothing fetched yet provides, until perf's closure is complete. Returns the closure.
 */
async function resolveClosure(specs: readonly PackageSpec[], cacheDir: string): Promise<{ files: ClosureFile[]; perfPkg: FetchedPackage }> {
  const fetched: FetchedPackage[] = [];
  let pending = [...specs];
  for (let round = 0; round < 8 && pending.length > 0; round++) {
    // Each round's packages in the order of their .deb names, so a soname two of them provide is
    // always taken from the same one.
    fetched.push(...(await fetchPackages(pending, { cacheDir })).sort((a, b) => (a.deb < b.deb ? -1 : a.deb > b.deb ? 1 : 0)));
    pending = [];
    const perfPkg = fetched.find((p) => p.name === PERF_PACKAGE);
    if (!perfPkg) throw new Error(`expected ${PERF_PACKAGE} among the downloaded packages, got ${fetched.map((p) => p.name).join(', ')}`);
    const result = await closure({ pkg: perfPkg, rel: await findPerfBinary(perfPkg) }, fetched);
    if (result.missing.size === 0) return { files: result.files, perfPkg };
    const needing = new Set([...result.missing.values()].flatMap((s) => [...s]));
    const names = new Set(fetched.map((p) => p.name));
    for (const pkg of needing) {
      for (const name of dependsNames(pkg.depends)) {
        if (names.has(name)) continue;
        names.add(name);
        pending.push({ name, arch: LINUX_ARCH });
      }
    }
    if (pending.length === 0) {
      throw new Error(`expected the packages perf depends on to provide ${[...result.missing.keys()].join(', ')}, got none that do (fetched: ${fetched.map((p) => p.name).join(', ')})`);
    }
  }
  throw new Error(`expected perf's shared libraries to be found within 8 rounds of Depends, got no complete set`);
}

/** The linux-perf version built from the same source as the guest kernel when apt has it, else the candidate. */
export async function resolvePerfVersion(kernelVersion: string | undefined, cacheDir?: string): Promise<string> {
  if (kernelVersion && (await packageKnown({ name: PERF_PACKAGE, version: kernelVersion, arch: LINUX_ARCH }, { cacheDir }))) return kernelVersion;
  const [info] = await resolvePackages([{ name: PERF_PACKAGE, arch: LINUX_ARCH }], { cacheDir });
  return info!.version;
}

/**
 * perf and its libraries as a tree to copy into the initramfs, cached per version of every
 * package involved: a first cache entry (per linux-perf version) records which packages the
 * closure needs; the tree itself is keyed by their current versions, so a security update of
 * libc6 builds a new one. The packages themselves are cached one by one (harness/debian). Which
 * tree a kernel version led to is kept too (harness/debian/resolved.ts): while that tree is in the
 * cache, apt is not asked again unless `refresh` (`harness run --refresh`).
 */
export async function fetchPerfTree(cacheDir: string, kernelVersion?: string, options: { refresh?: boolean; log?: (message: string) => void } = {}): Promise<PerfTree> {
  const log = options.log ?? (() => undefined);
  const linuxCache = join(cacheDir, 'linux');
  // Which tree the kernel's version led to when apt was last asked (harness/debian/resolved.ts): still in the cache, it is used as it is.
  const resolvedKey = safe(`${PERF_PACKAGE}_for_${kernelVersion ?? 'candidate'}_${LINUX_ARCH}`);
  const known = options.refresh ? undefined : await readResolved<PerfResolution>(cacheDir, resolvedKey, (r) => typeof r.tree === 'string' && SAFE.test(r.tree));
  const cached = known && finishedEntry(linuxCache, known.tree);
  if (known && cached) {
    const tree = await perfTreeIn(cached);
    log(`linux: perf ${tree.version} (${tree.packages.join(' ')}) from the cache (apt last asked ${known.resolvedAt}, --refresh asks again)`);
    return tree;
  }
  const dir = await buildPerfTree(cacheDir, kernelVersion);
  await writeResolved<PerfResolution>(cacheDir, resolvedKey, { tree: basename(dir), resolvedAt: new Date().toISOString() });
  return perfTreeIn(dir);
}

interface PerfResolution {
  /** The tree's cache entry under `<cacheDir>/linux/`. */
  tree: string;
  resolvedAt: string;
}

const SAFE = /^[A-Za-z0-9._+-]+$/;
const safe = (s: string) => s.replace(/[^A-Za-z0-9._+-]/g, '_');

async function perfTreeIn(dir: string): Promise<PerfTree> {
  const tree: { version: string; packages: string[]; files: string[] } = JSON.parse(await readFile(join(dir, 'tree.json'), 'utf8'));
  const root = join(dir, 'root');
  const sha256 = await sha256File(join(root, PERF_GUEST_PATH));
  return { root, files: tree.files, version: tree.version, packages: tree.packages, sha256 };
}

/** The perf tree for the versions apt has now: its cache entry, built if new. */
async function buildPerfTree(cacheDir: string, kernelVersion: string | undefined): Promise<string> {
  const version = await resolvePerfVersion(kernelVersion, cacheDir);
  const linuxCache = join(cacheDir, 'linux');
  const namesDir = await cachedDirectory(linuxCache, safe(`perf-packages-${version}`), async (work) => {
    const { files } = await resolveClosure([{ name: PERF_PACKAGE, version, arch: LINUX_ARCH }], cacheDir);
    const names = [...new Set(files.map((f) => f.pkg.name))].sort();
    await writeFile(join(work, 'packages.json'), `${JSON.stringify(names)}\n`);
  });
  const names: string[] = JSON.parse(await readFile(join(namesDir, 'packages.json'), 'utf8'));
  const others = names.filter((n) => n !== PERF_PACKAGE);
  const current = await resolvePackages(others.map((name) => ({ name, arch: LINUX_ARCH })), { cacheDir });
  const versions = [`${PERF_PACKAGE}=${version}`, ...current.map((p) => `${p.name}=${p.version}`)].sort();
  const key = `perf-${version}-${sha256Hex(versions.join('\n')).slice(0, 16)}`;
  const dir = await cachedDirectory(linuxCache, safe(key), async (work) => {
    // Exactly these versions, so the tree matches its key; anything still missing is an error.
    const { files } = await resolveClosure(versions.map((v) => ({ ...parsePackageSpec(v), arch: LINUX_ARCH })), cacheDir);
    const root = join(work, 'root');
    for (const file of files) {
      await mkdir(join(root, dirname(file.guestPath)), { recursive: true });
      await copyFile(file.source, join(root, file.guestPath));
    }
    const used = [...new Set(files.map((f) => `${f.pkg.name}=${f.pkg.version}`))].sort();
    await writeFile(join(work, 'tree.json'), `${JSON.stringify({ version, packages: used, files: files.map((f) => f.guestPath).sort() }, null, 2)}\n`);
  });
  return dir;
}

/** Relative paths of the tree's directories, parents first, for a cpio member list. */
export function treeDirectories(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let d = posix.dirname(file); d !== '.' && d !== ''; d = posix.dirname(d)) dirs.add(d);
  }
  return [...dirs].sort();
}
