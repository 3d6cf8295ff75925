import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { runBenchmarks, type RunOutcome } from '../../runner/run.js';
import type { AccelChoice } from '../../units.js';
import { chooseReporterKind, createReporter } from '../progress/index.js';
import { ACCELS, type CommandContext } from './context.js';

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('boot every guest of CONFIG, run its benchmarks and archive a report under the results directory')
    .argument('<config>', 'YAML run configuration, e.g. configs/linux.yaml')
    .addOption(new Option('--accel <accel>', 'override the config\'s accelerator').choices(ACCELS))
    .option('--json', 'print every run event and then the summary as JSON lines on stdout, and nothing for people (see docs/progress.md)')
    .action(async (file: string, opts: { accel?: AccelChoice; json?: boolean }) => {
      const kind = chooseReporterKind({ json: opts.json === true, isTTY: process.stderr.isTTY === true, term: process.env.TERM });
      const reporter = createReporter(kind, { stdout: process.stdout, stderr: process.stderr });
      let outcome: RunOutcome;
      try {
        const config = await loadConfig(file);
        outcome = await runBenchmarks(config, { accel: opts.accel, emit: (event) => reporter.event(event), command: context.argv.slice(1) });
      } catch (error) {
        reporter.abort(error);
        throw error;
      }
      reporter.finish(outcome);
      if (!outcome.complete) context.setExitCode(1);
    });
}
