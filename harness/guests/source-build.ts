import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sha256Hex } from '../hash.js';

/**
 * What `harness build <guest> --source DIR` adapters share: naming the user's checkout's revision
 * (the cache key), and running a long build step whose output goes to a log file rather than memory
 * (MINIX's build prints hundreds of megabytes), failing with the log's last lines.
 */

/** The checkout's revision: git's commit (plus a hash of its local changes), else the named version file's text. */
export async function sourceRevision(source: string, versionFile: string): Promise<string> {
  const git = await execa('git', ['-C', source, 'rev-parse', 'HEAD'], { reject: false });
  if (git.exitCode === 0) {
    const dirty = (await execa('git', ['-C', source, 'status', '--porcelain'], { reject: false })).stdout.trim();
    // A tree with local changes is keyed by its changes too, so an edit builds anew.
    return dirty ? `${git.stdout.trim()}+${sha256Hex(dirty).slice(0, 12)}` : git.stdout.trim();
  }
  return `${versionFile} ${(await readFile(join(source, versionFile), 'utf8')).trim()}`;
}

const TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of a file, reading at most its last 64 KiB. */
export async function fileTail(path: string, lines: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}

export interface LoggedStep {
  /** What the step does, for the error: "build.sh to build MINIX's tools". */
  what: string;
  file: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Appended with the step's stdout and stderr. */
  logFile: string;
}

/** Runs one step with its output appended to its log file; a failure carries the log's last lines. */
export async function runLoggedStep(step: LoggedStep): Promise<void> {
  const log = { file: step.logFile, append: true } as const;
  try {
    await execa(step.file, [...step.args], { cwd: step.cwd, env: step.env, extendEnv: false, stdin: 'ignore', stdout: log, stderr: log });
  } catch (error) {
    const tail = await fileTail(step.logFile, 25).catch(() => '(the log could not be read)');
    throw new Error(`expected ${step.what} to succeed, it failed (log ${step.logFile}); its last output:\n${tail}`, { cause: error });
  }
}
