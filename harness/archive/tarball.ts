import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';
import { isPlainRelativePath } from '../rundir/raw-inputs.js';

export interface TarballFile {
  /** Path inside the top folder, `/`-separated. */
  path: string;
  bytes: Uint8Array;
}

/**
 * Writes `files` as a gzipped tarball under one top folder, byte-for-byte the same for the same
 * input: entries sorted, every file mode 0644 and folder 0755, every file's mtime `mtime`, no
 * uid/gid/user/group names (node-tar's `portable`), and a gzip header without timestamp or OS.
 * Written beside `output` and renamed, so an interrupted archive leaves no half tarball.
 */
export async function writeReproducibleTarball(output: string, topFolder: string, files: readonly TarballFile[], mtime: Date): Promise<void> {
  // node-tar packs from disk: stage exactly the bytes given, so what was hashed is what is packed.
  const staging = await mkdtemp(join(tmpdir(), 'hb-archive-'));
  try {
    const folders = new Set<string>([topFolder]);
    for (const file of files) {
      const parts = file.path.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(`${topFolder}/${parts.slice(0, i).join('/')}`);
    }
    for (const folder of folders) await mkdir(join(staging, folder), { recursive: true });
    for (const folder of folders) await chmod(join(staging, folder), 0o755);
    for (const file of files) {
      const path = join(staging, topFolder, file.path);
      await writeFile(path, file.bytes);
      await chmod(path, 0o644);
    }
    // Parents sort before their contents; noDirRecurse keeps node-tar to this order.
    const entries = [...folders, ...files.map((f) => `${topFolder}/${f.path}`)].sort();
    const temporary = `${output}.tmp-${process.pid}`;
    try {
      await tar.create({ file: temporary, cwd: staging, gzip: { level: 9 }, portable: true, mtime, noDirRecurse: true, strict: true }, entries);
      await rename(temporary, output);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new Error(`expected to write the archive ${output}, got an error`, { cause: error });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface TarballContents {
  /** The one folder every entry is under. */
  topFolder: string;
  /** Path inside the top folder -> bytes, in archive order. */
  files: Map<string, Buffer>;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Reads a tarball into memory, refusing anything that could write outside a folder it is extracted
 * to or that a run directory never holds: absolute paths, `..`, links, devices, an entry twice, or
 * entries outside a single top folder. Each refusal names the entry.
 */
export async function readTarball(file: string): Promise<TarballContents> {
  const stats = await stat(file).catch((error: unknown) => {
    throw new Error(`expected an archive at ${file}, got nothing readable there`, { cause: error });
  });
  if (!stats.isFile()) throw new Error(`expected an archive file at ${file}, got a ${stats.isDirectory() ? 'directory' : 'special file'}`);
  const problems: string[] = [];
  const files = new Map<string, Buffer>();
  const topFolders = new Set<string>();
  const seen = new Set<string>();
  try {
    await tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const isFolder = entry.type === 'Directory';
        const path = isFolder ? entry.path.replace(/\/$/, '') : entry.path;
        if (!FILE_TYPES.has(entry.type) && !isFolder) {
          problems.push(
            `entry ${JSON.stringify(entry.path)}: expected a file or folder, got a ${entry.type}${entry.linkpath ? ` to ${JSON.stringify(entry.linkpath)}` : ''}`,
          );
          return;
        }
        if (!isPlainRelativePath(path)) {
          problems.push(
            `entry ${JSON.stringify(entry.path)}: expected a relative path without '..', got one that would land outside the folder it is extracted to`,
          );
          return;
        }
        if (seen.has(path)) {
          problems.push(`entry ${JSON.stringify(entry.path)}: expected each path once, got it again (a later copy would replace the first)`);
          return;
        }
        seen.add(path);
        const [top, ...rest] = path.split('/');
        topFolders.add(top!);
        if (isFolder) return;
        if (rest.length === 0) {
          problems.push(`entry ${JSON.stringify(entry.path)}: expected files inside the run's top folder, got one at the top level`);
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => files.set(rest.join('/'), Buffer.concat(chunks)));
      },
    });
  } catch (error) {
    throw new Error(`expected a gzipped tar archive at ${file}, got one that does not read`, { cause: error });
  }
  if (topFolders.size > 1) problems.push(`expected every entry under one top folder (the run id), got ${[...topFolders].sort().join(', ')}`);
  if (problems.length) throw new Error(`refusing archive ${file}: ${problems.join('; ')}`);
  if (topFolders.size === 0) throw new Error(`expected a run folder in archive ${file}, got an empty archive`);
  return { topFolder: [...topFolders][0]!, files };
}

/** Writes what readTarball read under `root`/topFolder; paths were checked by readTarball. */
export async function writeExtracted(root: string, contents: TarballContents): Promise<string> {
  const base = join(root, contents.topFolder);
  await mkdir(base, { recursive: true });
  for (const [path, bytes] of contents.files) {
    const target = join(base, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes, { flag: 'wx' });
  }
  return base;
}
