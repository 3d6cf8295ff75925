import { expect } from 'chai';
import type { GuestConfig, RunConfig } from '../../harness/config/types.js';
import { bootsOfGuest, guestForJob, isGuestsLastJob, planJobs } from '../../harness/jobs/plan.js';

function guest(name: string, boots: number, include: string[], peers: GuestConfig['peers'] = []): GuestConfig {
  return { name, os: 'linux', vcpus: 1, memoryMiB: 256, pin: undefined, benchmarks: { boots, iterations: 100, warmup: 10, include }, peers, image: {} };
}

function config(guests: GuestConfig[], split: RunConfig['executor']['split']): Pick<RunConfig, 'guests' | 'executor'> {
  return { guests, executor: { kind: 'local', split, slurm: { exclusive: true, timeMinutes: 60, array: true, pollSeconds: 5, extraArgs: [] } } };
}

describe('planJobs', () => {
  it('makes one job per guest by default, with every boot numbered 1..boots as before jobs existed', () => {
    const jobs = planJobs(config([guest('linux', 3, ['*'], ['perf']), guest('mach', 1, ['syscall.*'])], { benchmarks: 'together' }));
    expect(jobs).to.deep.equal([
      { id: 'linux', guest: 'linux', set: 0, include: ['*'], peers: true, boots: [1, 2, 3] },
      { id: 'mach', guest: 'mach', set: 0, include: ['syscall.*'], peers: true, boots: [1] },
    ]);
  });

  it('cuts by include entry and by boots per job, numbering boots uniquely within the guest', () => {
    const jobs = planJobs(config([guest('linux', 2, ['syscall.null', 'ipc.*'], ['perf'])], { benchmarks: 'byInclude', bootsPerJob: 1 }));
    expect(jobs.map((j) => [j.id, j.include, j.boots, j.peers])).to.deep.equal([
      ['linux.s1.b1', ['syscall.null'], [1], true],
      ['linux.s1.b2', ['syscall.null'], [2], true],
      ['linux.s2.b3', ['ipc.*'], [3], false],
      ['linux.s2.b4', ['ipc.*'], [4], false],
    ]);
    expect(bootsOfGuest(guest('linux', 2, ['syscall.null', 'ipc.*']), { benchmarks: 'byInclude' })).to.equal(4);
  });

  it('puts the boots left over in a last, shorter job', () => {
    const jobs = planJobs(config([guest('linux', 5, ['*'])], { benchmarks: 'together', bootsPerJob: 2 }));
    expect(jobs.map((j) => [j.id, j.boots])).to.deep.equal([
      ['linux.b1-2', [1, 2]],
      ['linux.b3-4', [3, 4]],
      ['linux.b5', [5]],
    ]);
  });

  it('gives a job its benchmark set, and the peers only to the first set', () => {
    const linux = guest('linux', 1, ['syscall.null', 'ipc.*'], ['perf']);
    const [first, second] = planJobs(config([linux], { benchmarks: 'byInclude' }));
    expect(guestForJob(linux, first!).benchmarks.include).to.deep.equal(['syscall.null']);
    expect(guestForJob(linux, first!).peers).to.deep.equal(['perf']);
    expect(guestForJob(linux, second!).benchmarks.include).to.deep.equal(['ipc.*']);
    expect(guestForJob(linux, second!).peers).to.deep.equal([]);
    expect(linux.benchmarks.include).to.deep.equal(['syscall.null', 'ipc.*']);
  });

  it("names each guest's last job, the one that does its anatomy boot", () => {
    const plan = planJobs(config([guest('linux', 2, ['syscall.null', 'ipc.*']), guest('mach', 1, ['*'])], { benchmarks: 'byInclude', bootsPerJob: 1 }));
    expect(plan.filter((job) => isGuestsLastJob(plan, job)).map((j) => j.id)).to.deep.equal(['linux.s2.b4', 'mach']);
  });
});
