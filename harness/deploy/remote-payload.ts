import { dirname } from 'node:path/posix';
import type { BenchmarkSelection } from '../config/types.js';
import type { SshClient } from '../ssh/connect.js';
import { SshError } from '../ssh/connect.js';
import { execChecked, execStream, execText, shellQuote, uploadFiles, type ExecOutcome } from '../ssh/exec.js';
import type { PayloadSource } from './types.js';

/** The payload's own arguments: the benchmark settings (argv wins over /proc/cmdline) and where records go. */
export function payloadArgs(benchmarks: BenchmarkSelection, data: string): string[] {
  return ['--iterations', String(benchmarks.iterations), '--warmup', String(benchmarks.warmup), '--bench', benchmarks.include.join(','), '--data', data];
}

/**
 * The remote command line: print the shell's pid (which `exec` hands to the payload, so the
 * harness can kill it if the run stops), then become the payload, under taskset when CPUs are given.
 */
export function payloadCommand(binary: string, args: readonly string[], cpus?: readonly number[]): string {
  const pinned = cpus && cpus.length > 0 ? `taskset -c ${cpus.join(',')} ` : '';
  return `echo "hb-pid $$" >&2; exec ${pinned}${[binary, ...args].map(shellQuote).join(' ')}`;
}

/** The pid printed by payloadCommand, from the start of its stderr. */
export function pidFrom(stderr: string): number | undefined {
  const match = /^hb-pid (\d+)$/m.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** A payload placed in a temporary directory of the machine: where it is, and what it logged on the way. */
export interface PlacedPayload {
  dir: string;
  binary: string;
}

/**
 * Makes a private temporary directory on the machine and puts the payload there: the binary
 * uploaded over SFTP, or the sources uploaded and compiled there (the compiler's output goes to `log`).
 */
export async function placePayload(client: SshClient, payload: PayloadSource, log: (text: string) => void, signal?: AbortSignal): Promise<PlacedPayload> {
  const options = signal ? { signal } : {};
  const dir = (await execChecked(client, 'mktemp -d /tmp/hb-payload.XXXXXXXX', 'making a temporary directory (mktemp -d)', options)).trim();
  if (!dir.startsWith('/tmp/hb-payload.')) throw new SshError(`expected mktemp -d to name a directory under /tmp, got ${JSON.stringify(dir)}`);
  const binary = `${dir}/hb-payload`;
  if (payload.kind === 'binary') {
    await uploadFiles(client, [{ local: payload.path, remote: binary, mode: 0o755 }]);
    return { dir, binary };
  }
  const dirs = [...new Set(payload.files.map((f) => dirname(`${dir}/${f.remote}`)))].sort();
  await execChecked(client, `mkdir -p ${dirs.map(shellQuote).join(' ')}`, 'making the source directories', options);
  await uploadFiles(
    client,
    payload.files.map((f) => ({ local: f.local, remote: `${dir}/${f.remote}`, mode: 0o644 })),
  );
  const compile = `cd ${shellQuote(dir)} && ${payload.compile.map(shellQuote).join(' ')}`;
  log(`hb-harness: building the payload on the target: ${payload.compile.join(' ')}\n`);
  const built = await execText(client, compile, options);
  log(built.stdout + built.stderr);
  if (built.code !== 0) {
    throw new SshError(
      `expected the payload to compile on the target (${payload.compile[0]}), got status ${built.code ?? built.signal}: ${(built.stderr || built.stdout).trim().slice(-2000) || '(no output)'}`,
    );
  }
  return { dir, binary };
}

/** Runs the placed payload; stdout and stderr go to the callbacks as they arrive. */
export function runPayload(
  client: SshClient,
  placed: PlacedPayload,
  args: readonly string[],
  handlers: { onStdout?: (chunk: Buffer) => void; onStderr: (chunk: Buffer) => void; cpus?: readonly number[]; signal?: AbortSignal },
): Promise<ExecOutcome> {
  return execStream(client, payloadCommand(placed.binary, args, handlers.cpus), handlers);
}

/** Best effort: kills the payload (when its pid is known) and removes its directory. */
export async function cleanUp(client: SshClient, placed: PlacedPayload | undefined, pid: number | undefined): Promise<void> {
  const commands = [pid === undefined ? '' : `kill -KILL ${pid} 2>/dev/null;`, placed ? `rm -rf ${shellQuote(placed.dir)}` : ''].join(' ').trim();
  if (!commands) return;
  const timeout = AbortSignal.timeout(10_000);
  await execText(client, commands, { signal: timeout }).catch(() => undefined);
}
