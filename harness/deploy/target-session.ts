import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GuestConfig, Timeouts } from '../config/types.js';
import { printable } from '../console/printable.js';
import { GuestRunError, interruptionReason } from '../runner/errors.js';
import type { EventSink } from '../runner/events.js';
import { feedDataChannel, type DataPhase, type GuestSessionResult } from '../runner/guest-session.js';
import { CONSOLE_LOG_MAX_BYTES, NOTHING_PRINTED } from '../runner/console-tail.js';
import { connectSsh, describeEndpoint, type SshClient } from '../ssh/connect.js';
import { closeClient } from '../ssh/exec.js';
import { DataChannel } from '../wire/data-channel.js';
import { streamExpectation } from '../wire/expectation.js';
import { cleanUp, payloadArgs, payloadCommand, pidFrom, placePayload, runPayload, type PlacedPayload } from './remote-payload.js';
import type { SshTargetRun } from './types.js';

export interface TargetSessionOptions {
  guest: GuestConfig;
  target: SshTargetRun;
  boot?: number;
  /** Boots the guest has in all, for progress; default `benchmarks.boots`. */
  boots?: number;
  /** Where console.log (the payload's stderr and the harness's notes) and data.bin (its stdout) go. */
  guestDir: string;
  timeouts: Timeouts;
  emit: EventSink;
  signal?: AbortSignal;
  /** How often deadlines are checked. */
  pollMs?: number;
}

type Phase = GuestRunError['phase'];

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
export async function runTargetSession(options: TargetSessionOptions): Promise<GuestSessionResult> {
  const { guest, target, timeouts, emit, signal } = options;
  const boot = options.boot ?? 1;
  const started = Date.now();
  await mkdir(options.guestDir, { recursive: true });
  const data = createWriteStream(join(options.guestDir, 'data.bin'));
  const consoleLog = createWriteStream(join(options.guestDir, 'console.log'));
  const tail = new Tail();
  let consoleBytes = 0;
  const note = (text: string) => {
    consoleBytes += Buffer.byteLength(text);
    if (consoleBytes <= CONSOLE_LOG_MAX_BYTES) consoleLog.write(text);
    tail.add(text);
  };
  const where = describeEndpoint(target.endpoint);
  const args = payloadArgs(guest.benchmarks, '-');
  const argv = ['ssh', where, payloadCommand('<dir>/hb-payload', args, target.cpus)];
  emit({ type: 'guest-booting', guest: guest.name, boot, boots: options.boots ?? guest.benchmarks.boots, argv, vcpus: guest.vcpus });

  const channel = new DataChannel(streamExpectation(guest));
  let dataBytes = 0;
  let phase = 'start' as Phase;
  let deadline = started + timeouts.bootSeconds * 1000;
  let client: SshClient | undefined;
  let placed: PlacedPayload | undefined;
  let pid: number | undefined;
  let stderrText = '';
  let exited = false;
  let failure: GuestRunError | undefined;
  const fail = (p: Phase, detail: string, cause?: unknown) => {
    failure ??= new GuestRunError(guest.name, p, detail, tail.toString(), cause === undefined ? undefined : { cause });
    stop.abort(failure);
  };
  // Ends the remote command when the session fails, times out or is interrupted.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const onStdout = (chunk: Buffer) => {
    if (failure || stop.signal.aborted) return;
    data.write(chunk);
    dataBytes += chunk.length;
    let next: DataPhase | undefined;
    try {
      next = feedDataChannel(channel, chunk, guest.name, boot, emit);
    } catch (cause) {
      fail('data', (cause as Error).message, cause);
      return;
    }
    if (next) {
      phase = next;
      deadline = Date.now() + (next === 'shutdown' ? timeouts.shutdownSeconds : timeouts.benchmarkSeconds) * 1000;
    }
  };
  const onStderr = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (pid === undefined) {
      stderrText = (stderrText + text).slice(0, 4096);
      pid = pidFrom(stderrText);
    }
    note(text);
    if (consoleBytes > CONSOLE_LOG_MAX_BYTES) fail('console', `expected at most ${CONSOLE_LOG_MAX_BYTES} bytes of output on stderr, got more (the payload floods it; stopped before it fills the disk)`);
  };

  // Deadlines, checked while the steps below wait on the network.
  const watchdog = (async () => {
    while (!stop.signal.aborted) {
      await sleep(options.pollMs ?? 100, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted || Date.now() <= deadline) continue;
      if (phase === 'shutdown') {
        // All data is in; a payload that does not exit is only stopped.
        note(`hb-harness: the payload did not exit within ${timeouts.shutdownSeconds} s of its last record; killing it\n`);
        stop.abort(new Error('shutdown timeout'));
      } else if (phase === 'start' || phase === 'boot') {
        fail(phase, `expected data records from ${where} within the ${timeouts.bootSeconds} s boot timeout, got none`);
      } else {
        fail(phase, `expected data records, got none within the ${timeouts.benchmarkSeconds} s benchmark timeout`);
      }
    }
  })();

  try {
    note(`hb-harness: connecting to ${where}\n`);
    const connectMs = Math.min(target.connectTimeoutMs, timeouts.bootSeconds * 1000);
    client = await connectSsh(target.endpoint, { timeoutMs: connectMs, signal: stop.signal });
    phase = 'boot';
    placed = await placePayload(client, target.payload, note, stop.signal);
    note(`hb-harness: running ${payloadCommand(placed.binary, args, target.cpus)}\n`);
    const outcome = await runPayload(client, placed, args, { onStdout, onStderr, signal: stop.signal, ...(target.cpus ? { cpus: target.cpus } : {}) });
    exited = true;
    if (!failure && !channel.stream.complete) {
      const status = outcome.code === null ? `was killed (signal ${outcome.signal ?? 'unknown'})` : `exited with status ${outcome.code}`;
      const pending = channel.pendingBytes > 0 ? `; ${channel.pendingBytes} bytes of an unfinished record` : '';
      fail(phase, `the payload ${status} before it finished sending its records${pending}`);
    }
  } catch (caught) {
    if (!failure && !(stop.signal.aborted && channel.stream.complete)) {
      if (signal?.aborted) {
        failure = new GuestRunError(guest.name, phase, interruptionReason(signal), tail.toString());
      } else {
        fail(phase, (caught as Error).message, caught);
      }
    }
  } finally {
    stop.abort(new Error('session over'));
    await watchdog;
    signal?.removeEventListener('abort', onAbort);
    if (client) {
      // A payload still running (stopped by a timeout, a failure or the run's interruption) is killed.
      await cleanUp(client, placed, exited ? undefined : pid);
      await closeClient(client);
    }
    await closeStream(data);
    await closeStream(consoleLog);
  }
  const seconds = (Date.now() - started) / 1000;
  const interrupted = failure && signal?.aborted ? interruptionReason(signal) : undefined;
  if (failure) emit({ type: 'guest-failed', guest: guest.name, boot, error: failure });
  else emit({ type: 'guest-done', guest: guest.name, boot, seconds });
  return { stream: channel.stream, dataBytes, argv, affinity: [], exit: undefined, error: failure, ...(interrupted ? { interrupted } : {}), seconds, otherLoad: undefined };
}
