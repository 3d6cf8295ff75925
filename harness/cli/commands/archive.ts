import type { Command } from 'commander';
import { archiveRun } from '../../archive/archive-run.js';
import { recordedAdapter } from '../../guests/registry.js';

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
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
      const result = await archiveRun(run, {
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
        `check it with: npx harness verify ${result.file}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
