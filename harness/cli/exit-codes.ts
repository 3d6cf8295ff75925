import { constants as os } from 'node:os';
import { ConfigError } from '../config/errors.js';
import { HostToolError } from '../errors/host-tool-error.js';
import { UsageError } from '../errors/usage-error.js';
import { RunInterruptedError } from '../lifecycle/interrupt.js';

/**
 * The harness's exit codes, documented in README.md ("Exit codes") and in `harness --help`. Small
 * and conventional: 2 for a usage error as getopt-style tools (and commander) use it, 128+N for a
 * signal as a shell reports it.
 */
export const ExitCode = {
  /** Everything asked was done; for `harness run`, the run is complete (skipped guests do not make it incomplete). */
  OK: 0,
  /**
   * The work failed: a run ended incomplete (a guest or a benchmark failed; results.json `failed`
   * says which and why), an archive did not verify, or any error not listed below.
   */
  FAILED: 1,
  /** The command line or a config file is wrong (commander's usage errors, ConfigError, UsageError): nothing was started. */
  USAGE: 2,
  /** A host tool is missing or unusable (HostToolError): no QEMU or one too old, no Slurm controller, no gcc, no mmdebstrap. */
  HOST_TOOL: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Exit codes from 128 up mean "stopped by signal (code - 128)". */
const SIGNAL_BASE = 128;

/** How many causes deep an error is searched for one of the kinds that have their own code. */
const MAX_DEPTH = 6;

/** 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended. */
export function interruptedExitCode(signal: NodeJS.Signals): number {
  return SIGNAL_BASE + os.signals[signal];
}

/** The code for one error, or undefined when its kind has none of its own. */
function codeOfKind(error: unknown): number | undefined {
  if (error instanceof ConfigError || error instanceof UsageError) return ExitCode.USAGE;
  if (error instanceof HostToolError) return ExitCode.HOST_TOOL;
  if (error instanceof RunInterruptedError && Object.hasOwn(os.signals, error.signal)) return interruptedExitCode(error.signal as NodeJS.Signals);
  return undefined;
}

/**
 * The exit code for an error a command ended with. The error and then its causes are looked at in
 * turn, so a missing tool stays a missing tool when something wraps it with context; an error of
 * no known kind is a failure.
 */
export function exitCodeForError(error: unknown): number {
  let link: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && link !== undefined; depth++) {
    const code = codeOfKind(link);
    if (code !== undefined) return code;
    link = link instanceof Error ? link.cause : undefined;
  }
  return ExitCode.FAILED;
}

/** The exit codes as `harness --help` lists them after the commands. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  `  ${ExitCode.OK}      done; for run: the run is complete`,
  `  ${ExitCode.FAILED}      failed: a run is incomplete (a guest or benchmark failed), an archive did not verify, other errors`,
  `  ${ExitCode.USAGE}      usage or config error: bad command line or config file; nothing was started`,
  `  ${ExitCode.HOST_TOOL}      host tool missing or unusable: QEMU absent or older than 7.2, no Slurm, no gcc, ...`,
  `  ${SIGNAL_BASE}+N  interrupted by signal N (130 SIGINT, 143 SIGTERM); \`harness run --resume RUN_DIR\` finishes a run`,
].join('\n');
