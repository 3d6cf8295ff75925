/**
 * A program the harness runs on this host (QEMU, gcc, Slurm's commands, mmdebstrap...) is missing
 * or unusable (too old, not answering). The CLI exits with its own code for it (harness/cli/exit-codes.ts),
 * so a script can tell "install something" from "the benchmark failed".
 */
export class HostToolError extends Error {
  /** The program, as the harness runs it: `qemu-system-x86_64`, `gcc`, `scontrol`. */
  readonly tool: string;

  constructor(tool: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostToolError';
    this.tool = tool;
  }
}
