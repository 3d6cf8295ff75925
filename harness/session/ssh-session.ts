import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { printable } from '../console/printable.js';
import { cleanUp, payloadArgs, payloadCommand, pidFrom, placePayload, runPayload, type PlacedPayload } from '../deploy/remote-payload.js';
import type { SshTargetRun } from '../deploy/types.js';
import { interruptionReason } from '../lifecycle/interrupt.js';
import { connectSsh, describeEndpoint, type SshClient } from '../ssh/connect.js';
import { closeClient } from '../ssh/exec.js';
import { CONSOLE_LOG_MAX_BYTES, NOTHING_PRINTED } from './console-tail.js';
import { GuestRunError } from './errors.js';
import type { Session, SessionRequest, SessionResult } from './types.js';
import { DataChannelWatcher } from './watcher.js';

export interface TargetSessionOptions extends SessionRequest {
  target: SshTargetRun;
}

type Phase = GuestRunError['phase'];

/** Runs the payload on an existing machine over SSH, a boot at a time. */
export function sshSession(target: SshTargetRun): Session {
  return { kind: 'ssh', run: (request) => runTargetSession({ ...request, target }) };
}

/** Keeps the last bytes written, for error messages, without reading the file back. */
class Tail {
  private text = '';
  constructor(private readonly keep = 4096) {}
  add(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.keep);
  }
  toString(): string {
    return this.text === '' ? NOTHING_PRINTED : printable(this.text.slice(-2048));
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

/**
 * One "boot" of an ssh target: connect (checking the host key), put the payload in a temporary
 * directory (uploaded, or compiled there), run it with its records on stdout, and read them as they
 * come, under the same boot, benchmark and shutdown deadlines as a QEMU guest. data.bin holds
 * stdout as received, console.log the payload's stderr. The payload is killed and its directory
 * removed however the session ends; nothing stays running on the machine.
 */
export async function runTargetSession(options: TargetSessionOptions): Promise<SessionResult> {
  await mkdir(options.guestDir, { recursive: true });
  return new TargetBoot(options).run();
}

class TargetBoot {
  private readonly started = Date.now();
  private readonly boot: number;
  private readonly where: string;
  private readonly args: string[];
  private readonly data: WriteStream;
  private readonly consoleLog: WriteStream;
  private readonly tail = new Tail();
  private readonly watcher: DataChannelWatcher;
  /** Ends the remote command when the session fails, times out or is interrupted. */
  private readonly stop = new AbortController();
  private consoleBytes = 0;
  private client: SshClient | undefined;
  private placed: PlacedPayload | undefined;
  private pid: number | undefined;
  private stderrText = '';
  private exited = false;
  private failure: GuestRunError | undefined;

  constructor(private readonly options: TargetSessionOptions) {
    this.boot = options.boot ?? 1;
    this.where = describeEndpoint(options.target.endpoint);
    this.args = payloadArgs(options.guest.benchmarks, '-');
    this.data = createWriteStream(join(options.guestDir, 'data.bin'));
    this.consoleLog = createWriteStream(join(options.guestDir, 'console.log'));
    this.watcher = new DataChannelWatcher(options.guest, this.boot, options.timeouts, options.emit, { source: this.where });
  }

  async run(): Promise<SessionResult> {
    const { guest, emit, signal } = this.options;
    const argv = ['ssh', this.where, payloadCommand('<dir>/hb-payload', this.args, this.options.target.cpus)];
    emit({ type: 'guest-booting', guest: guest.name, boot: this.boot, boots: this.options.boots ?? guest.benchmarks.boots, argv, vcpus: guest.vcpus });
    const onAbort = () => this.stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const watchdog = this.watchdog();
    try {
      await this.runPayload();
    } catch (caught) {
      this.caught(caught);
    } finally {
      this.stop.abort(new Error('session over'));
      await watchdog;
      signal?.removeEventListener('abort', onAbort);
      await this.close();
    }
    const seconds = (Date.now() - this.started) / 1000;
    const { failure } = this;
    const interrupted = failure && signal?.aborted ? interruptionReason(signal) : undefined;
    if (failure) emit({ type: 'guest-failed', guest: guest.name, boot: this.boot, error: failure });
    else emit({ type: 'guest-done', guest: guest.name, boot: this.boot, seconds });
    const { stream } = this.watcher.channel;
    return {
      stream,
      dataBytes: this.watcher.dataBytes,
      argv,
      affinity: [],
      exit: undefined,
      error: failure,
      ...(interrupted ? { interrupted } : {}),
      seconds,
      otherLoad: undefined,
    };
  }

  private async runPayload(): Promise<void> {
    const { target, timeouts } = this.options;
    this.note(`hb-harness: connecting to ${this.where}\n`);
    const connectMs = Math.min(target.connectTimeoutMs, timeouts.bootSeconds * 1000);
    this.client = await connectSsh(target.endpoint, { timeoutMs: connectMs, signal: this.stop.signal });
    // The boot deadline counts from the session's start: connecting is part of booting a target.
    this.watcher.booting(true);
    this.placed = await placePayload(this.client, target.payload, (text) => this.note(text), this.stop.signal);
    this.note(`hb-harness: running ${payloadCommand(this.placed.binary, this.args, target.cpus)}\n`);
    const streams = { onStdout: (chunk: Buffer) => this.onStdout(chunk), onStderr: (chunk: Buffer) => this.onStderr(chunk) };
    const outcome = await runPayload(this.client, this.placed, this.args, {
      ...streams,
      signal: this.stop.signal,
      ...(target.cpus ? { cpus: target.cpus } : {}),
    });
    this.exited = true;
    if (!this.failure && !this.watcher.complete) {
      const status = outcome.code === null ? `was killed (signal ${outcome.signal ?? 'unknown'})` : `exited with status ${outcome.code}`;
      this.fail(this.watcher.phase, `the payload ${status} before it finished sending its records${this.watcher.unfinished()}`);
    }
  }

  private caught(caught: unknown): void {
    if (this.failure || (this.stop.signal.aborted && this.watcher.complete)) return;
    const { signal } = this.options;
    if (signal?.aborted) this.failure = new GuestRunError(this.options.guest.name, this.watcher.phase, interruptionReason(signal), this.tail.toString());
    else this.fail(this.watcher.phase, (caught as Error).message, caught);
  }

  private fail(phase: Phase, detail: string, cause?: unknown): void {
    this.failure ??= new GuestRunError(this.options.guest.name, phase, detail, this.tail.toString(), cause === undefined ? undefined : { cause });
    this.stop.abort(this.failure);
  }

  private note(text: string): void {
    this.consoleBytes += Buffer.byteLength(text);
    if (this.consoleBytes <= CONSOLE_LOG_MAX_BYTES) this.consoleLog.write(text);
    this.tail.add(text);
  }

  private onStdout(chunk: Buffer): void {
    if (this.failure || this.stop.signal.aborted) return;
    this.data.write(chunk);
    try {
      this.watcher.feed(chunk);
    } catch (cause) {
      this.fail('data', (cause as Error).message, cause);
    }
  }

  private onStderr(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    if (this.pid === undefined) {
      this.stderrText = (this.stderrText + text).slice(0, 4096);
      this.pid = pidFrom(this.stderrText);
    }
    this.note(text);
    if (this.consoleBytes > CONSOLE_LOG_MAX_BYTES)
      this.fail(
        'console',
        `expected at most ${CONSOLE_LOG_MAX_BYTES} bytes of output on stderr, got more (the payload floods it; stopped before it fills the disk)`,
      );
  }

  /** Deadlines, checked while the steps wait on the network. */
  private async watchdog(): Promise<void> {
    const { stop } = this;
    while (!stop.signal.aborted) {
      await sleep(this.options.pollMs ?? 100, undefined, { signal: stop.signal }).catch(() => undefined);
      const overdue = stop.signal.aborted ? undefined : this.watcher.overdue();
      if (overdue?.kind === 'stop') {
        // All data is in; a payload that does not exit is only stopped.
        this.note(`hb-harness: the payload did not exit within ${this.options.timeouts.shutdownSeconds} s of its last record; killing it\n`);
        stop.abort(new Error('shutdown timeout'));
      } else if (overdue) {
        this.fail(overdue.phase, overdue.detail);
      }
    }
  }

  private async close(): Promise<void> {
    if (this.client) {
      // A payload still running (stopped by a timeout, a failure or the run's interruption) is killed.
      await cleanUp(this.client, this.placed, this.exited ? undefined : this.pid);
      await closeClient(this.client);
    }
    await closeStream(this.data);
    await closeStream(this.consoleLog);
  }
}
