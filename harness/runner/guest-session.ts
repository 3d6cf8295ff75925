import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GuestConfig, Timeouts } from '../config/types.js';
import type { PreparedGuest } from '../guests/adapter.js';
import { pinThread, readThreadAffinity } from '../host/affinity.js';
import { loadSnapshot, otherLoad, type LoadSnapshot } from '../host/load.js';
import { qemuArgv } from '../qemu/argv.js';
import { describeExit, QemuProcess, type QemuExit } from '../qemu/process.js';
import { QmpClient, queryVcpuThreads } from '../qemu/qmp.js';
import type { Accel } from '../units.js';
import { DataChannel } from '../wire/data-channel.js';
import { streamExpectation } from '../wire/expectation.js';
import type { GuestStream, StreamEvent } from '../wire/stream.js';
import { ConsoleSession } from '../console/session.js';
import { consoleFlood, consoleTail, NOTHING_PRINTED } from './console-tail.js';
import { GuestRunError, interruptionReason, raceAbort } from './errors.js';
import type { EventSink, RunEvent, VcpuAffinity } from './events.js';
import { FileTail } from './file-tail.js';
import { panicIn } from './panic.js';

export interface GuestSessionOptions {
  guest: GuestConfig;
  prepared: PreparedGuest;
  accel: Accel;
  /** vCPUs to give the guest (may be fewer than configured). */
  vcpus: number;
  /** Which boot of the guest this is, from 1. */
  boot?: number;
  /** Boots the guest has in all, for progress; default `benchmarks.boots`. */
  boots?: number;
  /** Where console.log and data.bin go. */
  guestDir: string;
  timeouts: Timeouts;
  emit: EventSink;
  /** How often the data channel is read; short enough that timeouts are precise. */
  pollMs?: number;
  /** Console output allowed before the guest is stopped as flooding; default CONSOLE_LOG_MAX_BYTES (tests give less). */
  consoleLogMaxBytes?: number;
  /** Aborted on SIGINT/SIGTERM: QEMU is stopped and reaped, and the result says `interrupted`. */
  signal?: AbortSignal;
}

export interface GuestSessionResult {
  /** What arrived, complete or not: completed benchmarks are kept even when the guest failed later. */
  stream: GuestStream;
  /** Bytes of data.bin read and decoded into `stream`. */
  dataBytes: number;
  argv: string[];
  affinity: VcpuAffinity[];
  exit: QemuExit | undefined;
  error: GuestRunError | undefined;
  /** Set when the boot was stopped by `signal` ("interrupted by SIGINT"); `error` says where it was. */
  interrupted?: string;
  seconds: number;
  /** Busy fraction of the pinned CPUs during the run not accounted for by QEMU; undefined when unpinned. */
  otherLoad: number | undefined;
}

const QMP_CONNECT_MS = 15_000;
/** How far back in console.log a panic line is looked for. */
const PANIC_SEARCH_BYTES = 64 * 1024;

/** Boots one guest under QEMU, pins its vCPUs, reads its data channel to the end, and always reaps QEMU. */
export async function runGuestSession(options: GuestSessionOptions): Promise<GuestSessionResult> {
  const { guest, prepared, timeouts, emit } = options;
  const boot = options.boot ?? 1;
  const started = Date.now();
  await mkdir(options.guestDir, { recursive: true });
  const consoleLog = join(options.guestDir, 'console.log');
  const dataFile = join(options.guestDir, 'data.bin');
  // Unix socket paths are limited to 108 bytes, so the socket lives in a short temporary directory.
  const socketDir = await mkdtemp(join(tmpdir(), 'hb-qmp-'));
  // deploy: ssh: per boot, a forwarded port for QEMU and a step that runs once the guest does.
  const deployStep = prepared.deploy ? await prepared.deploy.begin({ guestDir: options.guestDir, boot, timeouts, ...(options.signal ? { signal: options.signal } : {}) }) : undefined;
  const argv = qemuArgv({
    binary: prepared.boot.qemuBinary,
    accel: options.accel,
    cpuModel: prepared.boot.cpuModel,
    vcpus: options.vcpus,
    memoryMiB: guest.memoryMiB,
    kernel: prepared.boot.kernel,
    initrd: prepared.boot.initrd,
    append: prepared.boot.append,
    consoleLog,
    dataFile,
    qmpSocket: join(socketDir, 'qmp.sock'),
    consoleSocket: prepared.drive ? join(socketDir, 'console.sock') : undefined,
    startPaused: true,
    extraArgs: deployStep ? [...(prepared.boot.extraArgs ?? []), ...deployStep.qemuArgs] : prepared.boot.extraArgs,
  });
  emit({ type: 'guest-booting', guest: guest.name, boot, boots: options.boots ?? guest.benchmarks.boots, argv: [prepared.boot.qemuBinary, ...argv], vcpus: options.vcpus });

  // Records beyond what the config asked for (forged ones) stop the stream like damaged ones.
  const channel = new DataChannel(streamExpectation(guest));
  let dataBytes = 0;
  const data = new FileTail(dataFile);
  const affinity: VcpuAffinity[] = [];
  let qemu: QemuProcess | undefined;
  let qmp: QmpClient | undefined;
  let consoleSession: ConsoleSession | undefined;
  let driveError: Error | undefined;
  let deployError: Error | undefined;
  let error: GuestRunError | undefined;
  let exit: QemuExit | undefined;
  let loadBefore: LoadSnapshot | undefined;
  // The last snapshot taken while QEMU was alive: its CPU time is unreadable once it has exited.
  let loadLast: LoadSnapshot | undefined;
  const fail = async (phase: GuestRunError['phase'], detail: string, cause?: unknown) => {
    const tail = await consoleTail(consoleLog);
    // A panic's own line may sit above a long stack trace, so it is looked for further back.
    const panic = panicIn(await consoleTail(consoleLog, PANIC_SEARCH_BYTES));
    const advice = prepared.diagnose?.(tail);
    let text = detail;
    if (panic) text = `the guest panicked ("${panic}"); ${text}`;
    if (tail === NOTHING_PRINTED) text = `${text}; the guest printed nothing on its console`;
    if (advice) text = `${text}; likely cause: ${advice}`;
    return new GuestRunError(guest.name, phase, text, tail, { cause });
  };
  const { signal } = options;
  let phase: 'start' | 'boot' | 'benchmark' | 'shutdown' = 'start';

  try {
    qemu = QemuProcess.start(prepared.boot.qemuBinary, argv);
    try {
      qmp = await raceAbort(Promise.race([
        QmpClient.connect(join(socketDir, 'qmp.sock'), QMP_CONNECT_MS),
        qemu.exited.then((exit) => {
          throw new Error(`QEMU exited before its monitor answered: ${describeExit(exit)}`);
        }),
      ]), signal);
    } catch (cause) {
      throw await fail('start', cause instanceof Error ? cause.message : String(cause), cause);
    }
    const threads = await queryVcpuThreads(qmp);
    for (const { cpuIndex, threadId } of threads) {
      const requested = guest.pin?.[cpuIndex];
      if (requested !== undefined) await pinThread(threadId, requested);
      affinity.push({ vcpu: cpuIndex, threadId, hostCpus: await readThreadAffinity(qemu.pid!, threadId), requested });
    }
    emit({ type: 'vcpus-pinned', guest: guest.name, affinity });
    // Connected before the guest runs, so no console output is missed.
    if (prepared.drive) consoleSession = await ConsoleSession.connect(join(socketDir, 'console.sock'), QMP_CONNECT_MS);
    loadBefore = await loadSnapshot(qemu.pid);
    await qmp.execute('cont');
    deployStep?.run().catch((error: unknown) => {
      deployError = error instanceof Error ? error : new Error(String(error));
    });
    if (prepared.drive && consoleSession) {
      prepared.drive(consoleSession).catch((error: unknown) => {
        driveError = error instanceof Error ? error : new Error(String(error));
      });
    }

    const pollMs = options.pollMs ?? 100;
    phase = 'boot';
    let deadline = Date.now() + timeouts.bootSeconds * 1000;
    for (;;) {
      if (signal?.aborted) {
        if (channel.stream.complete) break; // all data is in: the boot counts as done
        throw signal.reason;
      }
      const exitedBeforeRead = qemu.hasExited;
      if (!exitedBeforeRead && guest.pin) {
        const snapshot = await loadSnapshot(qemu.pid);
        if (snapshot.processTicks !== undefined) loadLast = snapshot;
      }
      const bytes = await data.read();
      dataBytes += bytes.length;
      if (bytes.length > 0) {
        let next: DataPhase | undefined;
        try {
          next = feedDataChannel(channel, bytes, guest.name, boot, emit);
        } catch (cause) {
          throw await fail('data', (cause as Error).message, cause);
        }
        if (next) {
          phase = next;
          deadline = Date.now() + (next === 'shutdown' ? timeouts.shutdownSeconds : timeouts.benchmarkSeconds) * 1000;
        }
      }
      if (driveError) throw await fail('console', driveError.message, driveError);
      // Once every record is in, a deploy step that fails afterwards (powering off) does not fail the boot.
      if (deployError && !channel.stream.complete) throw await fail('deploy', deployError.message, deployError);
      const flood = await consoleFlood(consoleLog, options.consoleLogMaxBytes);
      if (flood) throw await fail('console', flood);
      // Reads are bounded (FILE_TAIL_READ_BYTES): read on before taking the file as drained.
      if (exitedBeforeRead && data.more) continue;
      if (exitedBeforeRead) {
        // Everything QEMU wrote is on disk once it has exited, so this read was the last.
        const qemuExit = await qemu.exited;
        if (channel.stream.complete) break;
        const pending = channel.pendingBytes > 0 ? `; ${channel.pendingBytes} bytes of an unfinished record` : '';
        throw await fail(phase, `QEMU stopped before the payload finished (${describeExit(qemuExit)})${pending}`);
      }
      if (Date.now() > deadline) {
        if (phase === 'shutdown') break; // all data is in; a guest that does not power off is only stopped
        const limit = phase === 'boot' ? `${timeouts.bootSeconds} s boot timeout` : `${timeouts.benchmarkSeconds} s without data (benchmark timeout)`;
        throw await fail(phase, `expected data-channel records, got none within the ${limit}`);
      }
      if (!data.more) await sleep(pollMs);
    }
  } catch (caught) {
    // Once interrupted, whatever else went wrong (QEMU killed by the same Ctrl-C) is the interruption.
    if (signal?.aborted) {
      // Not a fault of the guest: no panic or silence diagnosis, just where it was stopped.
      error = new GuestRunError(guest.name, phase, interruptionReason(signal), await consoleTail(consoleLog), { cause: caught === signal.reason ? undefined : caught });
    } else {
      if (caught instanceof GuestRunError) {
        error = caught;
      } else {
        // A monitor or socket error is often QEMU dying (crashed, killed): say so when it has.
        const qemuExit = qemu ? await Promise.race([qemu.exited, sleep(1000).then(() => undefined)]) : undefined;
        const detail = (caught as Error).message;
        error = await fail(phase, qemuExit ? `${detail}; QEMU stopped (${describeExit(qemuExit)})` : detail, caught);
      }
    }
  } finally {
    await deployStep?.close();
    consoleSession?.close();
    qmp?.close();
    exit = qemu ? await qemu.stop() : undefined;
    await data.close();
    await rm(socketDir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  const interrupted = error && signal?.aborted ? interruptionReason(signal) : undefined;
  if (error) emit({ type: 'guest-failed', guest: guest.name, boot, error });
  else emit({ type: 'guest-done', guest: guest.name, boot, seconds });
  const load = loadBefore && loadLast && guest.pin ? otherLoad(loadBefore, loadLast, guest.pin) : undefined;
  return { stream: channel.stream, dataBytes, argv: [prepared.boot.qemuBinary, ...argv], affinity, exit, error, ...(interrupted ? { interrupted } : {}), seconds, otherLoad: load };
}

/** Where data-channel records put a guest: benchmarks running, or all records in. */
export type DataPhase = 'benchmark' | 'shutdown';

/**
 * Feeds data-channel bytes and emits the run events their records carry; returns the phase the
 * guest is in once any record arrived (undefined when these bytes completed none). Throws at the
 * first bad record, as DataChannel does.
 */
export function feedDataChannel(channel: DataChannel, bytes: Uint8Array, guest: string, boot: number, emit: EventSink): DataPhase | undefined {
  let events = 0;
  channel.feed(bytes, (event) => {
    events++;
    const runEvent = toRunEvent(guest, boot, event);
    if (runEvent) emit(runEvent);
  });
  return channel.stream.complete ? 'shutdown' : events > 0 ? 'benchmark' : undefined;
}

export function toRunEvent(guest: string, boot: number, event: StreamEvent): RunEvent | undefined {
  switch (event.kind) {
    case 'stream-begin':
      return { type: 'guest-started', guest, boot, kernel: event.info.kernel ?? 'unknown' };
    case 'benchmark-begin':
      return { type: 'benchmark-begin', guest, boot, metric: event.metric, iterations: event.iterations };
    case 'samples':
      return { type: 'benchmark-progress', guest, boot, metric: event.metric, received: event.received, expected: event.expected };
    case 'benchmark-end':
      return { type: 'benchmark-end', guest, boot, benchmark: event.benchmark };
    case 'benchmark-skipped':
      return { type: 'benchmark-skipped', guest, boot, skipped: event.skipped };
    case 'benchmark-failed':
      return { type: 'benchmark-failed', guest, boot, failed: event.failed };
    case 'stream-end':
      return { type: 'payload-done', guest, boot };
    case 'peer': // reported with the figures, not as progress
      return undefined;
  }
}
