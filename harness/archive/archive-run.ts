import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { checkOutputOutsideRuns } from '../rundir/run-file.js';
import { sha256Hex } from '../hash.js';
import { regenerateRunFiles } from '../report/regenerate.js';
import { ARTIFACT_README, artifactReadme, type GuestNotes } from './artifact-readme.js';
import { compareReport, type ReportComparison } from './compare-reports.js';
import { readRunDirectory, type RunDirectoryContents } from '../rundir/read-run-directory.js';
import { formatSha256Sums, SHA256SUMS } from './sha256sums.js';
import { packStaged, sha256OfFile, stageFile } from './tarball.js';

export interface ArchiveOptions {
  /** Default: `<run dir>.tar.gz` beside the run directory. */
  output?: string;
  /** How to get each guest's image again, for ARTIFACT.md (the guest adapters' notes). */
  notes?: GuestNotes;
  /** Archive a run whose manifest says `complete: false`; ARTIFACT.md says so. */
  allowIncomplete?: boolean;
  /** Replace a file already at the output path (refused otherwise). */
  force?: boolean;
}

export interface ArchiveResult {
  file: string;
  runId: string;
  /** Files in the archive, ARTIFACT.md and SHA256SUMS included. */
  files: number;
  bytes: number;
  sha256: string;
  complete: boolean;
  leftOut: RunDirectoryContents['leftOut'];
}

function checkComplete(run: RunDirectoryContents, allowIncomplete: boolean): void {
  if (run.manifest.complete || allowIncomplete) return;
  const failed = run.manifest.guests.filter((g) => g.status === 'failed').map((g) => `${g.name}${g.reason ? ` (${g.reason})` : ''}`);
  throw new Error(
    `expected a complete run in ${run.dir} (manifest.json complete: true), got complete: false` +
      `${failed.length ? `; failed: ${failed.join('; ')}` : run.manifest.finishedAt ? '' : '; the run did not finish'}` +
      '. Archive it anyway with --allow-incomplete: ARTIFACT.md will say it is incomplete',
  );
}

/**
 * Checks that the reports on disk are what the raw data gives, so that `harness verify` will pass
 * on the archive: better to refuse now than to publish an archive that fails its own check.
 */
async function checkRegeneration(run: RunDirectoryContents, staged: string): Promise<string[]> {
  let regenerated;
  try {
    regenerated = await regenerateRunFiles(run.dir);
  } catch (error) {
    throw new Error(`expected the reports of ${run.dir} to regenerate from its raw data (as harness verify will do), got an error`, { cause: error });
  }
  // The reports as they will be archived: the staged copies, read one at a time.
  const different: ReportComparison[] = [];
  for (const file of regenerated) {
    const held = run.files.some((f) => f.path === file.name) ? () => createReadStream(join(staged, file.name)) : undefined;
    const comparison = await compareReport(file, held, 'on disk');
    if (!comparison.identical) different.push(comparison);
  }
  if (different.length) {
    throw new Error(
      `expected the reports in ${run.dir} to be what its raw data gives (harness verify would fail on the archive), got: ${different.map((c) => `${c.name}: ${c.detail}`).join('; ')}. ` +
        `Write them from the raw data with \`harness report ${run.dir}\`, using the harness at the run's commit ${run.manifest.project.commit} (or this one, if the figures are to be what this code computes)`,
    );
  }
  return regenerated.map((f) => f.name);
}

function defaultOutput(dir: string): string {
  const absolute = resolve(dir);
  return join(dirname(absolute), `${basename(absolute)}.tar.gz`);
}

/**
 * `harness archive`: one reproducible .tar.gz of a run directory under a folder named after the run
 * id, with every file of the run, a generated ARTIFACT.md, and SHA256SUMS over all of them.
 */
export async function archiveRun(dir: string, options: ArchiveOptions = {}): Promise<ArchiveResult> {
  const run = await readRunDirectory(dir);
  checkComplete(run, options.allowIncomplete ?? false);
  const output = resolve(options.output ?? defaultOutput(dir));
  // Links resolved: an archive inside the run would end up in the run's next archive.
  await checkOutputOutsideRuns(output, [dir], 'the archive to be written');
  const existing = await lstat(output).catch(() => undefined);
  if (existing && !options.force) {
    throw new Error(
      `expected no file at ${output}, got ${existing.isDirectory() ? 'a directory' : 'one already'}: pass --force to replace it, or choose another -o`,
    );
  }
  if (existing?.isDirectory()) throw new Error(`expected the archive's path ${output} to be a file, got a directory`);
  // The run's start: the same for every archive of the run, unlike the files' own mtimes.
  const mtime = new Date(run.manifest.startedAt);
  if (Number.isNaN(mtime.getTime()))
    throw new Error(`expected an ISO date as startedAt in ${join(dir, 'manifest.json')}, got ${JSON.stringify(run.manifest.startedAt)}`);
  const staging = await mkdtemp(join(tmpdir(), 'hb-archive-'));
  try {
    await stageAndPack(run, staging, output, mtime, options);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return {
    file: output,
    runId: run.manifest.runId,
    files: run.files.length + 2,
    bytes: (await stat(output)).size,
    sha256: await sha256OfFile(output),
    complete: run.manifest.complete,
    leftOut: run.leftOut,
  };
}

/**
 * Copies the run's files into `staging` (never held in memory whole), checks its reports against
 * what its raw data gives, writes ARTIFACT.md and SHA256SUMS over the copies, and packs them: what
 * was hashed is what is packed, whatever happens to the run directory meanwhile.
 */
async function stageAndPack(run: RunDirectoryContents, staging: string, output: string, mtime: Date, options: ArchiveOptions): Promise<void> {
  const { manifest } = run;
  const sums: { path: string; sha256: string }[] = [];
  for (const file of run.files) {
    const staged = await stageFile(staging, manifest.runId, file.path, { copyOf: join(run.dir, file.path) });
    sums.push({ path: file.path, sha256: await sha256OfFile(staged) });
  }
  const regenerated = await checkRegeneration(run, join(staging, manifest.runId));
  const paths = [...run.files.map((f) => f.path), ARTIFACT_README, SHA256SUMS].sort();
  const readme = Buffer.from(
    artifactReadme({ manifest, configText: run.configText, paths, regenerated, ...(options.notes ? { notes: options.notes } : {}) }),
    'utf8',
  );
  await stageFile(staging, manifest.runId, ARTIFACT_README, readme);
  sums.push({ path: ARTIFACT_README, sha256: sha256Hex(readme) });
  sums.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await stageFile(staging, manifest.runId, SHA256SUMS, Buffer.from(formatSha256Sums(sums), 'utf8'));
  await packStaged(output, staging, manifest.runId, paths, mtime);
}
