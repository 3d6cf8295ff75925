import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { existingArgument, maxMemoryOption } from './context.js';
import { createRunDirectory } from '../../rundir/create.js';
import { mergeRuns, type MergeSource } from '../../report/merge.js';
import { loadRunData } from '../../report/regenerate.js';
import { renderRunFiles, type RunFile } from '../../report/run-files.js';
import { writeAtomic } from '../../rundir/atomic.js';
import { checkOutputOutsideRuns } from '../../rundir/run-file.js';
import { contentChunks, type RunFileContent } from '../../report/run-file-content.js';

interface ReportOptions {
  maxMemoryMib: number;
  out?: string;
  baseline?: string;
  allowMixedModes?: boolean;
}

/** `DIR` or `DIR:guest,guest`; a colon is only a selector when what follows names guests, not a path. */
export function parseRunArgument(argument: string): { dir: string; guests?: string[] } {
  const match = /^(.*):([A-Za-z0-9_-]+(?:,[A-Za-z0-9_-]+)*)$/.exec(argument);
  if (!match) return { dir: argument };
  return { dir: match[1]!, guests: match[2]!.split(',') };
}

/**
 * Writes each file and says whether it was new, unchanged or rewritten. The file before is read
 * alongside what replaces it, a chunk at a time, and compared: samples.csv grows with the samples,
 * and holding both versions of it would cost more than everything else the report holds.
 */
export async function writeFiles(dir: string, files: readonly RunFile[]): Promise<string[]> {
  const lines: string[] = [];
  for (const file of files) lines.push(`${file.name}: ${await writeComparing(join(dir, file.name), file.content)}`);
  return lines;
}

async function writeComparing(path: string, content: RunFileContent): Promise<'written' | 'unchanged' | 'rewritten'> {
  const before = await open(path, 'r').catch(() => undefined);
  if (!before) {
    await writeAtomic(path, content);
    return 'written';
  }
  try {
    let same = true;
    let at = 0;
    const scratch = { bytes: Buffer.alloc(0) };
    async function* compared(): AsyncGenerator<Uint8Array, void, undefined> {
      for (const chunk of contentChunks(content)) {
        if (same) same = await sameBytes(before!, at, chunk, scratch);
        at += chunk.length;
        yield chunk;
      }
    }
    await writeAtomic(path, compared());
    // The handle still reads the file replaced: the rename left its inode to it.
    return same && (await before.stat()).size === at ? 'unchanged' : 'rewritten';
  } finally {
    await before.close();
  }
}

/** Whether the file holds `chunk` at `position`; `scratch` is a buffer reused from chunk to chunk. */
async function sameBytes(file: FileHandle, position: number, chunk: Uint8Array, scratch: { bytes: Buffer }): Promise<boolean> {
  if (scratch.bytes.length < chunk.length) scratch.bytes = Buffer.alloc(chunk.length);
  let filled = 0;
  while (filled < chunk.length) {
    const { bytesRead } = await file.read(scratch.bytes, filled, chunk.length - filled, position + filled).catch(() => ({ bytesRead: 0 }));
    if (bytesRead === 0) return false;
    filled += bytesRead;
  }
  return scratch.bytes.compare(chunk, 0, chunk.length, 0, chunk.length) === 0;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('regenerate the reports of a run from its raw data, or merge several runs into one comparison')
    .argument('<runs...>', 'run directories; RUN:guest,guest takes only those guests of RUN')
    .option('--out <dir>', 'write the reports here instead of into the run (always a new directory when merging)')
    .option('--baseline <guest>', "guest the cross-OS ratios are taken against (default: the config's report.baseline, else the first guest)")
    .option('--allow-mixed-modes', 'merge figures of different units (accelerator modes); they are still never compared')
    .addOption(maxMemoryOption())
    .action(async (runs: string[], opts: ReportOptions) => {
      const selections = runs.map(parseRunArgument);
      const sources: MergeSource[] = [];
      // A merge holds every run's samples at once: one bound for all of them.
      let heldSamples = 0;
      for (const { dir, guests } of selections) {
        const data = await loadRunData(resolve(await existingArgument(dir, 'a run directory')), { maxMemoryMiB: opts.maxMemoryMib, heldSamples });
        heldSamples += data.samples ?? 0;
        sources.push({ data, ...(guests ? { guests } : {}) });
      }
      const single = sources.length === 1 && !sources[0]!.guests;
      if (single && !opts.out) {
        const { data } = sources[0]!;
        const files = await renderRunFiles({
          manifests: [data.manifest],
          doc: data.doc,
          streams: data.streams,
          bootstrap: data.config.bootstrap,
          baseline: opts.baseline ?? data.config.report.baseline,
          anatomy: data.anatomy,
          figures: data.figures,
        });
        process.stdout.write(`${(await writeFiles(data.dir, files)).join('\n')}\nreports regenerated from raw data in ${data.dir}\n`);
        return;
      }
      // A merge always makes a new directory: never one of its runs, nor any run directory or a folder inside one.
      if (opts.out)
        await checkOutputOutsideRuns(
          opts.out,
          sources.map((s) => s.data.dir),
          'the merged report (--out) to be written',
        );
      const target = opts.out
        ? { runDir: resolve(opts.out), runId: resolve(opts.out).split('/').pop()! }
        : await createRunDirectory(dirname(sources[0]!.data.dir), 'merged');
      const { input, from } = mergeRuns(sources, { runId: target.runId, allowMixedModes: opts.allowMixedModes ?? false, baseline: opts.baseline });
      const files = await renderRunFiles(input);
      await mkdir(target.runDir, { recursive: true });
      const lines = await writeFiles(target.runDir, [...files, { name: 'merged-from.json', content: `${JSON.stringify(from, null, 2)}\n` }]);
      process.stdout.write(`${lines.join('\n')}\n${from.map((f) => `from ${f.dir}: ${f.guests.join(', ')}`).join('\n')}\nmerged report: ${target.runDir}\n`);
    });
}
