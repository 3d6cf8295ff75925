import { InvalidArgumentError, type Command } from 'commander';
import { compareFigures, DEFAULT_COMPARE, pairFigures } from '../../compare/compare.js';
import { loadRun } from '../../compare/load-run.js';
import { UsageError } from '../../errors/usage-error.js';
import { formatFigure, textTable } from '../../report/format.js';
import { existingArgument } from './context.js';

function pairOption(value: string): [string, string] {
  const parts = value.split(',');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InvalidArgumentError(`expected two names separated by a comma, got ${JSON.stringify(value)}`);
  return [parts[0], parts[1]];
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare figures of two runs (same guest and metric), or two guests or metrics of one run')
    .argument('<runA>', 'run directory: the baseline')
    .argument('[runB]', 'run directory compared with it (default: runA itself, with --guests or --metrics)')
    .option('--guests <a,b>', 'compare guest b with guest a', pairOption)
    .option('--metrics <a,b>', 'compare metric b (of runB) with metric a (of runA)', pairOption)
    .option('--threshold <fraction>', 'relative difference below which figures count as unchanged', Number, DEFAULT_COMPARE.noiseThreshold)
    .action(async (runA: string, runB: string | undefined, opts: { guests?: [string, string]; metrics?: [string, string]; threshold: number }) => {
      if (!runB && !opts.guests && !opts.metrics)
        throw new UsageError('expected a second run directory, or --guests or --metrics to compare within one run, got neither');
      const a = await loadRun(await existingArgument(runA, 'a run directory (runA)'));
      const b = runB ? await loadRun(await existingArgument(runB, 'a run directory (runB)')) : a;
      const pairs = pairFigures(a.figures, b.figures, { guests: opts.guests, metrics: opts.metrics });
      if (pairs.length === 0) throw new Error(`expected figures to pair between ${a.dir} and ${b.dir}, got none (different guests or metrics?)`);
      const rows = pairs.map(([fa, fb]) => {
        const c = compareFigures(fa, fb, { ...DEFAULT_COMPARE, noiseThreshold: opts.threshold });
        return [
          `${c.a.guest} ${c.a.metric}`,
          `${c.b.guest} ${c.b.metric}`,
          c.unit,
          formatFigure(c.a.median),
          formatFigure(c.b.median),
          `${c.ratio.toFixed(3)} [${c.ci95[0].toFixed(3)}, ${c.ci95[1].toFixed(3)}]`,
          c.mannWhitneyP < 1e-12 ? '<1e-12' : c.mannWhitneyP.toPrecision(2),
          c.verdict,
          c.why,
        ];
      });
      process.stdout.write(
        `A: ${a.runId}\nB: ${b.runId}\n${textTable(['A', 'B', 'unit', 'median A', 'median B', 'B/A [95% CI]', 'p', 'verdict', 'why'], rows)}\n`,
      );
    });
}
