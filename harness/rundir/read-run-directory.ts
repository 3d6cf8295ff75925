import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from './manifest.js';
import { isPlainRelativePath, rawInputs } from './raw-inputs.js';
import { checkConfigCopy, parseRunManifest, readRunFile } from './run-file.js';

/** One file of a run directory, as listed (not read: the archive copies and hashes it as a stream). */
export interface RunFileEntry {
  /** Path inside the run directory, `/`-separated. */
  path: string;
  /** Its size when listed. */
  size: number;
}

export interface RunDirectoryContents {
  dir: string;
  manifest: Manifest;
  /** Every file to archive, sorted by path. */
  files: RunFileEntry[];
  /** The config copy's text, checked against the manifest's SHA-256. */
  configText: string;
  /** Files found but not archived, each with why. */
  leftOut: { path: string; why: string }[];
}

/** Names the archive writes itself; a run directory that holds them (an extracted archive) has them replaced. */
export const GENERATED_FILES = ['ARTIFACT.md', 'SHA256SUMS'] as const;

/** writeAtomic's temporary name: what an interrupted write leaves behind, half a file. */
const WRITE_LEFTOVER = /\.tmp-\d+$/;

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, path, out);
    else if (entry.isFile()) out.push(path);
    else
      throw new Error(
        `expected only files and folders in run directory ${root}, got ${entry.isSymbolicLink() ? 'a symbolic link' : 'a special file'} at ${path}`,
      );
  }
}

/**
 * Lists every file of a run directory and checks that it holds what the reports are derived from: a
 * manifest, the config copy, results.json, and each boot's data channel with as many bytes as the
 * manifest says were decoded.
 */
export async function readRunDirectory(dir: string): Promise<RunDirectoryContents> {
  const stats = await lstat(dir).catch((error: unknown) => {
    throw new Error(`expected a run directory at ${dir}, got nothing readable there`, { cause: error });
  });
  if (!stats.isDirectory()) throw new Error(`expected a run directory at ${dir}, got a ${stats.isFile() ? 'file' : 'non-directory'}`);

  const paths: string[] = [];
  await walk(dir, '', paths);
  paths.sort();
  const leftOut: RunDirectoryContents['leftOut'] = [];
  const kept = paths.filter((path) => {
    if (WRITE_LEFTOVER.test(path)) leftOut.push({ path, why: 'temporary file of an interrupted write' });
    else if ((GENERATED_FILES as readonly string[]).includes(path)) leftOut.push({ path, why: 'the archive writes its own' });
    else return true;
    return false;
  });

  if (!kept.includes('manifest.json')) {
    throw new Error(
      `expected manifest.json in ${dir} (every run directory has one), got ${kept.length ? kept.slice(0, 8).join(', ') + (kept.length > 8 ? ', …' : '') : 'no files'}`,
    );
  }
  const files: RunFileEntry[] = [];
  for (const path of kept) files.push({ path, size: (await lstat(join(dir, path))).size });
  const manifest = parseRunManifest((await readRunFile(dir, 'manifest.json', 'the run manifest')).toString('utf8'), join(dir, 'manifest.json'));

  const missing: string[] = [];
  // Report files are checked by regenerating them (archive-run.ts), which also says how to write them.
  for (const input of rawInputs(manifest)) {
    if (!isPlainRelativePath(input.path))
      throw new Error(`expected the manifest in ${dir} to name files inside the run directory, got ${JSON.stringify(input.path)}`);
    const file = files.find((f) => f.path === input.path);
    if (!file) {
      if (!input.optional) missing.push(input.path);
    } else if (input.minBytes !== undefined && file.size < input.minBytes) {
      throw new Error(`expected at least ${input.minBytes} bytes in ${join(dir, input.path)} (manifest dataBytes), got ${file.size}`);
    }
  }
  if (missing.length) throw new Error(`expected the raw data of a run in ${dir} (manifest.json names it), got none at ${missing.join(', ')}`);
  const configText = await readRunFile(dir, manifest.config.copy, "the run's config copy");
  checkConfigCopy(dir, manifest, configText);
  return { dir, manifest, files, leftOut, configText: configText.toString('utf8') };
}
