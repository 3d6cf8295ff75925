import type { ExecutorKind } from '../../config/types.js';
import type { AccelChoice } from '../../units.js';

export const ACCELS: AccelChoice[] = ['auto', 'kvm', 'tcg', 'tcg-icount'];

export const EXECUTORS: ExecutorKind[] = ['local', 'slurm'];

/** What a command may need from the process around it. */
export interface CommandContext {
  /** The whole process argv, recorded in run manifests. */
  argv: string[];
  setExitCode: (code: number) => void;
}
