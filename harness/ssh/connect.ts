import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import { fingerprintOf, type PublicKey } from './keys.js';

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

/** Clients whose connection has closed (so closing them again need not wait for it). */
const closed = new WeakSet<SshClient>();

export function isClosed(client: SshClient): boolean {
  return closed.has(client);
}

/** The host key the server must present: the whole key (recorded when an image was built) or its fingerprint. */
export type ExpectedHostKey = { publicKey: PublicKey } | { fingerprint: string };

export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  /** Path of the client's private key (OpenSSH format, no passphrase). */
  privateKeyPath: string;
  hostKey: ExpectedHostKey;
}

export interface ConnectOptions {
  /** Give up after this long, retrying refused, reset and silent connections until then. */
  timeoutMs: number;
  /** Longest one attempt (TCP connect, handshake, authentication) may take; default 20 s. */
  attemptTimeoutMs?: number;
  /** Pause between attempts; default 1 s. */
  retryMs?: number;
  /** Stops the waiting at once (the run was interrupted, or the guest failed otherwise). */
  signal?: AbortSignal;
}

/** An SSH failure with a message that says where and what to do. */
export class SshError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshError';
  }
}

/** The server presented a host key other than the expected one: never retried, never accepted. */
export class HostKeyMismatchError extends SshError {
  constructor(
    readonly endpoint: string,
    readonly expected: string,
    readonly presented: string,
  ) {
    super(
      `refusing the SSH server at ${endpoint}: expected the host key ${expected}, got ${presented}. ` +
        'Either the machine is not the one recorded (another guest or host answers on that address) or its host key changed; ' +
        'if the change is known and wanted, record the new key (for a built image: rebuild it; for an ssh target: set target.hostKey)',
    );
    this.name = 'HostKeyMismatchError';
  }
}

export function describeEndpoint(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'username'>): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.username}@${host}:${endpoint.port}`;
}

function expectedText(hostKey: ExpectedHostKey): string {
  return 'publicKey' in hostKey ? `${hostKey.publicKey.type} ${fingerprintOf(hostKey.publicKey.blob)}` : hostKey.fingerprint;
}

/** Whether a presented key (type and blob) is the expected one. */
export function hostKeyMatches(hostKey: ExpectedHostKey, presented: Buffer): boolean {
  return 'publicKey' in hostKey ? hostKey.publicKey.blob.equals(presented) : fingerprintOf(presented) === hostKey.fingerprint;
}

function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + Math.min(length, 64)).toString('latin1');
}

/** Errors worth another attempt: nothing listens yet, the guest's forwarder dropped us, or it stayed silent. */
function retryable(error: Error & { level?: string; code?: string }): boolean {
  if (error instanceof SshError) return false;
  if (error.level === 'client-authentication') return false;
  return true;
}

function explain(error: Error & { level?: string; code?: string }, endpoint: SshEndpoint): string {
  if (error.level === 'client-timeout') return `no SSH handshake within the attempt's time limit (${error.message})`;
  if (error.code === 'ECONNREFUSED') return 'connection refused (nothing listens on that port)';
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return `${error.code}: the host cannot be reached`;
  if (error.level === 'client-authentication') {
    return `the server refused the key ${endpoint.privateKeyPath} for user ${endpoint.username} (is its public half in ~${endpoint.username}/.ssh/authorized_keys?)`;
  }
  return error.message;
}

/** One attempt: resolves with a connected, authenticated client or rejects with why not. */
function attempt(endpoint: SshEndpoint, privateKey: Buffer, timeoutMs: number): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const where = describeEndpoint(endpoint);
    let mismatch: HostKeyMismatchError | undefined;
    let settled = false;
    // readyTimeout covers the handshake and authentication; the TCP connect itself gets the same limit.
    const guard = setTimeout(() => finish(Object.assign(new Error(`no connection within ${timeoutMs} ms`), { level: 'client-timeout' })), timeoutMs + 1000);
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      if (error) {
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.end();
        client.destroy();
        reject(mismatch ?? error);
      } else {
        resolve(client);
      }
    };
    client.once('ready', () => finish());
    client.once('close', () => closed.add(client));
    client.on('error', (error: Error) => finish(error));
    client.once('close', () => finish(new Error('the connection closed before the SSH session was ready')));
    client.connect({
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      privateKey,
      readyTimeout: timeoutMs,
      // Only key authentication: no agent, no password prompt, no keyboard-interactive.
      tryKeyboard: false,
      ...('publicKey' in endpoint.hostKey ? { algorithms: { serverHostKey: [endpoint.hostKey.publicKey.type as 'ssh-ed25519'] } } : {}),
      hostVerifier: (key: Buffer) => {
        if (hostKeyMatches(endpoint.hostKey, key)) return true;
        mismatch = new HostKeyMismatchError(where, expectedText(endpoint.hostKey), `${keyTypeOf(key)} ${fingerprintOf(key)}`);
        return false;
      },
    });
  });
}

/**
 * Connects and authenticates with the endpoint's key, checking the server's host key against the
 * expected one before anything is sent. Refused, reset or silent connections (a guest still
 * booting, QEMU's port forwarder with no server behind it yet) are retried until `timeoutMs`; a
 * wrong host key or a refused key fails at once. Errors name the endpoint and the last reason.
 */
export async function connectSsh(endpoint: SshEndpoint, options: ConnectOptions): Promise<SshClient> {
  const { signal } = options;
  const where = describeEndpoint(endpoint);
  let privateKey: Buffer;
  try {
    privateKey = await readFile(endpoint.privateKeyPath);
  } catch (error) {
    throw new SshError(`expected a readable SSH private key at ${endpoint.privateKeyPath} to log in to ${where}, got ${(error as Error).message}`, {
      cause: error,
    });
  }
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const retryMs = options.retryMs ?? 1000;
  let attempts = 0;
  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    attempts++;
    try {
      return await attempt(endpoint, privateKey, Math.max(100, Math.min(options.attemptTimeoutMs ?? 20_000, remaining)));
    } catch (caught) {
      const error = caught as Error & { level?: string; code?: string };
      if (!retryable(error))
        throw error instanceof SshError ? error : new SshError(`SSH login to ${where} failed: ${explain(error, endpoint)}`, { cause: error });
      if (signal?.aborted) throw signal.reason;
      if (Date.now() + retryMs >= deadline) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new SshError(
          `expected an SSH server at ${where} within ${(options.timeoutMs / 1000).toFixed(0)} s, got none after ${attempts} attempts in ${seconds} s; last error: ${explain(error, endpoint)}`,
          { cause: error },
        );
      }
      await sleep(retryMs, undefined, signal ? { signal } : {}).catch(() => {
        throw signal?.reason;
      });
    }
  }
}
