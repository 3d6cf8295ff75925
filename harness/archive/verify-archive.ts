import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { regenerateRunData, type LoadOptions } from '../report/regenerate.js';
import { MemoryBoundError } from '../report/memory-bound.js';
import { compareReport, type ReportComparison } from './compare-reports.js';
import type { Manifest } from '../rundir/manifest.js';
import { isPlainRelativePath, rawInputs } from '../rundir/raw-inputs.js';
import { parseSha256Sums, SHA256SUMS } from './sha256sums.js';
import { extractTarball, type ExpansionBudget, type ExtractedFile, type ExtractedTarball } from './tarball.js';
import { parseRunManifest, readRunFile, runFileChunks } from '../rundir/run-file.js';

export interface FileCheck {
  /** Path inside the run's top folder. */
  path: string;
  /** 'list' for SHA256SUMS itself, which nothing covers; 'absent' for a report regenerated but neither archived nor listed. */
  checksum: 'ok' | 'mismatch' | 'not listed' | 'missing' | 'list' | 'absent';
  /** Why the checksum check failed. */
  checksumDetail?: string;
  /** Set for the report files derived again from the raw data. */
  regenerated?: ReportComparison;
}

export interface VerifyResult {
  archive: string;
  runId: string;
  /** Harness commit the run was made with, from its manifest; undefined when unreadable. */
  commit?: string;
  files: FileCheck[];
  /** Why the reports could not be derived again at all. */
  regenerationError?: Error;
  /** Raw data files that no longer read as the runner read them, each with the offset of its first bad record. */
  damaged: string[];
  /** One line per failure, each naming its file; empty when everything matched. */
  failures: string[];
}

function checkChecksums(files: ReadonlyMap<string, ExtractedFile>, listText: string | undefined): { checks: FileCheck[]; failures: string[] } {
  const checks: FileCheck[] = [];
  const failures: string[] = [];
  let sums = new Map<string, string>();
  if (listText === undefined) {
    failures.push(`${SHA256SUMS}: expected in the archive, got none, so no checksum could be checked`);
  } else {
    try {
      sums = parseSha256Sums(listText);
      checks.push({ path: SHA256SUMS, checksum: 'list' });
    } catch (error) {
      failures.push(`${SHA256SUMS}: ${(error as Error).message}`);
      checks.push({ path: SHA256SUMS, checksum: 'mismatch', checksumDetail: (error as Error).message });
    }
  }
  for (const [path, { sha256: actual }] of files) {
    if (path === SHA256SUMS) continue;
    const listed = sums.get(path);
    if (listed === undefined) {
      checks.push({ path, checksum: 'not listed', checksumDetail: `in the archive but not in ${SHA256SUMS}` });
      failures.push(`${path}: expected a line in ${SHA256SUMS}, got none (a file added after archiving?)`);
    } else if (listed !== actual) {
      checks.push({ path, checksum: 'mismatch', checksumDetail: `${SHA256SUMS} has ${listed}, the file hashes to ${actual}` });
      failures.push(`${path}: checksum mismatch: expected ${listed} (${SHA256SUMS}), got ${actual}`);
    } else {
      checks.push({ path, checksum: 'ok' });
    }
  }
  for (const path of sums.keys()) {
    if (files.has(path)) continue;
    checks.push({ path, checksum: 'missing', checksumDetail: `listed in ${SHA256SUMS} but not in the archive` });
    failures.push(`${path}: listed in ${SHA256SUMS}, got no such file in the archive`);
  }
  checks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { checks, failures };
}

/**
 * The archive's manifest, checked (rundir/run-file.ts) and to name only raw inputs that the archive
 * holds: regeneration reads the paths it names, and an archive from elsewhere must not make it read
 * outside it.
 */
async function manifestOf(extracted: ExtractedTarball): Promise<Manifest> {
  if (!extracted.files.has('manifest.json')) throw new Error('expected manifest.json in the archive, got none');
  const manifest = parseRunManifest((await readRunFile(extracted.dir, 'manifest.json', 'the run manifest')).toString('utf8'), 'manifest.json');
  for (const input of rawInputs(manifest)) {
    if (!isPlainRelativePath(input.path)) throw new Error(`expected manifest.json to name files inside the run folder, got ${JSON.stringify(input.path)}`);
    if (!input.optional && !extracted.files.has(input.path))
      throw new Error(`expected ${input.path} in the archive (manifest.json names it as raw data), got none`);
  }
  return manifest;
}

/** The reports derived again from the extracted raw data, compared with the archived ones (read from disk a chunk at a time). */
async function regenerate(extracted: ExtractedTarball, bound: LoadOptions): Promise<{ comparisons: ReportComparison[]; damaged: string[] }> {
  await manifestOf(extracted);
  const { files, damaged } = await regenerateRunData(extracted.dir, bound);
  const comparisons: ReportComparison[] = [];
  for (const file of files) {
    const held = extracted.files.has(file.name) ? () => runFileChunks(extracted.dir, file.name, 'an archived report') : undefined;
    comparisons.push(await compareReport(file, held, 'archived'));
  }
  return { comparisons, damaged };
}

export interface VerifyOptions {
  /** How far the archive may expand (tarball.ts defaultBudget: 200 times its size, at least 256 MiB, at most 16 GiB). */
  budget?: ExpansionBudget;
  /**
   * The memory bound of regenerating the reports (report/memory-bound.ts): an archive whose samples
   * would need more is refused before any is held. Unbounded when absent; the CLI's default is 2048.
   */
  maxMemoryMiB?: number;
}

/**
 * `harness verify`: extracts the archive to a temporary folder within its expansion budget, checks
 * every SHA256SUMS line against it, then derives the reports again from the archived raw data and
 * compares them byte for byte with the archived ones. A raw data file that no longer reads as the
 * runner read it is named first, with the offset of its first bad record.
 */
export async function verifyArchive(archive: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const root = await mkdtemp(join(tmpdir(), 'hb-verify-'));
  try {
    const extracted = await extractTarball(archive, root, options.budget);
    const list = extracted.files.has(SHA256SUMS) ? (await readRunFile(extracted.dir, SHA256SUMS, 'the checksum list')).toString('utf8') : undefined;
    const { checks, failures } = checkChecksums(extracted.files, list);
    const result: VerifyResult = { archive, runId: extracted.topFolder, files: checks, failures, damaged: [] };
    result.commit = await manifestOf(extracted).then(
      (m) => m.project?.commit,
      () => undefined, // Reported below, as the reason regeneration failed.
    );
    const bound = options.maxMemoryMiB === undefined ? {} : { maxMemoryMiB: options.maxMemoryMiB, subject: `archive ${archive}` };
    await compareRegenerated(extracted, result, bound);
    return result;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function compareRegenerated(extracted: ExtractedTarball, result: VerifyResult, bound: LoadOptions): Promise<void> {
  const { files: checks, failures } = result;
  try {
    const { comparisons, damaged } = await regenerate(extracted, bound);
    result.damaged = damaged;
    failures.push(...damaged);
    for (const comparison of comparisons) {
      const check = checks.find((c) => c.path === comparison.name);
      if (check) check.regenerated = comparison;
      else checks.push({ path: comparison.name, checksum: 'absent', regenerated: comparison });
      if (!comparison.identical) failures.push(`${comparison.name}: ${comparison.detail}`);
    }
  } catch (error) {
    // Beyond the memory bound the archive is refused, as beyond the disk budget: nothing was regenerated to compare.
    if (error instanceof MemoryBoundError) throw error;
    result.regenerationError = error as Error;
    failures.push(`reports: expected them to regenerate from the archived raw data, got an error: ${(error as Error).message}`);
  }
}
