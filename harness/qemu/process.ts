import { execa, type ResultPromise } from 'execa';

export interface QemuExit {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
}

/** A running QEMU that is always killed and reaped by `stop()`, whatever happened before. */
export class QemuProcess {
  readonly exited: Promise<QemuExit>;
  private exit: QemuExit | undefined;

  private constructor(
    private readonly child: ResultPromise<{ stdin: 'ignore'; stdout: 'pipe'; stderr: 'pipe'; reject: false; cleanup: true; all: false }>,
    readonly argv: string[],
  ) {
    this.exited = child.then((result) => {
      this.exit = { exitCode: result.exitCode, signal: result.signal, stderr: String(result.stderr ?? '') };
      return this.exit;
    });
  }

  static start(binary: string, args: string[]): QemuProcess {
    // cleanup: execa kills the child if the harness itself exits.
    const child = execa(binary, args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', reject: false, cleanup: true, all: false });
    return new QemuProcess(child, [binary, ...args]);
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
  const stderr = exit.stderr.trim().slice(-1000).replace(/\s*\n\s*/g, ' | ');
  return stderr ? `${how}; stderr: ${stderr}` : how;
}
