import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { formatCi, formatFigure, textTable } from '../../report/format.js';
import { runBenchmarks } from '../../runner/run.js';
import type { AccelChoice } from '../../units.js';
import { createReporter } from '../reporter.js';
import { ACCELS, type CommandContext } from './context.js';

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('boot every guest of CONFIG, run its benchmarks and archive a report under the results directory')
    .argument('<config>', 'YAML run configuration, e.g. configs/linux.yaml')
    .addOption(new Option('--accel <accel>', 'override the config\'s accelerator').choices(ACCELS))
    .action(async (file: string, opts: { accel?: AccelChoice }) => {
      const config = await loadConfig(file);
      const reporter = createReporter((line) => process.stderr.write(`${line}\n`));
      const outcome = await runBenchmarks(config, { accel: opts.accel, emit: reporter, command: context.argv.slice(1) });
      const rows = outcome.results.map((r) => [r.guest, r.metric, r.unit, String(r.n), formatFigure(r.median), formatCi(r.ci95)]);
      if (rows.length > 0) process.stdout.write(`${textTable(['guest', 'metric', 'unit', 'n', 'median', '95% CI'], rows)}\n`);
      for (const caveat of new Set(outcome.results.flatMap((r) => (r.caveat ? [`${r.unit}: ${r.caveat}`] : [])))) {
        process.stdout.write(`note: ${caveat}\n`);
      }
      for (const s of outcome.skipped) process.stdout.write(`skipped ${s.guest}${s.metric ? ` ${s.metric}` : ''}: ${s.reason}${s.howTo ? `; ${s.howTo}` : ''}\n`);
      for (const f of outcome.failed) process.stdout.write(`FAILED ${f.guest}${f.metric ? ` ${f.metric}` : ''}: ${f.reason.split('\n')[0]}\n`);
      process.stdout.write(`run directory: ${outcome.runDir}\n`);
      if (!outcome.complete) context.setExitCode(1);
    });
}
