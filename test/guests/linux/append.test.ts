import { expect } from 'chai';
import { icountSmpWords, linuxAppend } from '../../../harness/guests/linux/adapter.js';

describe('Linux kernel command line', () => {
  const benchmarks = { boots: 1, iterations: 100, warmup: 10, include: ['syscall.null'] };

  it('boots an icount SMP guest on one CPU and has the payload bring up the rest, spinning on PAUSE', () => {
    expect(icountSmpWords('tcg-icount', 2)).to.deep.equal(['maxcpus=1', 'hb.cpuup=pause']);
    expect(icountSmpWords('tcg-icount', 4)).to.deep.equal(['maxcpus=1', 'hb.cpuup=pause']);
  });

  it('adds nothing for a uniprocessor guest or another accelerator', () => {
    expect(icountSmpWords('tcg-icount', 1)).to.deep.equal([]);
    expect(icountSmpWords('tcg', 2)).to.deep.equal([]);
    expect(icountSmpWords('kvm', 2)).to.deep.equal([]);
  });

  it('puts the SMP words after the console and panic words, before the settings', () => {
    const words = linuxAppend(benchmarks, ['perf'], icountSmpWords('tcg-icount', 2)).split(' ');
    expect(words.slice(0, 4)).to.deep.equal(['console=ttyS0', 'panic=-1', 'maxcpus=1', 'hb.cpuup=pause']);
    expect(words).to.include('hb.peers=perf');
    expect(linuxAppend(benchmarks)).not.to.match(/maxcpus|cpuup/);
  });
});
