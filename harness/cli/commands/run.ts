import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
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

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('boot every guest of CONFIG, run its benchmarks and archive a report under the results directory; or finish an interrupted run with --resume')
    .argument('[config]', 'YAML run configuration, e.g. configs/linux.yaml (not with --resume)')
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
    .option('--json', 'print every run event and then the summary as JSON lines on stdout, and nothing for people (see docs/progress.md)')
    .option(
      '--anatomy',
      "after each guest's timed boots, one more boot with the cost-anatomy plugin (tcg-icount; guests/<name>/anatomy.json, see docs/anatomy.md), as `anatomy: true` would; under either executor, and kept by --resume (not given with it)",
    )
    .option(
      '--refresh',
      'ask apt again which version each Debian package (e.g. the Linux kernel package) is; without it a version already in the cache is used as it is, and the log names it; with accel auto, also probe KVM again rather than use the outcome kept for this host boot',
    )
    .action(
      async (
        file: string | undefined,
        opts: { accel?: AccelChoice; executor?: ExecutorKind; json?: boolean; resume?: string; anatomy?: boolean; refresh?: boolean },
      ) => {
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
              : await runBenchmarks(await loadConfig(file!), { ...options, accel: opts.accel, executor: opts.executor, anatomy: opts.anatomy === true });
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
      },
    );
}
