import { expect } from 'chai';
import { loadSnapshot, otherLoad, parseProcessTicks } from '../../harness/host/load.js';

describe('load on the pinned CPUs during a run', () => {
  it('reads utime and stime of a process, whatever its name', () => {
    const stat = '4242 (qemu-system-x86 (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 700 50 0 0 20 0 5 0 100 0 0';
    expect(parseProcessTicks(stat)).to.equal(750);
  });

  it('counts busy time QEMU does not account for as other load', () => {
    const cpus = (busy0: number, total0: number, busy1: number, total1: number) =>
      new Map([
        [0, { busy: busy0, total: total0 }],
        [1, { busy: busy1, total: total1 }],
      ]);
    const before = { cpus: cpus(0, 0, 0, 0), processTicks: 100 };
    const after = { cpus: cpus(100, 100, 20, 100), processTicks: 200 };
    expect(otherLoad(before, after, [0])).to.equal(0);
    expect(otherLoad(before, after, [0, 1])).to.equal(0.1);
    expect(otherLoad(before, after, [5])).to.equal(undefined);
    expect(otherLoad(before, { ...after, processTicks: undefined }, [0])).to.equal(undefined);
  });

  it('snapshots this host', async () => {
    const snapshot = await loadSnapshot(process.pid);
    expect(snapshot.cpus.size).to.be.greaterThan(0);
    expect(snapshot.processTicks).to.be.at.least(0);
    expect((await loadSnapshot(2 ** 22 + 12345)).processTicks).to.equal(undefined);
  });
});
