import { expect } from 'chai';
import { icountSmpWords, linuxAppend } from '../../../harness/guests/linux/adapter.js';
import { LINUX_DISK_APPEND } from '../../../harness/guests/linux-disk/adapter.js';

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

  it('puts the SMP words after the console, panic and boot words, before the settings', () => {
    const words = linuxAppend(benchmarks, ['perf'], icountSmpWords('tcg-icount', 2)).split(' ');
    expect(words.slice(0, 5)).to.deep.equal(['console=ttyS0', 'panic=-1', 'cryptomgr.notests', 'maxcpus=1', 'hb.cpuup=pause']);
    expect(words).to.include('hb.peers=perf');
    expect(linuxAppend(benchmarks)).not.to.match(/maxcpus|cpuup/);
  });

  it('skips the crypto self-tests at boot on both Linux guests (half the initramfs boot under icount)', () => {
    expect(linuxAppend(benchmarks).split(' ')).to.include('cryptomgr.notests');
    expect(LINUX_DISK_APPEND.split(' ')).to.include('cryptomgr.notests');
  });
});
