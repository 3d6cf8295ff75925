import { join, resolve } from 'node:path';

import type { Command } from 'commander';
import { projectRoot } from '../../paths.js';
import { archiveRun } from '../../archive/archive-run.js';
import { recordedAdapter } from '../../guests/registry.js';
import { existingArgument } from './context.js';

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that verifies `archive` from any folder: this checkout's bin/harness.js run by node
 * (`npx harness` finds the harness only inside its checkout).
 */
export function verifyCommand(archive: string): string {
  return ['node', join(projectRoot, 'bin', 'harness.js'), 'verify', resolve(archive)].map(shellWord).join(' ');
}

export function registerArchive(program: Command): void {
  program
    .command('archive')
    .description('write a run directory as one reproducible .tar.gz for a paper: raw data, logs, manifest, config, reports, SHA256SUMS and ARTIFACT.md')
    .argument('<run>', 'run directory')
    .option('-o, --output <file>', 'tarball to write (default: <run>.tar.gz beside the run directory)')
    .option('--force', 'replace a file already at the output path')
    .option('--allow-incomplete', 'archive a run whose manifest says it is incomplete (ARTIFACT.md says so)')
    .action(async (run: string, opts: { output?: string; allowIncomplete?: boolean; force?: boolean }) => {
      const result = await archiveRun(await existingArgument(run, 'a run directory'), {
        output: opts.output,
        allowIncomplete: opts.allowIncomplete,
        force: opts.force,
        notes: (guest) => recordedAdapter(guest)?.reproduction,
      });
      const lines = [
        `archived run ${result.runId}${result.complete ? '' : ' (INCOMPLETE run, archived with --allow-incomplete)'}: ${result.files} files, ${kib(result.bytes)}`,
        ...result.leftOut.map((f) => `left out ${f.path}: ${f.why}`),
        `archive: ${result.file}`,
        `sha256:  ${result.sha256}`,
        `check it with: ${verifyCommand(result.file)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
