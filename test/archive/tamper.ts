import { readTarball, writeReproducibleTarball } from '../../harness/archive/tarball.js';

/**
 * Rewrites an archive with its files changed by `change` (which may add, drop or alter files), the
 * way someone editing an extracted archive and packing it again would.
 */
export async function tamper(archive: string, output: string, change: (files: Map<string, Buffer>) => void): Promise<void> {
  const { topFolder, files } = await readTarball(archive);
  change(files);
  await writeReproducibleTarball(
    output,
    topFolder,
    [...files].map(([path, bytes]) => ({ path, bytes })),
    new Date(0),
  );
}

/** Flips one bit of the byte at `offset` (default: the middle) of a file. */
export function flipByte(files: Map<string, Buffer>, path: string, offset?: number): void {
  const bytes = files.get(path);
  if (!bytes) throw new Error(`expected ${path} in the archive, got ${[...files.keys()].join(', ')}`);
  const copy = Buffer.from(bytes);
  const at = offset ?? Math.floor(copy.length / 2);
  copy[at] = copy[at]! ^ 0x01;
  files.set(path, copy);
}
