import { expect } from 'chai';
import type { RunConfig } from '../../harness/config/types.js';
import type { HostConditions } from '../../harness/host/conditions.js';
import type { BootManifest, JobRecord, Manifest } from '../../harness/rundir/manifest.js';
import {
  gatherBoot,
  guestEntry,
  markFinished,
  markGuestSkipped,
  markInterrupted,
  markResumed,
  newManifest,
  recordAccel,
  recordAnatomy,
  recordGuestSetup,
  recordHostConditions,
  setJobState,
  settleGuest,
} from '../../harness/rundir/record.js';

function manifest(jobs: JobRecord[] = []): Manifest {
  return {
    schemaVersion: 1,
    runId: 'r',
    complete: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    command: [],
    host: { hostname: 'h' } as unknown as Manifest['host'],
    project: { nodeVersion: 'v20' } as unknown as Manifest['project'],
    config: { file: 'c.yaml', sha256: 'x', copy: 'config.yaml' },
    accel: { requested: 'auto' },
    bootstrap: { resamples: 10, seed: 1, method: 'm' },
    executor: { kind: 'local', jobs },
    guests: [],
  };
}
const job = (id: string, guest: string): JobRecord => ({ id, guest, set: 0, include: ['*'], peers: true, boots: [1], executor: 'local', state: 'pending' });
const boot = (n: number, status: BootManifest['status'] = 'done'): BootManifest => ({
  boot: n,
  status,
  argv: [],
  hostAffinity: [],
  guestInfo: {},
  guestAffinity: {},
  seconds: 1,
  dataBytes: 0,
});
const conditions = (warnings: string[]): HostConditions => ({ warnings }) as unknown as HostConditions;

describe('the run record: the manifest changed through named operations', () => {
  it("records the CPU model a guest booted with, and the run's model only when the guest replaced it", () => {
    const entry = { name: 'g', os: 'linux', status: 'running', vcpusConfigured: 1, boots: [] } as Parameters<typeof recordGuestSetup>[0];
    recordGuestSetup(entry, { accel: 'tcg-icount', vcpusUsed: 1, cpu: { model: 'Nehalem' } });
    expect(entry).to.include({ cpuModel: 'Nehalem', vcpusUsed: 1 }).and.not.to.have.property('cpuModelOverride');
    recordGuestSetup(entry, { accel: 'tcg-icount', vcpusUsed: 1, cpu: { model: 'max', override: { runModel: 'Nehalem' } } });
    expect(entry).to.deep.include({ cpuModel: 'max', cpuModelOverride: { runModel: 'Nehalem' } });
    recordGuestSetup(entry, { accel: 'tcg-icount', vcpusUsed: 1, cpu: { model: 'Nehalem' } });
    expect(entry).not.to.have.property('cpuModelOverride');
  });

  it('a resume is recorded and opens the run again; an interruption and a finish close it', () => {
    const m = manifest();
    markInterrupted(m, { signal: 'SIGINT', message: 'interrupted by SIGINT' });
    expect(m.interrupted).to.include({ signal: 'SIGINT', reason: 'interrupted by SIGINT' });
    markResumed(m, { command: ['run'], after: 'interrupted by SIGINT', reused: ['a boot-1'] });
    expect(m.interrupted).to.equal(undefined);
    expect(m.resumes).to.have.length(1);
    expect(m.resumes![0]).to.include({ after: 'interrupted by SIGINT' });
    markFinished(m, true);
    expect(m.complete).to.equal(true);
    expect(m.finishedAt).to.be.a('string');
  });

  it('a skipped guest is recorded with why, and so is each of its jobs; an entry holding boots keeps them', () => {
    const m = manifest([job('a', 'a'), job('a.s2', 'a'), job('b', 'b')]);
    markGuestSkipped(m, { name: 'a', os: 'sel4', vcpus: 1 }, 'no kernel; build one');
    expect(m.guests[0]).to.include({ name: 'a', status: 'skipped', reason: 'no kernel; build one' });
    expect(m.executor!.jobs.map((j) => j.state)).to.deep.equal(['skipped', 'skipped', 'pending']);
    const b = guestEntry({ name: 'b', os: 'linux', vcpus: 1 });
    b.boots.push(boot(1));
    m.guests.push(b);
    markGuestSkipped(m, { name: 'b', os: 'linux', vcpus: 1 }, 'gone');
    expect(b.status).to.equal('running');
  });

  it('a job state set without a reason drops the old one', () => {
    const record = job('a', 'a');
    setJobState(record, 'failed', 'boom');
    expect(record).to.include({ state: 'failed', reason: 'boom' });
    setJobState(record, 'pending');
    expect(record).to.not.have.property('reason');
  });

  it('gathered boots go in boot order, replacing an earlier attempt; a guest with a failed boot fails', () => {
    const entry = guestEntry({ name: 'a', os: 'linux', vcpus: 1 });
    gatherBoot(entry, boot(3));
    gatherBoot(entry, boot(1, 'failed'));
    gatherBoot(entry, boot(1));
    expect(entry.boots.map((b) => [b.boot, b.status])).to.deep.equal([
      [1, 'done'],
      [3, 'done'],
    ]);
    settleGuest(entry);
    expect(entry.status).to.equal('done');
    gatherBoot(entry, boot(2, 'failed'));
    settleGuest(entry);
    expect(entry.status).to.equal('failed');
  });

  it('the first host conditions stay; a later job adds only new warnings, marked with the job', () => {
    const entry = guestEntry({ name: 'a', os: 'linux', vcpus: 1 });
    recordHostConditions(entry, conditions(['governor powersave']), 'a.s2');
    recordHostConditions(entry, conditions(['governor powersave', 'SMT sibling busy']), 'a.s2');
    expect(entry.hostConditions!.warnings).to.deep.equal(['governor powersave', 'job a.s2: SMT sibling busy']);
  });

  it('the accelerator chosen keeps the one asked for', () => {
    const m = manifest();
    recordAccel(m, 'tcg-icount', 'no /dev/kvm');
    expect(m.accel).to.deep.equal({ requested: 'auto', chosen: 'tcg-icount', reason: 'no /dev/kvm' });
  });

  it('an anatomy document is recorded with its metric count, and dropped when there is none (again)', () => {
    const entry = guestEntry({ name: 'gnumach', os: 'gnumach', vcpus: 1 });
    recordAnatomy(entry, 7);
    expect(entry.anatomy).to.deep.equal({ metrics: 7 });
    recordAnatomy(entry, undefined);
    expect(entry).not.to.have.property('anatomy');
  });
});

describe("a new run's manifest", () => {
  const config = { file: '/c.yaml', sha256: 'x', bootstrap: { resamples: 10, seed: 1 } } as unknown as RunConfig;

  it('records the command-line overrides as given, a copy of them', async () => {
    const overrides = { guest: ['sel4', 'linux'], bench: ['ipc.*'], iters: 100000, warmup: 1000, boots: 3 };
    const m = await newManifest(config, 'r', 'auto', ['run', 'c.yaml', '--iters', '100000'], false, overrides);
    expect(m.overrides).to.deep.equal({ guest: ['sel4', 'linux'], bench: ['ipc.*'], iters: 100000, warmup: 1000, boots: 3 });
    overrides.guest.push('minix');
    expect(m.overrides!.guest).to.deep.equal(['sel4', 'linux']);
  });

  it('has no overrides when none were given', async () => {
    expect(await newManifest(config, 'r', 'auto', [])).not.to.have.property('overrides');
  });
});
