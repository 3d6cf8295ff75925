import { isClosed, SshError, type SshClient } from './connect.js';

export interface ExecOutcome {
  /** Exit status, or null when the command was killed by a signal or the channel closed without one. */
  code: number | null;
  /** The signal that ended the command, as the server names it ("KILL"). */
  signal?: string;
}

export interface ExecOptions {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Rejects (and closes the channel) when it aborts. */
  signal?: AbortSignal;
}

/** Quotes a word for a POSIX shell on the far side. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `command` (a shell command line, as OpenSSH's `ssh host command`) without a terminal, so
 * stdout carries bytes unchanged; resolves with its exit status once the channel closes.
 */
export function execStream(client: SshClient, command: string, options: ExecOptions = {}): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    client.exec(command, (error, channel) => {
      if (error) {
        reject(new SshError(`could not start ${JSON.stringify(command.slice(0, 200))} over SSH: ${error.message}`, { cause: error }));
        return;
      }
      let outcome: ExecOutcome = { code: null };
      const onAbort = () => {
        channel.close();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
      channel.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
      channel.on('exit', (code: number | null, signalName?: string) => {
        outcome = code === null || code === undefined ? { code: null, ...(signalName ? { signal: signalName } : {}) } : { code };
      });
      channel.on('close', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  });
}

export interface ExecText extends ExecOutcome {
  stdout: string;
  stderr: string;
}

/** Output kept of a command run for its text; more is dropped, with a mark. */
const TEXT_LIMIT = 1 << 20;

/** Runs a short command and collects its output as text (at most 1 MiB of each stream). */
export async function execText(client: SshClient, command: string, options: { signal?: AbortSignal; stdin?: string } = {}): Promise<ExecText> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  const outcome = await execStream(client, command, {
    ...(options.signal ? { signal: options.signal } : {}),
    onStdout: (chunk) => {
      if (outBytes < TEXT_LIMIT) out.push(chunk);
      outBytes += chunk.length;
    },
    onStderr: (chunk) => {
      if (errBytes < TEXT_LIMIT) err.push(chunk);
      errBytes += chunk.length;
    },
  });
  return { ...outcome, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Runs a command that must succeed; throws with its stderr otherwise. Returns stdout. */
export async function execChecked(client: SshClient, command: string, what: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const result = await execText(client, command, options);
  if (result.code !== 0) {
    const status = result.code === null ? `signal ${result.signal ?? 'unknown'}` : `status ${result.code}`;
    throw new SshError(
      `expected ${what} to succeed on the SSH server, got ${status}: ${(result.stderr || result.stdout).trim().slice(-2000) || '(no output)'}`,
    );
  }
  return result.stdout;
}

/** Uploads local files over SFTP, each to its remote path with its mode, over one SFTP session. */
export function uploadFiles(client: SshClient, files: readonly { local: string; remote: string; mode: number }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => {
      if (error) {
        reject(new SshError(`could not open an SFTP session (is the SFTP subsystem enabled on the server?): ${error.message}`, { cause: error }));
        return;
      }
      const next = (index: number) => {
        const file = files[index];
        if (!file) {
          sftp.end();
          resolve();
          return;
        }
        sftp.fastPut(file.local, file.remote, { mode: file.mode }, (putError) => {
          if (putError) {
            sftp.end();
            reject(new SshError(`could not upload ${file.local} to ${file.remote} over SFTP: ${putError.message}`, { cause: putError }));
          } else {
            next(index + 1);
          }
        });
      };
      next(0);
    });
  });
}

/** Closes the connection and waits (briefly) until its socket is gone, so nothing is left open. */
export function closeClient(client: SshClient, waitMs = 2000): Promise<void> {
  if (isClosed(client)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.destroy();
      resolve();
    }, waitMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.on('error', () => undefined);
    client.end();
  });
}
