import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { adapterFor } from '../guests/registry.js';
import { effectiveVcpus } from '../qemu/accel.js';
import { formatCi, formatFigure, textTable } from '../report/format.js';
import { runBenchmarks } from '../runner/run.js';
import type { AccelChoice, Accel } from '../units.js';
import { compareFigures, DEFAULT_COMPARE, pairFigures } from '../compare/compare.js';
import { loadRun } from '../compare/load-run.js';
import { createReporter } from './reporter.js';

const ACCELS: AccelChoice[] = ['auto', 'kvm', 'tcg', 'tcg-icount'];

function pairOption(value: string): [string, string] {
  const parts = value.split(',');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InvalidArgumentError(`expected two names separated by a comma, got ${JSON.stringify(value)}`);
  return [parts[0], parts[1]];
}

function printError(error: unknown): void {
  let message = '';
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 6; e = e instanceof Error ? e.cause : undefined, depth++) {
    const text = e instanceof Error ? e.message : String(e);
    message += depth === 0 ? `harness: ${text}\n` : `  caused by: ${text}\n`;
  }
  process.stderr.write(message);
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('harness')
    .description('Cross-OS microkernel benchmark harness: IPC, null system call and context switch under QEMU')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .description('boot every guest of CONFIG, run its benchmarks and archive a report under the results directory')
    .argument('<config>', 'YAML run configuration, e.g. configs/linux.yaml')
    .addOption(new Option('--accel <accel>', 'override the config\'s accelerator').choices(ACCELS))
    .action(async (file: string, opts: { accel?: AccelChoice }) => {
      const config = await loadConfig(file);
      const reporter = createReporter((line) => process.stderr.write(`${line}\n`));
      const outcome = await runBenchmarks(config, { accel: opts.accel, emit: reporter, command: argv.slice(1) });
      const rows = outcome.results.map((r) => [r.guest, r.metric, r.unit, String(r.n), formatFigure(r.median), formatCi(r.ci95)]);
      if (rows.length > 0) process.stdout.write(`${textTable(['guest', 'metric', 'unit', 'n', 'median', '95% CI'], rows)}\n`);
      for (const caveat of new Set(outcome.results.flatMap((r) => (r.caveat ? [`${r.unit}: ${r.caveat}`] : [])))) {
        process.stdout.write(`note: ${caveat}\n`);
      }
      for (const s of outcome.skipped) process.stdout.write(`skipped ${s.guest}${s.metric ? ` ${s.metric}` : ''}: ${s.reason}${s.howTo ? `; ${s.howTo}` : ''}\n`);
      for (const f of outcome.failed) process.stdout.write(`FAILED ${f.guest}${f.metric ? ` ${f.metric}` : ''}: ${f.reason.split('\n')[0]}\n`);
      process.stdout.write(`run directory: ${outcome.runDir}\n`);
      if (!outcome.complete) exitCode = 1;
    });

  program
    .command('build')
    .description('build (or find in the cache) the image of each guest of a config whose OS is given')
    .argument('<os>', 'guest OS to build, e.g. linux')
    .option('--config <file>', 'config whose guests and cache directory to use', 'configs/linux.yaml')
    .addOption(new Option('--accel <accel>', 'accelerator the image is for').choices(['kvm', 'tcg', 'tcg-icount']).default('tcg-icount'))
    .action(async (os: string, opts: { config: string; accel: Accel }) => {
      const config = await loadConfig(opts.config);
      const guests = config.guests.filter((g) => g.os === os);
      if (guests.length === 0) {
        throw new Error(`expected a guest with os ${os} in ${config.file}, got ${config.guests.map((g) => g.os).join(', ')}`);
      }
      for (const guest of guests) {
        const prepared = await adapterFor(guest.os).prepare(guest, {
          cacheDir: config.cacheDir,
          accel: opts.accel,
          vcpus: effectiveVcpus(opts.accel, guest.vcpus).vcpus,
          timeouts: config.timeouts,
          log: (message) => process.stderr.write(`[${guest.name}] ${message}\n`),
        });
        process.stdout.write(`${guest.name}: kernel ${prepared.boot.kernel ?? '(boots from disk)'}\n${guest.name}: initrd ${prepared.boot.initrd ?? '(none)'}\n`);
      }
    });

  program
    .command('compare')
    .description('compare figures of two runs (same guest and metric), or two guests or metrics of one run')
    .argument('<runA>', 'run directory: the baseline')
    .argument('[runB]', 'run directory compared with it (default: runA itself, with --guests or --metrics)')
    .option('--guests <a,b>', 'compare guest b with guest a', pairOption)
    .option('--metrics <a,b>', 'compare metric b (of runB) with metric a (of runA)', pairOption)
    .option('--threshold <fraction>', 'relative difference below which figures count as unchanged', Number, DEFAULT_COMPARE.noiseThreshold)
    .action(async (runA: string, runB: string | undefined, opts: { guests?: [string, string]; metrics?: [string, string]; threshold: number }) => {
      if (!runB && !opts.guests && !opts.metrics) throw new Error('expected a second run directory, or --guests or --metrics to compare within one run, got neither');
      const a = await loadRun(runA);
      const b = runB ? await loadRun(runB) : a;
      const pairs = pairFigures(a.figures, b.figures, { guests: opts.guests, metrics: opts.metrics });
      if (pairs.length === 0) throw new Error(`expected figures to pair between ${a.dir} and ${b.dir}, got none (different guests or metrics?)`);
      const rows = pairs.map(([fa, fb]) => {
        const c = compareFigures(fa, fb, { ...DEFAULT_COMPARE, noiseThreshold: opts.threshold });
        return [`${c.a.guest} ${c.a.metric}`, `${c.b.guest} ${c.b.metric}`, c.unit, formatFigure(c.a.median), formatFigure(c.b.median), `${c.ratio.toFixed(3)} [${c.ci95[0].toFixed(3)}, ${c.ci95[1].toFixed(3)}]`, c.mannWhitneyP < 1e-12 ? '<1e-12' : c.mannWhitneyP.toPrecision(2), c.verdict, c.why];
      });
      process.stdout.write(`A: ${a.runId}\nB: ${b.runId}\n${textTable(['A', 'B', 'unit', 'median A', 'median B', 'B/A [95% CI]', 'p', 'verdict', 'why'], rows)}\n`);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    printError(error);
    return 1;
  }
  return exitCode;
}
