import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../hash.js';
import { regenerateRunFiles } from '../report/regenerate.js';
import { compareReports, type ReportComparison } from './compare-reports.js';
import type { Manifest } from '../rundir/manifest.js';
import { isPlainRelativePath, rawInputs } from '../rundir/raw-inputs.js';
import { parseSha256Sums, SHA256SUMS } from './sha256sums.js';
import { readTarball, writeExtracted } from './tarball.js';

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
  /** One line per failure, each naming its file; empty when everything matched. */
  failures: string[];
}

function checkChecksums(files: ReadonlyMap<string, Buffer>): { checks: FileCheck[]; failures: string[] } {
  const checks: FileCheck[] = [];
  const failures: string[] = [];
  const listBytes = files.get(SHA256SUMS);
  let sums = new Map<string, string>();
  if (!listBytes) {
    failures.push(`${SHA256SUMS}: expected in the archive, got none, so no checksum could be checked`);
  } else {
    try {
      sums = parseSha256Sums(listBytes.toString('utf8'));
      checks.push({ path: SHA256SUMS, checksum: 'list' });
    } catch (error) {
      failures.push(`${SHA256SUMS}: ${(error as Error).message}`);
      checks.push({ path: SHA256SUMS, checksum: 'mismatch', checksumDetail: (error as Error).message });
    }
  }
  for (const [path, bytes] of files) {
    if (path === SHA256SUMS) continue;
    const listed = sums.get(path);
    const actual = sha256Hex(bytes);
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
 * The archive's manifest, checked to name only raw inputs that the archive holds: regeneration
 * reads the paths it names, and an archive from elsewhere must not make it read outside it.
 */
function manifestOf(files: ReadonlyMap<string, Buffer>): Manifest {
  const bytes = files.get('manifest.json');
  if (!bytes) throw new Error('expected manifest.json in the archive, got none');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch (error) {
    throw new Error('expected manifest.json to be JSON, got text that does not parse', { cause: error });
  }
  if (manifest?.schemaVersion !== 1 || !Array.isArray(manifest.guests)) {
    throw new Error(
      `expected manifest.json to be a run manifest (schemaVersion 1, a list of guests), got schemaVersion ${JSON.stringify(manifest?.schemaVersion)}`,
    );
  }
  for (const input of rawInputs(manifest)) {
    if (!isPlainRelativePath(input.path)) throw new Error(`expected manifest.json to name files inside the run folder, got ${JSON.stringify(input.path)}`);
    if (!input.optional && !files.has(input.path)) throw new Error(`expected ${input.path} in the archive (manifest.json names it as raw data), got none`);
  }
  return manifest;
}

async function regenerate(files: ReadonlyMap<string, Buffer>, topFolder: string): Promise<ReportComparison[]> {
  manifestOf(files);
  const root = await mkdtemp(join(tmpdir(), 'hb-verify-'));
  try {
    const runDir = await writeExtracted(root, { topFolder, files: new Map(files) });
    return compareReports(await regenerateRunFiles(runDir), files, 'archived');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * `harness verify`: checks every SHA256SUMS line against the archive, then derives the reports
 * again from the archived raw data and compares them byte for byte with the archived ones.
 */
export async function verifyArchive(archive: string): Promise<VerifyResult> {
  const { topFolder, files } = await readTarball(archive);
  const { checks, failures } = checkChecksums(files);
  const result: VerifyResult = { archive, runId: topFolder, files: checks, failures };
  try {
    result.commit = manifestOf(files).project?.commit;
  } catch {
    // Reported below, as the reason regeneration failed.
  }
  try {
    for (const comparison of await regenerate(files, topFolder)) {
      const check = checks.find((c) => c.path === comparison.name);
      if (check) check.regenerated = comparison;
      else checks.push({ path: comparison.name, checksum: 'absent', regenerated: comparison });
      if (!comparison.identical) failures.push(`${comparison.name}: ${comparison.detail}`);
    }
  } catch (error) {
    result.regenerationError = error as Error;
    failures.push(`reports: expected them to regenerate from the archived raw data, got an error: ${(error as Error).message}`);
  }
  return result;
}
