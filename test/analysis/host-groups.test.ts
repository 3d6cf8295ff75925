import { expect } from 'chai';
import type { BootManifest, GuestManifest, JobRecord } from '../../harness/rundir/manifest.js';
import type { HostInfo } from '../../harness/host/info.js';
import { groupGuestName, hostGroups } from '../../harness/analysis/host-groups.js';
import type { Accel } from '../../harness/units.js';

const host = (cpuModel: string): HostInfo => ({ hostname: 'n', kernel: 'Linux', cpuModel, cpuFlags: [], logicalCpus: 8, memoryBytes: 1 });
const boot = (n: number, job: string): BootManifest => ({
  boot: n,
  status: 'done',
  argv: [],
  hostAffinity: [],
  guestInfo: {},
  guestAffinity: {},
  seconds: 1,
  dataBytes: 0,
  job,
});
const job = (id: string, accel: Accel, cpu: string | undefined): JobRecord => ({
  id,
  guest: 'linux',
  set: 0,
  include: ['*'],
  peers: true,
  boots: [],
  executor: 'slurm',
  state: 'done',
  accel,
  ...(cpu ? { host: host(cpu) } : {}),
});
const guest = (accel: Accel, boots: BootManifest[]): Pick<GuestManifest, 'accel' | 'boots'> => ({ accel, boots });

describe('hostGroups', () => {
  it('pools every boot of a local run (no job hosts) in one unlabelled group', () => {
    expect(hostGroups(guest('kvm', [boot(1, 'linux'), boot(2, 'linux')]), [job('linux', 'kvm', undefined)])).to.deep.equal([{ accel: 'kvm', boots: [1, 2] }]);
    expect(hostGroups(guest('kvm', [boot(1, 'x')]), undefined)).to.deep.equal([{ accel: 'kvm', boots: [1] }]);
  });

  it('never pools KVM figures from different CPU models: a labelled group per model', () => {
    const jobs = [job('a', 'kvm', 'Intel Xeon Gold 6130'), job('b', 'kvm', 'AMD EPYC 7763'), job('c', 'kvm', 'Intel Xeon Gold 6130')];
    const groups = hostGroups(guest('kvm', [boot(1, 'a'), boot(2, 'b'), boot(3, 'c')]), jobs);
    expect(groups).to.deep.equal([
      { accel: 'kvm', boots: [1, 3], label: 'Intel Xeon Gold 6130' },
      { accel: 'kvm', boots: [2], label: 'AMD EPYC 7763' },
    ]);
    expect(groups.map((g) => groupGuestName('linux', g))).to.deep.equal(['linux [Intel Xeon Gold 6130]', 'linux [AMD EPYC 7763]']);
  });

  it('pools tcg-icount boots across CPU models (guest instructions do not depend on the host), but not with another accelerator', () => {
    const jobs = [job('a', 'tcg-icount', 'Intel Xeon Gold 6130'), job('b', 'tcg-icount', 'AMD EPYC 7763'), job('c', 'kvm', 'AMD EPYC 7763')];
    expect(hostGroups(guest('tcg-icount', [boot(1, 'a'), boot(2, 'b')]), jobs)).to.deep.equal([{ accel: 'tcg-icount', boots: [1, 2] }]);
    expect(hostGroups(guest('tcg-icount', [boot(1, 'a'), boot(2, 'b'), boot(3, 'c')]), jobs)).to.deep.equal([
      { accel: 'tcg-icount', boots: [1, 2], label: 'tcg-icount' },
      { accel: 'kvm', boots: [3], label: 'kvm, AMD EPYC 7763' },
    ]);
  });

  it("splits plain TCG by CPU model too: emulator ticks follow the host's speed", () => {
    const jobs = [job('a', 'tcg', 'Intel Xeon Gold 6130'), job('b', 'tcg', 'AMD EPYC 7763')];
    expect(hostGroups(guest('tcg', [boot(1, 'a'), boot(2, 'b')]), jobs).map((g) => g.label)).to.deep.equal(['Intel Xeon Gold 6130', 'AMD EPYC 7763']);
  });
});
