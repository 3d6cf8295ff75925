import { execFileSync } from 'node:child_process';
import { execa, type ResultPromise } from 'execa';

export interface QemuExit {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
}

type Child = ResultPromise<{ stdin: 'ignore'; stdout: 'pipe'; stderr: 'pipe'; reject: false; all: false }>;

let parentDeath: string[] | undefined;

/**
 * The wrapper that makes QEMU die with the harness: `setpriv --pdeathsig SIGKILL --` (util-linux
 * 2.33 and later; Debian 12 has 2.38) sets PR_SET_PDEATHSIG and execs QEMU, which keeps the pid
 * and the setting. The kernel then kills QEMU when the harness dies in any way, SIGKILL included,
 * which nothing inside Node can arrange. Empty (QEMU started directly) where setpriv lacks it.
 * Probed once per process.
 */
export function parentDeathWrapper(): string[] {
  if (parentDeath === undefined) {
    let help = '';
    try {
      help = execFileSync('setpriv', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // no setpriv
    }
    parentDeath = help.includes('--pdeathsig') ? ['setpriv', '--pdeathsig', 'SIGKILL', '--'] : [];
  }
  return parentDeath;
}

/** A running QEMU that is always killed and reaped by `stop()`, whatever happened before. */
export class QemuProcess {
  /** Every QEMU started by this process and not yet reaped. */
  private static readonly live = new Set<QemuProcess>();

  readonly exited: Promise<QemuExit>;
  private exit: QemuExit | undefined;

  private constructor(
    private readonly child: Child,
    readonly argv: string[],
  ) {
    QemuProcess.live.add(this);
    this.exited = child.then((result) => {
      this.exit = { exitCode: result.exitCode, signal: result.signal, stderr: String(result.stderr ?? '') };
      QemuProcess.live.delete(this);
      return this.exit;
    });
  }

  /**
   * Under setpriv (see parentDeathWrapper) QEMU also gets a process group of its own, so a Ctrl-C
   * at the terminal reaches only the harness, which stops QEMU itself and records why. Without
   * setpriv, execa's `cleanup` kills QEMU when the harness exits (but not when it is SIGKILLed).
   */
  static start(binary: string, args: string[], cwd?: string): QemuProcess {
    const wrapper = parentDeathWrapper();
    const options = { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', reject: false, all: false, ...(cwd ? { cwd } : {}) } as const;
    const child: Child =
      wrapper.length > 0
        ? execa(wrapper[0]!, [...wrapper.slice(1), binary, ...args], { ...options, detached: true, cleanup: false })
        : execa(binary, args, { ...options, cleanup: true });
    return new QemuProcess(child, [binary, ...args]);
  }

  /**
   * SIGKILLs every live QEMU at once, synchronously: for a harness about to exit without waiting
   * (a second Ctrl-C). Returns how many were signalled.
   */
  static killAllNow(): number {
    let count = 0;
    for (const qemu of QemuProcess.live) {
      if (qemu.child.kill('SIGKILL')) count++;
    }
    return count;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  async stop(): Promise<QemuExit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export function describeExit(exit: QemuExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`;
  // One line, so it fits in a reason field and a progress line.
  const stderr = exit.stderr
    .trim()
    .slice(-1000)
    .replace(/\s*\n\s*/g, ' | ');
  return stderr ? `${how}; stderr: ${stderr}` : how;
}
