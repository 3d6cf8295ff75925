import { spawn, type ChildProcess } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';

/** QEMU processes whose command line mentions `text` (a run's unique directory), as `pid ppid args` lines. */
export async function qemuProcessesMentioning(text: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid,ppid,args', '--no-headers']);
  return stdout.split('\n').filter((line) => line.includes('qemu-system') && line.includes(text));
}

/** The pid of the (first) QEMU whose command line mentions `text`, waiting up to `timeoutMs` for one. */
export async function waitForQemu(text: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [line] = await qemuProcessesMentioning(text);
    if (line) return Number(line.trim().split(/\s+/)[0]);
    await sleep(100);
  }
  throw new Error(`expected a QEMU mentioning ${text} within ${timeoutMs} ms, got none`);
}

/** Waits until no QEMU mentions `text`; returns what is still there after `timeoutMs` (empty when all are gone). */
export async function qemuGoneWithin(text: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await qemuProcessesMentioning(text);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(50);
  }
}

/**
 * Makes a directory refuse new entries, even to root: chattr +i where the process has
 * CAP_LINUX_IMMUTABLE (root on ext4 and most local file systems), chmod 0555 otherwise (which
 * binds everyone but root). Returns the function that undoes it.
 */
export async function makeUnwritable(dir: string): Promise<() => Promise<void>> {
  if (process.getuid?.() === 0) {
    await execa('chattr', ['+i', dir]);
    return async () => {
      await execa('chattr', ['-i', dir]);
    };
  }
  await chmod(dir, 0o555);
  return async () => {
    await chmod(dir, 0o755);
  };
}

/** `harness` as a user runs it: the package's bin (running dist/, which `npm test` compiles first). */
export const HARNESS_BIN = join(projectRoot, 'bin', 'harness.js');

/** A `harness run --json` process, its events read as they come. */
export class HarnessProcess {
  readonly child: ChildProcess;
  readonly events: Array<Record<string, unknown> & { type: string }> = [];
  stderr = '';
  private stdoutRest = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [HARNESS_BIN, ...args, '--json'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (this.stdoutRest + chunk).split('\n');
      this.stdoutRest = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line));
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The first event that satisfies `match`, waiting for it up to `timeoutMs`. */
  async waitFor(
    match: (event: Record<string, unknown> & { type: string }) => boolean,
    timeoutMs = 120_000,
  ): Promise<Record<string, unknown> & { type: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`expected an event, got the harness exiting first; stderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`expected an event within ${timeoutMs} ms, got ${this.events.map((e) => e.type).join(', ')}`);
      await sleep(50);
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
