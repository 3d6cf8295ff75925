import { Option, type Command } from 'commander';
import { loadConfig, OVERRIDE_OPTIONS, parseOverrides, type OverrideArguments } from '../../config/index.js';
import { UsageError } from '../../errors/usage-error.js';
import { QemuProcess } from '../../qemu/process.js';
import { RunInterruptedError } from '../../lifecycle/interrupt.js';
import { resumeRun, runBenchmarks, type RunOutcome } from '../../runner/run.js';
import type { ExecutorKind } from '../../config/types.js';
import type { AccelChoice } from '../../units.js';
import { ExitCode, interruptedExitCode } from '../exit-codes.js';
import { chooseReporterKind, createReporter } from '../progress/index.js';
import { ACCELS, EXECUTORS, existingArgument, type CommandContext } from './context.js';

/** Signals that stop a run gracefully; the exit code is 128 + the signal's number, as a shell reports it. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** How long an interrupted run may take to exit once its outcome is written, before it is made to. */
const EXIT_GRACE_MS = 2000;

/**
 * Until the returned function is called, SIGINT and SIGTERM abort `controller` (the run stops at
 * once, QEMU is killed and reaped, the run directory written and marked interrupted). A second
 * signal does not wait: every QEMU is SIGKILLed and the process exits.
 */
export function stopOnSignals(controller: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      QemuProcess.killAllNow();
      process.exit(interruptedExitCode(signal));
    }
    controller.abort(new RunInterruptedError(signal));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}

/** `harness run`'s options as commander gives them. */
type RunArguments = OverrideArguments & { accel?: AccelChoice; executor?: ExecutorKind; json?: boolean; resume?: string; anatomy?: boolean; refresh?: boolean };

/** Options that exclude each other, or a missing config: a usage error before anything is read. */
function checkRunArguments(file: string | undefined, opts: RunArguments): void {
  if (opts.resume !== undefined && file !== undefined)
    throw new UsageError(
      `expected either a config or --resume RUN_DIR, got both (${file} and --resume ${opts.resume}); a resumed run uses the config it was started with`,
    );
  if (opts.resume !== undefined && opts.accel !== undefined)
    throw new UsageError('expected no --accel with --resume: a resumed run keeps the accelerator it was started with');
  if (opts.resume !== undefined && opts.executor !== undefined)
    throw new UsageError('expected no --executor with --resume: a resumed run keeps the executor it was started with');
  if (opts.resume !== undefined && opts.anatomy === true)
    throw new UsageError(
      'expected no --anatomy with --resume: a resumed run does the anatomy boots its first command line asked for (manifest.json `anatomy`), and no others',
    );
  if (opts.resume === undefined && file === undefined)
    throw new UsageError('expected a config file (e.g. configs/linux.yaml) or --resume RUN_DIR, got neither');
  const overridden = OVERRIDE_OPTIONS.filter((key) => opts[key] !== undefined);
  if (opts.resume !== undefined && overridden.length > 0)
    throw new UsageError(
      `expected no ${overridden.map((key) => `--${key}`).join(', ')} with --resume: a resumed run keeps the config and the command-line overrides it was started with (manifest.json \`overrides\`)`,
    );
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('boot every guest of CONFIG, run its benchmarks and archive a report under the results directory; or finish an interrupted run with --resume')
    .argument('[config]', 'YAML run configuration, e.g. configs/linux.yaml (not with --resume)')
    .addHelpText(
      'after',
      "\nA quick run of part of a config: harness run configs/all.yaml --guest sel4,linux --bench 'ipc.*' --iters 100000 --warmup 1000 --boots 3.\n" +
        "--guest, --bench, --iters, --warmup and --boots are recorded in the run's manifest.json (overrides), named in report.md and report.html,\n" +
        'and applied again by its Slurm jobs, harness report and harness verify; --resume takes none of them (the run keeps its own).',
    )
    .addOption(new Option('--accel <accel>', "override the config's accelerator").choices(ACCELS))
    .addOption(
      new Option(
        '--executor <executor>',
        "override the config's executor.kind: run the jobs here (local) or submit them to Slurm (slurm; docs/executors.md)",
      ).choices(EXECUTORS),
    )
    .option(
      '--resume <run-dir>',
      'finish the run in RUN_DIR that was interrupted (SIGINT, SIGTERM) or killed: boots that finished are kept, the rest run (see docs/reliability.md)',
    )
    .option('--guest <names>', 'run only these guests of the config (comma-separated names, e.g. sel4,linux); an unknown name is a usage error')
    .option('--bench <globs>', "replace every guest's benchmarks.include with these metric names or globs (comma-separated, e.g. 'ipc.*,syscall.null')")
    .option('--iters <n>', "replace every guest's benchmarks.iterations: timed samples per benchmark, 1 to 10000000")
    .option('--warmup <n>', "replace every guest's benchmarks.warmup: untimed iterations first, 0 to 10000000")
    .option('--boots <n>', "replace every guest's benchmarks.boots: boots per guest, 1 to 100")
    .option('--json', 'print every run event and then the summary as JSON lines on stdout, and nothing for people (see docs/progress.md)')
    .option(
      '--anatomy',
      "after each guest's timed boots, one more boot with the cost-anatomy plugin (tcg-icount; guests/<name>/anatomy.json, see docs/anatomy.md), as `anatomy: true` would; under either executor, and kept by --resume (not given with it)",
    )
    .option(
      '--refresh',
      'ask apt again which version each Debian package (e.g. the Linux kernel package) is; without it a version already in the cache is used as it is, and the log names it; with accel auto, also probe KVM again rather than use the outcome kept for this host boot',
    )
    .action(async (file: string | undefined, opts: RunArguments) => {
      checkRunArguments(file, opts);
      const overrides = parseOverrides(opts);
      const kind = chooseReporterKind({ json: opts.json === true, isTTY: process.stderr.isTTY === true, term: process.env.TERM });
      const reporter = createReporter(kind, { stdout: process.stdout, stderr: process.stderr });
      const controller = new AbortController();
      const release = stopOnSignals(controller);
      let outcome: RunOutcome;
      try {
        const options = {
          emit: (event: Parameters<typeof reporter.event>[0]) => reporter.event(event),
          command: context.argv.slice(1),
          signal: controller.signal,
          refresh: opts.refresh === true,
        };
        outcome =
          opts.resume !== undefined
            ? await resumeRun(await existingArgument(opts.resume, 'a run directory to resume'), options)
            : await runBenchmarks(await loadConfig(file!, overrides ? { overrides } : {}), {
                ...options,
                accel: opts.accel,
                executor: opts.executor,
                anatomy: opts.anatomy === true,
                ...(overrides ? { overrides } : {}),
              });
      } catch (error) {
        reporter.abort(error);
        throw error;
      } finally {
        release();
      }
      reporter.finish(outcome);
      const reason: unknown = controller.signal.reason;
      if (outcome.interrupted && reason instanceof RunInterruptedError) {
        const code = interruptedExitCode(reason.signal as NodeJS.Signals);
        context.setExitCode(code);
        // Whatever is still pending (an image build raced past, a probe) must not keep the process up.
        setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
      } else if (!outcome.complete) {
        context.setExitCode(ExitCode.FAILED);
      }
    });
}
