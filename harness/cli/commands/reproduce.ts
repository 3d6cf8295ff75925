import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { Option, type Command } from 'commander';

import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors/usage-error.js';
import { projectRoot } from '../../paths.js';
import { resolveReference } from '../../published/load.js';
import { renderMarkdown, renderText } from '../../published/render.js';
import { reproduce } from '../../published/reproduce.js';
import { configForReference } from '../../published/run-config.js';
import { loadRunFigures, type RunFigures } from '../../published/run-figures.js';
import { runBenchmarks, type RunOutcome } from '../../runner/run.js';
import type { AccelChoice } from '../../units.js';
import { ExitCode } from '../exit-codes.js';
import { chooseReporterKind, createReporter } from '../progress/index.js';
import { ACCELS, type CommandContext } from './context.js';

interface ReproduceOptions {
  run: string[];
  config?: string;
  accel?: AccelChoice;
}

export function registerReproduce(program: Command, context: CommandContext): void {
  program
    .command('reproduce')
    .description("set a published reference's figures beside measured ones, from run directories or from a new run of the benchmarks it needs")
    .argument('<reference>', 'a reference id from configs/published (e.g. sel4-website-2026-08), or a path to a reference .yaml file')
    .option(
      '--run <dir>',
      'use the figures of this run directory instead of running (repeatable)',
      (dir: string, dirs: string[]) => [...dirs, dir],
      [] as string[],
    )
    .option('--config <file>', "run config to run when no --run is given (default: the reference's defaultConfig)")
    .addOption(new Option('--accel <accel>', "override the config's accelerator when running").choices(ACCELS))
    .action(async (id: string, opts: ReproduceOptions) => {
      const reference = await resolveReference(id);
      let runs: RunFigures[];
      let outputDir: string;
      if (opts.run.length > 0) {
        if (opts.config !== undefined || opts.accel !== undefined) {
          throw new UsageError(
            `expected either --run (figures from run directories) or --config/--accel (a new run), got both: --run ${opts.run.join(' --run ')} with ${opts.config !== undefined ? `--config ${opts.config}` : `--accel ${opts.accel}`}`,
          );
        }
        runs = await Promise.all(opts.run.map((dir) => loadRunFigures(path.resolve(dir))));
        outputDir = runs[0]!.dir;
      } else {
        const outcome = await runForReference(opts, reference, context);
        if (!outcome.complete) context.setExitCode(ExitCode.FAILED);
        runs = [await loadRunFigures(outcome.runDir)];
        outputDir = outcome.runDir;
      }
      const reproduction = reproduce(reference, runs);
      const markdownFile = path.join(outputDir, `reproduce-${reference.id}.md`);
      await writeFile(markdownFile, renderMarkdown(reproduction));
      process.stdout.write(`${renderText(reproduction)}\nwritten: ${markdownFile}\n`);
    });
}

/** Runs the reference's default config (or --config), narrowed to the guests and metrics it needs, with the normal progress reporter. */
async function runForReference(opts: ReproduceOptions, reference: Awaited<ReturnType<typeof resolveReference>>, context: CommandContext): Promise<RunOutcome> {
  const kind = chooseReporterKind({ json: false, isTTY: process.stderr.isTTY === true, term: process.env.TERM });
  const reporter = createReporter(kind, { stdout: process.stdout, stderr: process.stderr });
  try {
    const config = configForReference(await loadConfig(opts.config ?? path.join(projectRoot, reference.defaultConfig)), reference);
    const outcome = await runBenchmarks(config, { accel: opts.accel, emit: (event) => reporter.event(event), command: context.argv.slice(1) });
    reporter.finish(outcome);
    return outcome;
  } catch (error) {
    reporter.abort(error);
    throw error;
  }
}
