import { cachedPackage, fetchPackages, type FetchedPackage } from '../../debian/packages.js';
import { readResolved, writeResolved } from '../../debian/resolved.js';
import { sha256Hex } from '../../hash.js';

/** The architecture GNU Mach's packages are fetched for: the amd64 build holds a 64-bit kernel QEMU's multiboot loader refuses. */
export const GNUMACH_ARCH = 'i386';

/** The versions apt gave for a set of names when it was last asked (harness/debian/resolved.ts). */
interface Resolution {
  versions: Record<string, string>;
  resolvedAt: string;
}

/**
 * GNU Mach's i386 packages `names`, at apt's candidate versions, each downloaded and unpacked once
 * into its own cache entry (harness/debian; on a host of another architecture through a private
 * i386 apt whose lists are kept in the cache). The records carry the versions and .deb hashes.
 * The versions apt gave are kept: while every one of them is in the cache, apt is not asked again
 * unless `refresh` (`harness run --refresh`; issue 18).
 */
export async function fetchGnuMachPackages(
  cacheDir: string,
  names: readonly string[],
  log?: (message: string) => void,
  refresh = false,
): Promise<FetchedPackage[]> {
  const key = `gnumach-packages_${sha256Hex(names.join(' ')).slice(0, 16)}_${GNUMACH_ARCH}`;
  const known = refresh ? undefined : await readResolved<Resolution>(cacheDir, key, (r) => typeof r.versions === 'object' && r.versions !== null);
  if (known && names.every((n) => typeof known.versions[n] === 'string')) {
    const cached = await Promise.all(names.map((name) => cachedPackage({ name, version: known.versions[name]!, arch: GNUMACH_ARCH }, cacheDir)));
    if (cached.every((p) => p !== undefined)) {
      log?.(`gnumach: ${cached.map((p) => `${p.name} ${p.version}`).join(', ')} from the cache (apt last asked ${known.resolvedAt}, --refresh asks again)`);
      return cached;
    }
  }
  const fetched = await fetchPackages(
    names.map((name) => ({ name, arch: GNUMACH_ARCH })),
    { cacheDir, ...(log ? { log } : {}) },
  );
  await writeResolved<Resolution>(cacheDir, key, { versions: Object.fromEntries(fetched.map((p) => [p.name, p.version])), resolvedAt: new Date().toISOString() });
  return fetched;
}
