import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { ExecutorKind } from '../../config/types.js';
import type { AccelChoice } from '../../units.js';
import { UsageError } from '../../errors/usage-error.js';

export const ACCELS: AccelChoice[] = ['auto', 'kvm', 'tcg', 'tcg-icount'];

export const EXECUTORS: ExecutorKind[] = ['local', 'slurm'];

/** What a command may need from the process around it. */
export interface CommandContext {
  /** The whole process argv, recorded in run manifests. */
  argv: string[];
  setExitCode: (code: number) => void;
}

/**
 * `argument`, a file or directory named on the command line, when something is there; a usage
 * error naming it when nothing is (exit code 2, as for any other argument that cannot be used).
 * Any other problem (unreadable, the wrong kind) is left to the command, which says what it expected.
 */
export async function existingArgument(argument: string, what: string): Promise<string> {
  try {
    await lstat(argument);
    return argument;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return argument;
    throw new UsageError(`expected ${what} at ${argument}, got no such file or directory (${resolve(argument)})`, { cause: error });
  }
}
