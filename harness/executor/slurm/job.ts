import type { RunConfig } from '../../config/types.js';
import type { Job } from '../../jobs/plan.js';
import { newManifest } from '../../rundir/record.js';
import { localExecutor } from '../local/run.js';
import type { ExecuteOptions, RunOutcome } from '../types.js';

/**
 * One job of a run, in a directory of its own with its own manifest (and no reports): the body of
 * a Slurm job (`harness job`), which the run gathers once it ends. It runs as the local executor
 * would run it; the accelerator is chosen here, on the machine the job runs on. Its anatomy boot
 * (`options.anatomy`, or the guest's `anatomy: true`) writes under `dir` too, and is gathered with its boots.
 */
export async function runJobIn(config: RunConfig, dir: string, runId: string, job: Job, options: ExecuteOptions): Promise<RunOutcome> {
  await localExecutor.preflight(config);
  const manifest = await newManifest(config, `${runId}/${job.id}`, options.accel, options.command ?? [], options.anatomy === true);
  return localExecutor.execute(config, dir, manifest, { ...options, jobs: [job], reports: false });
}
