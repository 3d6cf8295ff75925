import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command } from 'commander';
import { projectRoot } from '../paths.js';
import { formatCauseChain } from '../errors/cause-chain.js';
import { registerArchive } from './commands/archive.js';
import { registerBuild } from './commands/build.js';
import { registerCompare } from './commands/compare.js';
import { registerJob } from './commands/job.js';
import { registerReport } from './commands/report.js';
import { registerReproduce } from './commands/reproduce.js';
import { registerRun } from './commands/run.js';
import { registerVerify } from './commands/verify.js';
import { EXIT_CODES_HELP, ExitCode, exitCodeForError } from './exit-codes.js';

/** The harness's version: package.json's `version`. */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Runs the command line `argv` (as process.argv: node, script, arguments) and returns the exit
 * code (exit-codes.ts). No command at all is a usage error: the help goes to stderr, exit code 2;
 * `--help`, `help` and `--version` exit 0.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = new Command('harness')
    .description('Cross-OS microkernel benchmark harness: IPC, null system call and context switch under QEMU')
    .version(harnessVersion(), '-V, --version', "print the harness's version (package.json) and exit")
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride();
  const context = { argv, setExitCode: (code: number) => (exitCode = code) };

  // One file per command under commands/.
  registerRun(program, context);
  registerBuild(program);
  registerCompare(program);
  registerArchive(program);
  registerVerify(program);
  registerReport(program);
  registerReproduce(program, context);
  registerJob(program, context);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const { code, exitCode: commanderExit } = error as { code?: string; exitCode?: number };
    // Commander asks for help with an error exit code when no command was given: a usage error.
    if (code === 'commander.help' && commanderExit !== 0) return ExitCode.USAGE;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return ExitCode.OK;
    // Commander has already printed what was wrong with the command line.
    if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.USAGE;
    process.stderr.write(`harness: ${formatCauseChain(error)}\n`);
    return exitCodeForError(error);
  }
  return exitCode;
}
