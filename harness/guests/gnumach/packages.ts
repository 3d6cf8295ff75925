import { fetchPackages, type FetchedPackage } from '../../debian/packages.js';

/** The architecture GNU Mach's packages are fetched for: the amd64 build holds a 64-bit kernel QEMU's multiboot loader refuses. */
export const GNUMACH_ARCH = 'i386';

/**
 * GNU Mach's i386 packages `names`, at apt's candidate versions, each downloaded and unpacked once
 * into its own cache entry (harness/debian; on a host of another architecture through a private
 * i386 apt whose lists are kept in the cache). The records carry the versions and .deb hashes.
 */
export async function fetchGnuMachPackages(cacheDir: string, names: readonly string[], log?: (message: string) => void): Promise<FetchedPackage[]> {
  return fetchPackages(
    names.map((name) => ({ name, arch: GNUMACH_ARCH })),
    { cacheDir, ...(log ? { log } : {}) },
  );
}
