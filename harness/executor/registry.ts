import type { ExecutorKind } from '../config/types.js';
import { localExecutor } from './local/run.js';
import { slurmExecutor } from './slurm/run.js';
import type { Executor } from './types.js';

const executors: Record<ExecutorKind, Executor> = { local: localExecutor, slurm: slurmExecutor };

export function executorFor(kind: ExecutorKind): Executor {
  return executors[kind];
}
