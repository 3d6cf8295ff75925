import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';
import { Parser, type ReadEntry } from 'tar';
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
    for (const file of files) await stageFile(staging, topFolder, file.path, file.bytes);
    await packStaged(
      output,
      staging,
      topFolder,
      files.map((f) => f.path),
      mtime,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes `bytes` (or copies the file at `bytes`, without holding it) to `staging`/topFolder/path, mode 0644. */
export async function stageFile(staging: string, topFolder: string, path: string, bytes: Uint8Array | { copyOf: string }): Promise<string> {
  const target = join(staging, topFolder, path);
  await mkdir(dirname(target), { recursive: true });
  if (bytes instanceof Uint8Array) await writeFile(target, bytes, { flag: 'wx' });
  else await copyFile(bytes.copyOf, target, constants.COPYFILE_EXCL);
  await chmod(target, 0o644);
  return target;
}

/** The SHA-256 of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Packs the files staged under `staging`/topFolder (paths inside it) as writeReproducibleTarball describes. */
export async function packStaged(output: string, staging: string, topFolder: string, paths: readonly string[], mtime: Date): Promise<void> {
  const folders = new Set<string>([topFolder]);
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${topFolder}/${parts.slice(0, i).join('/')}`);
  }
  for (const folder of folders) await chmod(join(staging, folder), 0o755);
  // Parents sort before their contents; noDirRecurse keeps node-tar to this order.
  const entries = [...folders, ...paths.map((p) => `${topFolder}/${p}`)].sort();
  const temporary = `${output}.tmp-${process.pid}`;
  try {
    await tar.create({ file: temporary, cwd: staging, gzip: { level: 9 }, portable: true, mtime, noDirRecurse: true, strict: true }, entries);
    await rename(temporary, output);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`expected to write the archive ${output}, got an error`, { cause: error });
  }
}

export interface TarballContents {
  /** The one folder every entry is under. */
  topFolder: string;
  /** Path inside the top folder -> bytes, in archive order. */
  files: Map<string, Buffer>;
}

/**
 * How much an archive may expand to, in bytes: each entry's size as its header declares it (node-tar
 * refuses an entry that holds more than it declared) is checked before any of it is read, against
 * what is left of the total. A gzip bomb (1 MB holding 1 GiB of zeros) is refused at its header,
 * having written nothing. docs/archive.md states the bounds.
 */
export interface ExpansionBudget {
  /** Bytes all entries may hold together. */
  totalBytes: number;
}

/** The least budget, whatever the archive's size: a run's text files and raw data fit easily. */
export const MIN_EXPANSION_BYTES = 256 * 2 ** 20;
/** The most an archive may expand to its size: real runs compress well below it, a gzip bomb of zeros ~1000 times. */
export const MAX_EXPANSION_RATIO = 200;
/** The budget's ceiling, however large the archive. */
export const MAX_EXPANSION_BYTES = 16 * 2 ** 30;

/** The default budget for an archive of `compressedBytes`: 200 times its size, at least 256 MiB, at most 16 GiB. */
export function defaultBudget(compressedBytes: number): ExpansionBudget {
  return { totalBytes: Math.min(MAX_EXPANSION_BYTES, Math.max(MIN_EXPANSION_BYTES, MAX_EXPANSION_RATIO * compressedBytes)) };
}

/** node-tar's bound on bytes decompressed per compressed byte read so far (its default): gzip's own limit is about 1030. */
export const MAX_DECOMPRESSION_RATIO = 1000;
/** Bytes of the archive read at a time. */
const READ_BYTES = 16 * 1024;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** A file entry passed a scan's checks: its path inside the top folder and its stream. */
type OnFile = (path: string, entry: ReadEntry) => Promise<void>;

async function archiveSize(file: string): Promise<number> {
  const stats = await stat(file).catch((error: unknown) => {
    throw new Error(`expected an archive at ${file}, got nothing readable there`, { cause: error });
  });
  if (!stats.isFile()) throw new Error(`expected an archive file at ${file}, got a ${stats.isDirectory() ? 'directory' : 'special file'}`);
  return stats.size;
}

/** Why an entry is refused, or undefined for a file or folder a run directory may hold. */
function entryProblem(entry: ReadEntry, path: string): string | undefined {
  const isFolder = entry.type === 'Directory';
  if (!FILE_TYPES.has(entry.type) && !isFolder) {
    return `entry ${JSON.stringify(entry.path)}: expected a file or folder, got a ${entry.type}${entry.linkpath ? ` to ${JSON.stringify(entry.linkpath)}` : ''}`;
  }
  if (!isPlainRelativePath(path))
    return `entry ${JSON.stringify(entry.path)}: expected a relative path without '..', got one that would land outside the folder it is extracted to`;
  return undefined;
}

/**
 * Streams a tarball's entries, refusing anything that could write outside a folder it is extracted
 * to or that a run directory never holds: absolute paths, `..`, links, devices, an entry twice, or
 * entries outside a single top folder; and stopping at once at an entry that would take the
 * expansion past `budget`. Each file entry that passes is handed to `onFile`, one at a time, its
 * bytes streamed (never held whole here). Each refusal names the entry.
 */
async function scanTarball(file: string, budget: ExpansionBudget, onFile: OnFile): Promise<string> {
  await archiveSize(file);
  const problems: string[] = [];
  const topFolders = new Set<string>();
  const seen = new Set<string>();
  const pending: Promise<void>[] = [];
  let expanded = 0;
  let stopped: Error | undefined;
  // Small reads: node-tar holds what one read decompresses to while an entry's file is written (at most its ratio bound times this).
  const input = createReadStream(file, { highWaterMark: READ_BYTES });
  let current = '(before the first entry)';
  const parser = new Parser({
    strict: true,
    maxDecompressionRatio: MAX_DECOMPRESSION_RATIO,
    onReadEntry: (entry) => {
      current = entry.path;
      const isFolder = entry.type === 'Directory';
      const path = isFolder ? entry.path.replace(/\/$/, '') : entry.path;
      const problem =
        entryProblem(entry, path) ??
        (seen.has(path) ? `entry ${JSON.stringify(entry.path)}: expected each path once, got it again (a later copy would replace the first)` : undefined);
      if (problem) {
        problems.push(problem);
        entry.resume();
        return;
      }
      seen.add(path);
      const [top, ...rest] = path.split('/');
      topFolders.add(top!);
      if (isFolder) return entry.resume();
      if (rest.length === 0) {
        problems.push(`entry ${JSON.stringify(entry.path)}: expected files inside the run's top folder, got one at the top level`);
        return entry.resume();
      }
      const size = entry.size ?? 0;
      if (expanded + size > budget.totalBytes) {
        stopped ??= new Error(
          `refusing archive ${file}: entry ${JSON.stringify(entry.path)} expands beyond ${budget.totalBytes} bytes (${size} bytes declared, after ${expanded} bytes of other entries): ` +
            `more than the archive's expansion budget (docs/archive.md); a larger budget can be given with --max-expanded-bytes`,
        );
        input.destroy();
        return entry.resume();
      }
      expanded += size;
      pending.push(onFile(rest.join('/'), entry));
    },
  });
  await new Promise<void>((resolveDone, reject) => {
    input.on('error', reject);
    parser.on('error', reject);
    input.on('close', () => {
      if (stopped) resolveDone();
    });
    parser.on('end', () => resolveDone());
    input.pipe(parser);
  }).catch((error: unknown) => {
    if (/max decompression ratio exceeded/.test((error as Error).message)) {
      throw new Error(
        `refusing archive ${file}: entry ${JSON.stringify(current)} expands beyond ${MAX_DECOMPRESSION_RATIO} times the compressed bytes read so far (a gzip bomb; docs/archive.md)`,
        { cause: error },
      );
    }
    throw new Error(`expected a gzipped tar archive at ${file}, got one that does not read`, { cause: error });
  });
  const settled = await Promise.allSettled(pending);
  if (stopped) throw stopped;
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  if (topFolders.size > 1) problems.push(`expected every entry under one top folder (the run id), got ${[...topFolders].sort().join(', ')}`);
  if (problems.length) throw new Error(`refusing archive ${file}: ${problems.join('; ')}`);
  if (topFolders.size === 0) throw new Error(`expected a run folder in archive ${file}, got an empty archive`);
  return [...topFolders][0]!;
}

/**
 * Reads a tarball into memory, checked as scanTarball checks it (within `budget`, by default the
 * archive's). For tests and small archives: `harness verify` streams to disk with extractTarball.
 */
export async function readTarball(file: string, budget?: ExpansionBudget): Promise<TarballContents> {
  const files = new Map<string, Buffer>();
  const topFolder = await scanTarball(file, budget ?? defaultBudget(await archiveSize(file)), async (path, entry) => {
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise<void>((done) => entry.on('end', () => done()));
    files.set(path, Buffer.concat(chunks));
  });
  return { topFolder, files };
}

/** A file extracted: its size and SHA-256, computed as it streamed to disk. */
export interface ExtractedFile {
  bytes: number;
  sha256: string;
}

export interface ExtractedTarball {
  topFolder: string;
  /** The run folder written: `root`/topFolder. */
  dir: string;
  /** Path inside the top folder -> size and digest, in archive order. */
  files: Map<string, ExtractedFile>;
}

/**
 * Extracts a tarball under `root` (an empty folder of the caller's), streaming each entry to its
 * file and hashing it on the way: memory stays at a chunk or so whatever the entries' sizes, and
 * disk at `budget` (by default the archive's, defaultBudget). Checked as scanTarball checks.
 */
export async function extractTarball(file: string, root: string, budget?: ExpansionBudget): Promise<ExtractedTarball> {
  const files = new Map<string, ExtractedFile>();
  const topFolder = await scanTarball(file, budget ?? defaultBudget(await archiveSize(file)), async (path, entry) => {
    const [top] = entry.path.split('/');
    const target = join(root, top!, path);
    mkdirSync(dirname(target), { recursive: true });
    const out = createWriteStream(target, { flags: 'wx', mode: 0o644 });
    const hash = createHash('sha256');
    let bytes = 0;
    await new Promise<void>((done, reject) => {
      out.on('error', (error) => {
        entry.resume();
        reject(new Error(`expected to extract ${JSON.stringify(entry.path)} to ${target}, got an error`, { cause: error }));
      });
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        if (!out.write(chunk)) {
          entry.pause();
          out.once('drain', () => entry.resume());
        }
      });
      entry.on('end', () => out.end());
      out.on('close', () => done());
    });
    files.set(path, { bytes, sha256: hash.digest('hex') });
  });
  return { topFolder, dir: join(root, topFolder), files };
}
