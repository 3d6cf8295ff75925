import { access, mkdir, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsoleSession } from '../console/session.js';
import type { DeployStep } from '../deploy/types.js';
import type { PreparedGuest } from '../guests/adapter.js';
import { pinThread, readThreadAffinity, threadPins, type VcpuAffinity } from '../host/affinity.js';
import { loadSnapshot, otherLoad, type LoadSnapshot } from '../host/load.js';
import { interruptionReason, raceAbort } from '../lifecycle/interrupt.js';
import { qemuArgv } from '../qemu/argv.js';
import { describeExit, QemuProcess, type QemuExit } from '../qemu/process.js';
import { QmpClient, queryVcpuThreads } from '../qemu/qmp.js';
import type { Accel } from '../units.js';
import { consoleFlood, consoleTail, NOTHING_PRINTED } from './console-tail.js';
import { GuestRunError } from './errors.js';
import { FileTail } from './file-tail.js';
import { socketDirectory, type SocketDirectory } from './socket-dir.js';
import { panicIn } from './panic.js';
import type { Session, SessionRequest, SessionResult } from './types.js';
import { DataChannelWatcher } from './watcher.js';

export interface GuestSessionOptions extends SessionRequest {
  prepared: PreparedGuest;
  accel: Accel;
  /** vCPUs to give the guest (may be fewer than configured). */
  vcpus: number;
  /** QEMU `-cpu` model (chooseCpuModel); undefined: the accelerator's default (defaultCpuModel). */
  cpuModel?: string;
  /** Console output allowed before the guest is stopped as flooding; default CONSOLE_LOG_MAX_BYTES (tests give less). */
  consoleLogMaxBytes?: number;
  /** Bytes free for files on the file system of a folder; default statfs's available blocks (tests give a full disk). */
  freeBytes?: (dir: string) => Promise<number>;
}

const QMP_CONNECT_MS = 15_000;
/** Guest memory below which a boot that stops early is blamed on memory, for an adapter that names no figure of its own. */
export const MEMORY_KNOWN_TO_BOOT_MIB = 128;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The files of a boot file setting: the path itself, or, for a multiboot kernel's -initrd, which
 * lists modules separated by commas (",," is a comma in a name), each a file and its arguments
 * (GNU Mach's "payload ${host-port} ..."), the first word of each module.
 */
async function bootFilePaths(file: string, cwd: string): Promise<string[]> {
  const whole = resolve(cwd, file);
  if (await exists(whole)) return [whole];
  const modules = file
    .split(/(?<!,),(?!,)/)
    .map((module) => module.replaceAll(',,', ',').trim().split(/\s+/)[0]!)
    .filter((name) => name !== '');
  return modules.length > 1 || (modules.length === 1 && modules[0] !== file) ? modules.map((name) => resolve(cwd, name)) : [whole];
}

/**
 * The kernel or initrd QEMU is to load, when it is not there (any more): the image was prepared,
 * so it was; something deleted it since, e.g. the cache during the run. Paths are QEMU's, relative
 * to its working directory.
 */
async function missingBootFiles(boot: PreparedGuest['boot']): Promise<string | undefined> {
  const files = [
    ['kernel', boot.kernel],
    ['initrd', boot.initrd],
  ] as const;
  for (const [what, file] of files) {
    if (file === undefined) continue;
    for (const where of await bootFilePaths(file, boot.cwd ?? process.cwd())) {
      if (!(await exists(where))) return `the ${what} file ${where} vanished after the image was prepared (was the cache deleted during the run?)`;
    }
  }
  return undefined;
}

/** Less free space than this (a data-channel record is at most 20 + 65536 bytes) counts as a full disk. */
export const FULL_DISK_BYTES = 1024 * 1024;

/** Bytes available to unprivileged files on the file system of `dir` (statfs). */
async function availableBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** The sockets QEMU listens on: its monitor and, for a guest driven at its console, the console. */
const SOCKET_NAMES = ['qmp.sock', 'console.sock'] as const;
/** How far back in console.log a panic line is looked for. */
const PANIC_SEARCH_BYTES = 64 * 1024;

/** Boots a prepared guest under QEMU. */
export function qemuSession(prepared: PreparedGuest, accel: Accel, vcpus: number, cpuModel?: string): Session {
  return { kind: 'qemu', run: (request) => runGuestSession({ ...request, prepared, accel, vcpus, ...(cpuModel ? { cpuModel } : {}) }) };
}

/** Boots one guest under QEMU, pins its vCPUs, reads its data channel to the end, and always reaps QEMU. */
export async function runGuestSession(options: GuestSessionOptions): Promise<SessionResult> {
  await mkdir(options.guestDir, { recursive: true });
  // In the boot's folder when the paths fit a unix socket address (108 bytes), else a short temporary folder.
  const sockets = await socketDirectory(options.guestDir, SOCKET_NAMES);
  return new QemuBoot(options, sockets).run();
}

/** One boot under QEMU: start paused, pin, continue, watch the data channel, stop. */
class QemuBoot {
  private readonly started = Date.now();
  private readonly socketDir: string;
  private readonly boot: number;
  private readonly consoleLog: string;
  private readonly dataFile: string;
  private readonly data: FileTail;
  private readonly watcher: DataChannelWatcher;
  private readonly affinity: VcpuAffinity[] = [];
  private argv: string[] = [];
  private qemu: QemuProcess | undefined;
  private qmp: QmpClient | undefined;
  private consoleSession: ConsoleSession | undefined;
  private deployStep: DeployStep | undefined;
  private driveError: Error | undefined;
  private deployError: Error | undefined;
  private loadBefore: LoadSnapshot | undefined;
  // The last snapshot taken while QEMU was alive: its CPU time is unreadable once it has exited.
  private loadLast: LoadSnapshot | undefined;

  constructor(
    private readonly options: GuestSessionOptions,
    private readonly sockets: SocketDirectory,
  ) {
    this.socketDir = sockets.dir;
    this.boot = options.boot ?? 1;
    this.consoleLog = join(options.guestDir, 'console.log');
    this.dataFile = join(options.guestDir, 'data.bin');
    this.data = new FileTail(this.dataFile);
    this.watcher = new DataChannelWatcher(options.guest, this.boot, options.timeouts, options.emit);
  }

  async run(): Promise<SessionResult> {
    const { guest, emit, signal } = this.options;
    let error: GuestRunError | undefined;
    let exit: QemuExit | undefined;
    try {
      await this.start();
      await this.watch();
    } catch (caught) {
      error = await this.failure(caught);
    } finally {
      exit = await this.stop();
    }
    const seconds = (Date.now() - this.started) / 1000;
    const interrupted = error && signal?.aborted ? interruptionReason(signal) : undefined;
    if (error) emit({ type: 'guest-failed', guest: guest.name, boot: this.boot, error });
    else emit({ type: 'guest-done', guest: guest.name, boot: this.boot, seconds });
    const { loadBefore, loadLast } = this;
    const load = loadBefore && loadLast && guest.pin ? otherLoad(loadBefore, loadLast, guest.pin) : undefined;
    const { stream } = this.watcher.channel;
    return {
      stream,
      dataBytes: this.watcher.dataBytes,
      argv: this.argv,
      affinity: this.affinity,
      exit,
      error,
      ...(interrupted ? { interrupted } : {}),
      seconds,
      otherLoad: load,
    };
  }

  /** QEMU started paused, its monitor connected, its vCPUs pinned; then it runs, with the deploy step and console driver beside it. */
  private async start(): Promise<void> {
    const { guest, prepared, emit, signal } = this.options;
    // deploy: ssh: per boot, a forwarded port for QEMU and a step that runs once the guest does.
    if (prepared.deploy)
      this.deployStep = await prepared.deploy.begin({
        guestDir: this.options.guestDir,
        boot: this.boot,
        timeouts: this.options.timeouts,
        ...(signal ? { signal } : {}),
      });
    const argv = this.qemuArgs();
    this.argv = [prepared.boot.qemuBinary, ...argv];
    emit({
      type: 'guest-booting',
      guest: guest.name,
      boot: this.boot,
      boots: this.options.boots ?? guest.benchmarks.boots,
      argv: this.argv,
      vcpus: this.options.vcpus,
    });
    const gone = await missingBootFiles(prepared.boot);
    if (gone) throw await this.diagnosed('start', `${gone}; QEMU was not started`);
    const qemu = QemuProcess.start(prepared.boot.qemuBinary, argv, prepared.boot.cwd);
    this.qemu = qemu;
    try {
      const exitedFirst = qemu.exited.then((exit) => {
        throw new Error(`QEMU exited before its monitor answered: ${describeExit(exit)}`);
      });
      this.qmp = await raceAbort(Promise.race([QmpClient.connect(join(this.socketDir, 'qmp.sock'), QMP_CONNECT_MS), exitedFirst]), signal);
    } catch (cause) {
      throw await this.diagnosed('start', await this.startFailure(qemu, cause), cause);
    }
    await this.pin(this.qmp, qemu);
    // Connected before the guest runs, so no console output is missed.
    if (prepared.drive) this.consoleSession = await ConsoleSession.connect(join(this.socketDir, 'console.sock'), QMP_CONNECT_MS);
    this.loadBefore = await loadSnapshot(qemu.pid);
    await this.qmp.execute('cont');
    this.deployStep?.run().catch((error: unknown) => {
      this.deployError = error instanceof Error ? error : new Error(String(error));
    });
    if (prepared.drive && this.consoleSession) {
      prepared.drive(this.consoleSession).catch((error: unknown) => {
        this.driveError = error instanceof Error ? error : new Error(String(error));
      });
    }
    this.watcher.booting();
  }

  /**
   * Why QEMU did not come up, with its exit and stderr when it stopped (its monitor dies with it: a
   * bare "QMP qmp_capabilities: no answer" hides QEMU's own "could not open kernel file"), and the
   * boot file that vanished meanwhile, if one did.
   */
  private async startFailure(qemu: QemuProcess, cause: unknown): Promise<string> {
    const message = cause instanceof Error ? cause.message : String(cause);
    const exit = message.startsWith('QEMU exited') ? undefined : await Promise.race([qemu.exited, sleep(1000).then(() => undefined)]);
    const detail = exit ? `${message}; QEMU stopped (${describeExit(exit)})` : message;
    const gone = await missingBootFiles(this.options.prepared.boot);
    return gone ? `${gone}; ${detail}` : detail;
  }

  private qemuArgs(): string[] {
    const { guest, prepared } = this.options;
    const extra = this.deployStep ? [...(prepared.boot.extraArgs ?? []), ...this.deployStep.qemuArgs] : prepared.boot.extraArgs;
    return qemuArgv({
      binary: prepared.boot.qemuBinary,
      accel: this.options.accel,
      cpuModel: this.options.cpuModel,
      vcpus: this.options.vcpus,
      memoryMiB: guest.memoryMiB,
      kernel: prepared.boot.kernel,
      initrd: prepared.boot.initrd,
      append: prepared.boot.append,
      consoleLog: this.consoleLog,
      dataFile: this.dataFile,
      qmpSocket: join(this.socketDir, 'qmp.sock'),
      consoleSocket: prepared.drive ? join(this.socketDir, 'console.sock') : undefined,
      startPaused: true,
      extraArgs: extra,
    });
  }

  /** Each vCPU thread pinned to the host CPUs the config gives its vCPUs (threadPins), and the affinity read back. */
  private async pin(qmp: QmpClient, qemu: QemuProcess): Promise<void> {
    const { guest, emit } = this.options;
    const vcpus = await queryVcpuThreads(qmp);
    for (const [threadId, cpus] of threadPins(vcpus, guest.pin)) await pinThread(threadId, cpus);
    // Read back once every thread is pinned: vCPUs that share a thread share its affinity.
    for (const { cpuIndex, threadId } of vcpus) {
      this.affinity.push({ vcpu: cpuIndex, threadId, hostCpus: await readThreadAffinity(qemu.pid!, threadId), requested: guest.pin?.[cpuIndex] });
    }
    emit({ type: 'vcpus-pinned', guest: guest.name, affinity: this.affinity });
  }

  /** Reads data.bin as QEMU writes it until every record is in and QEMU is gone (or told to go), or a fault. */
  private async watch(): Promise<void> {
    const qemu = this.qemu!;
    const { signal } = this.options;
    for (;;) {
      if (signal?.aborted) {
        if (this.watcher.complete) return; // all data is in: the boot counts as done
        throw signal.reason;
      }
      const exitedBeforeRead = qemu.hasExited;
      if (!exitedBeforeRead && this.options.guest.pin) {
        const snapshot = await loadSnapshot(qemu.pid);
        if (snapshot.processTicks !== undefined) this.loadLast = snapshot;
      }
      await this.readData();
      await this.checkSideSteps();
      // Reads are bounded (FILE_TAIL_READ_BYTES): read on before taking the file as drained.
      if (exitedBeforeRead && this.data.more) continue;
      if (exitedBeforeRead) {
        // Everything QEMU wrote is on disk once it has exited, so this read was the last.
        const qemuExit = await qemu.exited;
        if (this.watcher.complete) return;
        throw await this.diagnosed(this.watcher.phase, `QEMU stopped before the payload finished (${describeExit(qemuExit)})${this.watcher.unfinished()}`);
      }
      const overdue = this.watcher.overdue();
      if (overdue?.kind === 'stop') return; // all data is in; a guest that does not power off is only stopped
      if (overdue) throw await this.diagnosed(overdue.phase, overdue.detail);
      if (!this.data.more) await sleep(this.options.pollMs ?? 100);
    }
  }

  private async readData(): Promise<void> {
    const bytes = await this.data.read();
    if (bytes.length === 0) return;
    try {
      this.watcher.feed(bytes);
    } catch (cause) {
      throw await this.diagnosed('data', (cause as Error).message, cause);
    }
  }

  /** The console driver, the deploy step and the console's size can each fail the boot. */
  private async checkSideSteps(): Promise<void> {
    if (this.driveError) throw await this.diagnosed('console', this.driveError.message, this.driveError);
    // Once every record is in, a deploy step that fails afterwards (powering off) does not fail the boot.
    if (this.deployError && !this.watcher.complete) throw await this.diagnosed('deploy', this.deployError.message, this.deployError);
    const flood = await consoleFlood(this.consoleLog, this.options.consoleLogMaxBytes);
    if (flood) throw await this.diagnosed('console', flood);
  }

  /** A fault of the guest, with its console tail, a panic line and the adapter's diagnosis when there are any. */
  private async diagnosed(phase: GuestRunError['phase'], detail: string, cause?: unknown): Promise<GuestRunError> {
    const tail = await consoleTail(this.consoleLog);
    // A panic's own line may sit above a long stack trace, so it is looked for further back.
    const panic = panicIn(await consoleTail(this.consoleLog, PANIC_SEARCH_BYTES));
    const advice = this.options.prepared.diagnose?.(tail);
    let text = detail;
    if (panic) text = `the guest panicked ("${panic}"); ${text}`;
    if (tail === NOTHING_PRINTED) text = `${text}; the guest printed nothing on its console`;
    text += await this.fullDisk();
    const likely = advice ?? this.memoryAdvice();
    if (likely) text = `${text}; likely cause: ${likely}`;
    return new GuestRunError(this.options.guest.name, phase, text, tail, { cause });
  }

  /**
   * For a boot that ended before the payload's first record, with less memory than the guest is known to
   * boot with (its adapter's `memoryMiBKnownToBoot`, else MEMORY_KNOWN_TO_BOOT_MIB): that the memory
   * is the likely cause. A kernel short of memory often stops silently (an early panic, a reboot
   * QEMU's -no-reboot turns into an exit with code 0).
   */
  private memoryAdvice(): string | undefined {
    const { guest, prepared } = this.options;
    const known = prepared.memoryMiBKnownToBoot ?? MEMORY_KNOWN_TO_BOOT_MIB;
    // Only before the payload's first record: a guest that got as far as benchmarks had memory enough to boot.
    if (this.watcher.phase !== 'start' && this.watcher.phase !== 'boot') return undefined;
    if (guest.memoryMiB >= known) return undefined;
    return `too little memory for this guest (memoryMiB: ${guest.memoryMiB}; it is known to boot with ${known}): raise guests[].memoryMiB of ${guest.name}`;
  }

  /**
   * "; the file system … is full" when the boot's folder is on a full file system: QEMU writes
   * data.bin and console.log there and says nothing when a write fails, so the data channel just
   * ends short (mid-record) or goes quiet. Checked whenever a boot fails; "" otherwise.
   */
  private async fullDisk(): Promise<string> {
    const { guestDir, freeBytes } = this.options;
    const free = await (freeBytes ?? availableBytes)(guestDir).catch(() => undefined);
    if (free === undefined || free >= FULL_DISK_BYTES) return '';
    return `; the file system of ${guestDir} is full (${free} bytes available): QEMU could not write all of data.bin and console.log there; free some space and finish the run with harness run --resume`;
  }

  /** What stopped the boot, as the boot's error. */
  private async failure(caught: unknown): Promise<GuestRunError> {
    const { signal } = this.options;
    const phase = this.watcher.phase;
    // Once interrupted, whatever else went wrong (QEMU killed by the same Ctrl-C) is the interruption.
    if (signal?.aborted) {
      // Not a fault of the guest: no panic or silence diagnosis, just where it was stopped.
      return new GuestRunError(this.options.guest.name, phase, interruptionReason(signal), await consoleTail(this.consoleLog), {
        cause: caught === signal.reason ? undefined : caught,
      });
    }
    if (caught instanceof GuestRunError) return caught;
    // A monitor or socket error is often QEMU dying (crashed, killed): say so when it has.
    const qemuExit = this.qemu ? await Promise.race([this.qemu.exited, sleep(1000).then(() => undefined)]) : undefined;
    const detail = (caught as Error).message;
    return this.diagnosed(phase, qemuExit ? `${detail}; QEMU stopped (${describeExit(qemuExit)})` : detail, caught);
  }

  /** QEMU stopped and reaped, and everything the boot opened closed, however it ended. */
  private async stop(): Promise<QemuExit | undefined> {
    await this.deployStep?.close();
    this.consoleSession?.close();
    this.qmp?.close();
    const exit = this.qemu ? await this.qemu.stop() : undefined;
    await this.data.close();
    await this.sockets.remove();
    return exit;
  }
}
