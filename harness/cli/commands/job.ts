import { mkdir, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { jobDirectory } from '../../executor/gather.js';
import { planJobs } from '../../jobs/plan.js';
import { RunInterruptedError } from '../../lifecycle/interrupt.js';
import { runJobIn } from '../../executor/slurm/job.js';
import { loadRunConfig, readRunManifest } from '../../rundir/read.js';
import { UsageError } from '../../errors/usage-error.js';
import { interruptedExitCode } from '../exit-codes.js';
import { createReporter } from '../progress/index.js';
import { existingArgument, type CommandContext } from './context.js';
import { stopOnSignals } from './run.js';

/**
 * `harness job RUN_DIR --index I`: what a Slurm batch job runs (harness/executor/slurm). Runs job I
 * of the run's plan into RUN_DIR/jobs/ID, printing one line per event to its log. Exits 0 once the
 * job has run to its end (its boots' failures are in its manifest), so Slurm's COMPLETED means the
 * job can be gathered; SIGTERM (scancel) stops it with QEMU reaped and its manifest marked interrupted.
 */
export function registerJob(program: Command, context: CommandContext): void {
  program
    .command('job', { hidden: true })
    .description('run one job of the run in RUN_DIR into RUN_DIR/jobs/ID: the body of a Slurm job (docs/executors.md)')
    .argument('<run-dir>', 'the run directory `harness run --executor slurm` made')
    .requiredOption('--index <index>', "the job's index in the run's plan (manifest.json executor.jobs)")
    .action(async (runDir: string, opts: { index: string }) => {
      const manifest = await readRunManifest(await existingArgument(runDir, 'a run directory'));
      const config = await loadRunConfig(manifest);
      const plan = planJobs(config);
      const index = Number(opts.index);
      const job = Number.isInteger(index) ? plan[index] : undefined;
      if (!job) throw new UsageError(`expected --index to be a job of the run's plan, 0 to ${plan.length - 1}, got ${opts.index}`);
      const recorded = manifest.executor?.jobs[index]?.id;
      if (recorded !== job.id)
        throw new Error(`expected job ${index} of ${runDir} to be ${job.id}, as the config plans it, got ${recorded ?? 'no such job in its manifest'}`);
      const dir = jobDirectory(runDir, job.id);
      // An earlier attempt's leftovers (a requeued or resubmitted job) are not this attempt's.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const reporter = createReporter('lines', { stdout: process.stdout, stderr: process.stderr });
      const controller = new AbortController();
      const release = stopOnSignals(controller);
      try {
        const outcome = await runJobIn(config, dir, manifest.runId, job, {
          // The run's own end and summary would name the job's directory as a run to resume: the job says how it ended instead.
          emit: (event) => {
            if (event.type !== 'run-done') reporter.event(event);
          },
          command: context.argv.slice(1),
          signal: controller.signal,
          accel: manifest.accel.requested,
          // The run's --anatomy reaches its jobs through its manifest, as its --accel does.
          anatomy: manifest.anatomy === true,
        });
        const ended = outcome.interrupted ?? (outcome.failed.length > 0 ? `ended with ${outcome.failed.length} failure(s)` : 'done');
        process.stderr.write(
          `job ${job.id} ${ended}: ${outcome.results.length} figure(s) in ${dir}, for \`harness run\` to gather${outcome.interrupted ? ' (it resubmits this job on --resume)' : ''}\n`,
        );
        for (const f of outcome.failed) process.stderr.write(`FAILED ${f.guest}${f.metric ? ` ${f.metric}` : ''}: ${f.reason.split('\n')[0]}\n`);
        const reason: unknown = controller.signal.reason;
        if (outcome.interrupted && reason instanceof RunInterruptedError) context.setExitCode(interruptedExitCode(reason.signal as NodeJS.Signals));
      } finally {
        release();
      }
    });
}
