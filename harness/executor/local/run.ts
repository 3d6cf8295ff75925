import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../../config/types.js';
import { adapterFor, kvmProbeAdapter } from '../../guests/registry.js';
import { bootsOfGuest, guestForJob, isGuestsLastJob, planJobs } from '../../jobs/plan.js';
import { raceAbort, RunInterruptedError } from '../../lifecycle/interrupt.js';
import { chooseAccel, probeKvm, type AccelDecision } from '../../qemu/accel.js';
import { keptKvmProbe } from '../../qemu/kvm-probe-cache.js';
import type { NotRun } from '../../analysis/results.js';
import { RunDirectoryWriteError } from '../../rundir/atomic.js';
import type { GuestManifest, JobRecord, Manifest } from '../../rundir/manifest.js';
import { guestEntry, recordAccel, setGuestStatus, setJobState } from '../../rundir/record.js';
import type { Accel } from '../../units.js';
import type { GuestStream } from '../../wire/stream.js';
import type { GuestOutcome } from '../../analysis/accumulate.js';
import { runGuest } from '../run-guest.js';
import { describeError, endRecord, endRun, interruptionOf, skipIfUnavailable, writeRun, type RunFigures } from '../shared.js';
import type { ExecuteOptions, Executor, RunOutcome } from '../types.js';
import { keptGuests, qemuChecker, QEMU_X86_64, needsQemu, type KeptGuest } from './preflight.js';

/** Files a write-then-rename left behind when the harness died between the two. */
const TEMPORARY_FILE = /\.tmp-\d+$/;

/** Runs the jobs here, one after the other, in this process. */
export const localExecutor: Executor = {
  kind: 'local',
  async preflight(config) {
    if (needsQemu(config)) await qemuChecker()(QEMU_X86_64);
  },
  resumeReason(runDir, manifest) {
    if (manifest.finishedAt && !manifest.interrupted) {
      throw new Error(
        `expected an interrupted run in ${runDir}, got one that finished at ${manifest.finishedAt} (${manifest.complete ? 'complete' : 'incomplete, but not interrupted'}): nothing to resume`,
      );
    }
    return manifest.interrupted?.reason ?? 'the harness stopped without finishing the run (killed, or the machine went down)';
  },
  reusedBoots(manifest) {
    return manifest.guests.flatMap((g) => g.boots.filter((b) => b.status === 'done' || b.status === 'failed').map((b) => `${g.name} boot-${b.boot}`));
  },
  async execute(config, runDir, manifest, options) {
    let kept = new Map<string, KeptGuest>();
    if (options.resumed) {
      // Boots that finished (done or failed) are kept and their figures recomputed from their data.bin, exactly as `harness report` would.
      kept = await keptGuests(runDir, config, manifest);
      for (const name of await readdir(runDir)) if (TEMPORARY_FILE.test(name)) await rm(join(runDir, name), { force: true });
      manifest.guests = [];
    }
    return new LocalRun(config, runDir, manifest, kept, options).run();
  },
};

/** One invocation of a local run: its jobs, run in order, the manifest rewritten after each boot and the reports written at the end. */
class LocalRun {
  private readonly records: JobRecord[];
  /** Guests not run and guest-level failures; each run guest's own outcome is in perGuest. */
  private readonly skipped: NotRun[] = [];
  private readonly failed: NotRun[] = [];
  private readonly perGuest = new Map<string, GuestOutcome>();
  private readonly entries = new Map<string, GuestManifest>();
  /** Every boot's stream so far, per guest: each job of a guest adds to the figures of the ones before. */
  private readonly streamsOf = new Map<string, Map<number, GuestStream>>();
  private readonly guestErrors = new Map<string, string>();
  private readonly qemuVersion = qemuChecker();
  private decision: AccelDecision | undefined;

  constructor(
    private readonly config: RunConfig,
    private readonly runDir: string,
    private readonly manifest: Manifest,
    private readonly kept: Map<string, KeptGuest>,
    private readonly options: ExecuteOptions,
  ) {
    this.records = (options.jobs ?? planJobs(config)).map((job) => ({ ...job, executor: 'local', state: 'pending' }));
    manifest.executor = { kind: 'local', jobs: this.records };
    if (manifest.accel.chosen) this.decision = { accel: manifest.accel.chosen, reason: manifest.accel.reason ?? '' };
  }

  async run(): Promise<RunOutcome> {
    const { emit, signal } = this.options;
    emit({ type: 'run-start', runId: this.manifest.runId, runDir: this.runDir, guests: this.guestsRun().map((g) => g.name) });
    // At once, so the directory is whole (and says the run is not) before anything boots.
    await this.save();
    let interrupted: RunInterruptedError | undefined;
    for (const record of this.records) {
      if (signal?.aborted || (await this.runJob(record)) === 'interrupted') {
        interrupted = interruptionOf(signal);
        break;
      }
    }
    const figures = this.figures();
    endRecord(this.manifest, interrupted, figures.failed.length === 0);
    await this.save(this.options.reports !== false);
    return endRun(this.runDir, this.manifest, figures, interrupted, emit);
  }

  private guestsRun() {
    return this.config.guests.filter((g) => this.records.some((r) => r.guest === g.name));
  }

  private figures(): RunFigures {
    const outcomes = this.guestsRun().flatMap((g) => (this.perGuest.has(g.name) ? [{ guest: g, outcome: this.perGuest.get(g.name)! }] : []));
    return {
      results: outcomes.flatMap(({ outcome }) => outcome.results),
      skipped: [...this.skipped, ...outcomes.flatMap(({ outcome }) => outcome.skipped)],
      failed: [...this.failed, ...outcomes.flatMap(({ outcome }) => outcome.failed)],
      peers: outcomes.flatMap(({ outcome }) => outcome.peers),
      streams: outcomes.flatMap(({ guest, outcome }) => outcome.boots.map(({ boot, stream }) => ({ guest: guest.name, boot, stream }))),
    };
  }

  /**
   * Writes the manifest (after each boot: with the per-boot data.bin it is everything a killed run
   * needs to be resumed or reported); the derived reports only when `reports`, once at the end of the
   * run (issue 18: rendering them after every boot cost seconds of host time per guest).
   */
  private async save(reports = false): Promise<void> {
    const outputs = { manifest: this.manifest, ...this.figures(), bootstrap: this.config.bootstrap, baseline: this.config.report.baseline };
    await writeRun(this.runDir, outputs, reports);
  }

  /** The guest's entry, made on its first job (or taken from the run being resumed); undefined when the guest is skipped. */
  private async enterGuest(record: JobRecord): Promise<GuestManifest | undefined> {
    const guest = this.config.guests.find((g) => g.name === record.guest);
    if (!guest)
      throw new Error(
        `expected job ${record.id}'s guest ${record.guest} in ${this.config.file}, got guests ${this.config.guests.map((g) => g.name).join(', ')}`,
      );
    let entry = this.entries.get(guest.name);
    if (!entry) {
      const previous = this.kept.get(guest.name);
      entry = previous?.entry ?? guestEntry(guest);
      this.entries.set(guest.name, entry);
      this.manifest.guests.push(entry);
      this.streamsOf.set(guest.name, new Map(previous?.streams ?? []));
      // A guest with boots kept from before was available then; one run from the start is checked.
      const skip = previous ? undefined : await skipIfUnavailable(this.manifest, guest, adapterFor(guest), this.options.emit);
      if (skip) {
        this.skipped.push(skip);
        await this.save();
      }
    }
    if (entry.status === 'skipped') {
      setJobState(record, 'skipped', entry.reason);
      return undefined;
    }
    return entry;
  }

  /** Runs one job; 'interrupted' when a signal stopped it. A job that fails is recorded and the run goes on. */
  private async runJob(record: JobRecord): Promise<'ran' | 'interrupted'> {
    const entry = await this.enterGuest(record);
    if (!entry) return 'ran';
    const guest = this.config.guests.find((g) => g.name === record.guest)!;
    const adapter = adapterFor(guest);
    setGuestStatus(entry, 'running', entry.reason);
    setJobState(record, 'running');
    const streams = this.streamsOf.get(guest.name)!;
    try {
      // An ssh target runs on its own CPU: no accelerator to choose, its figures are real TSC ticks.
      const accel = adapter.reach === 'ssh' ? 'native' : (await this.decideAccel()).accel;
      record.accel = accel;
      await runGuest(guestForJob(guest, record), adapter, entry, {
        config: this.config,
        runDir: this.runDir,
        accel,
        emit: this.options.emit,
        qemuVersion: this.qemuVersion,
        signal: this.options.signal,
        keptStreams: streams,
        boots: record.boots,
        totalBoots: bootsOfGuest(guest, this.config.executor.split),
        job: record.id,
        // The whole plan, not this invocation's jobs: a Slurm job runs one job of it.
        anatomy: (this.options.anatomy === true || guest.anatomy === true) && isGuestsLastJob(planJobs(this.config), record),
        refresh: this.options.refresh === true,
        save: async (outcome) => {
          for (const { boot, stream } of outcome.boots) streams.set(boot, stream);
          this.perGuest.set(guest.name, outcome);
          await this.save();
        },
      });
      setJobState(record, 'done');
    } catch (error) {
      if (this.jobFailed(record, entry, error) === 'interrupted') return 'interrupted';
    }
    // A job that failed before its boots fails its guest, whatever the guest's other jobs did.
    const guestError = this.guestErrors.get(guest.name);
    if (guestError !== undefined) setGuestStatus(entry, 'failed', guestError);
    await this.save();
    return 'ran';
  }

  private jobFailed(record: JobRecord, entry: GuestManifest, error: unknown): 'failed' | 'interrupted' {
    // Nothing more can be kept: stop, and say which file could not be written.
    if (error instanceof RunDirectoryWriteError) throw error;
    if (this.options.signal?.aborted) {
      setGuestStatus(entry, 'interrupted', entry.reason);
      setJobState(record, 'interrupted');
      return 'interrupted';
    }
    const where = this.records.filter((r) => r.guest === record.guest).length > 1 ? `job ${record.id}: ` : '';
    this.guestErrors.set(record.guest, `${where}${(error as Error).message}`);
    setJobState(record, 'failed', (error as Error).message);
    this.failed.push({ guest: record.guest, reason: `${where}${describeError(error)}` });
    this.options.emit({ type: 'guest-failed', guest: record.guest, error: error as Error });
    return 'failed';
  }

  /** The accelerator, decided once per run (on the first guest that boots under QEMU) unless the run already had one. */
  private async decideAccel(): Promise<{ accel: Accel }> {
    const requested = this.options.accel;
    this.decision ??= await raceAbort(
      chooseAccel(requested, async () =>
        keptKvmProbe({ cacheDir: this.config.cacheDir, refresh: this.options.refresh === true, inputs: [await this.qemuVersion(QEMU_X86_64)] }, async () => {
          // A guest the registry names for it (a kernel that boots and halts quickly), whatever the config's guests are.
          const probe = await kvmProbeAdapter().kvmProbe(this.config.cacheDir);
          return probeKvm(probe.qemuBinary, probe.kernel);
        }),
      ),
      this.options.signal,
    );
    if (!this.manifest.accel.chosen) {
      recordAccel(this.manifest, this.decision.accel, this.decision.reason);
      this.options.emit({ type: 'accel-chosen', accel: this.decision.accel, reason: this.decision.reason });
    }
    return this.decision;
  }
}
