import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';

import type { ExecutorKind } from '../../config/types.js';
import type { AccelChoice } from '../../units.js';
import { UsageError } from '../../errors/usage-error.js';
import { DEFAULT_MAX_MEMORY_MIB, REPORT_BYTES_PER_SAMPLE, REPORT_FIXED_MIB, samplesWithin } from '../../report/memory-bound.js';

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

/**
 * `--max-memory-mib`, of verify and report: the memory bound of regenerating a run's reports
 * (report/memory-bound.ts). Above the fixed part, or no sample would fit.
 */
export function maxMemoryOption(): Option {
  return new Option(
    '--max-memory-mib <MiB>',
    `refuse a run whose reports would need more memory than this, counted as ${REPORT_FIXED_MIB} MiB + ${REPORT_BYTES_PER_SAMPLE} B a sample ` +
      `(${DEFAULT_MAX_MEMORY_MIB} allows ${samplesWithin(DEFAULT_MAX_MEMORY_MIB)} samples)`,
  )
    .default(DEFAULT_MAX_MEMORY_MIB)
    .argParser((value: string) => {
      const mib = Number(value);
      if (!Number.isSafeInteger(mib) || mib <= REPORT_FIXED_MIB)
        throw new InvalidArgumentError(
          `expected a whole number of MiB above ${REPORT_FIXED_MIB} (what is held besides the samples), got ${JSON.stringify(value)}`,
        );
      return mib;
    });
}
