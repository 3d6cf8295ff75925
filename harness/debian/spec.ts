/** A Debian package as asked for: its name, and optionally an exact version and an architecture. */
export interface PackageSpec {
  name: string;
  /** Exact version; apt's candidate when left out. */
  version?: string;
  /** dpkg architecture (amd64, i386, ...); the host's when left out. */
  arch?: string;
}

// Debian policy's character sets. Checking them keeps a spec from being read by apt as an option
// or a pattern, and a cache key from leaving its directory.
const NAME = /^[a-z0-9][a-z0-9.+-]+$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+~:-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;

/** Throws unless the spec's name, version and architecture are well formed. */
export function checkSpec(spec: PackageSpec): PackageSpec {
  const problem =
    (!NAME.test(spec.name) && `package name "${spec.name}"`) ||
    (spec.version !== undefined && !VERSION.test(spec.version) && `version "${spec.version}"`) ||
    (spec.arch !== undefined && !ARCH.test(spec.arch) && `architecture "${spec.arch}"`);
  if (problem) throw new Error(`expected a Debian package as name[:arch][=version], got the malformed ${problem}`);
  return spec;
}

/** Reads `name[:arch][=version]`, as apt writes it. */
export function parsePackageSpec(text: string): PackageSpec {
  const match = /^([^:=]+)(?::([^=]+))?(?:=(.+))?$/.exec(text.trim());
  if (!match) throw new Error(`expected a Debian package as name[:arch][=version], got "${text}"`);
  const [, name, arch, version] = match;
  return checkSpec({ name: name!, ...(arch !== undefined ? { arch } : {}), ...(version !== undefined ? { version } : {}) });
}

/** The argument apt-cache and apt-get take for a package of one architecture, at a version if given. */
export function aptArgument(name: string, arch: string, version?: string): string {
  return `${name}:${arch}${version !== undefined ? `=${version}` : ''}`;
}

/**
 * The cache key of one package: the name of its .deb as apt-get download saves it, without
 * `.deb` (an epoch's colon written %3a), so each name, version and architecture has its own.
 */
export function packageKey(name: string, version: string, arch: string): string {
  checkSpec({ name, version, arch });
  return `${name}_${version.replace(/:/g, '%3a')}_${arch}`;
}
