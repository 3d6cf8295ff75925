import { expect } from 'chai';
import { threadPins } from '../../harness/host/affinity.js';

describe('vCPU thread pinning', () => {
  it('pins one thread per vCPU to the CPU the config gives that vCPU', () => {
    const vcpus = [
      { cpuIndex: 0, threadId: 10 },
      { cpuIndex: 1, threadId: 11 },
    ];
    expect([...threadPins(vcpus, [2, 3])]).to.deep.equal([
      [10, [2]],
      [11, [3]],
    ]);
  });

  it("pins a thread that runs several vCPUs (tcg-icount's round-robin) to all their CPUs, not the last one's alone", () => {
    const vcpus = [
      { cpuIndex: 0, threadId: 10 },
      { cpuIndex: 1, threadId: 10 },
      { cpuIndex: 2, threadId: 10 },
    ];
    expect([...threadPins(vcpus, [0, 1, 1])]).to.deep.equal([[10, [0, 1]]]);
  });

  it('leaves threads unpinned without a pin list', () => {
    expect(threadPins([{ cpuIndex: 0, threadId: 10 }], undefined).size).to.equal(0);
  });
});
