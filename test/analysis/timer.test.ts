import { expect } from 'chai';
import { describeTimer, nanosecondsPerTick, timerFacts, timerFlags } from '../../harness/analysis/timer.js';

const icountInfo = {
  timer: 'rdtscp+lfence',
  timer_check_reads: '1000000',
  timer_backwards: '0',
  timer_max_backwards: '0',
  tsc_hz: '1000000000',
  tsc_hz_source: 'kernel',
  clock_check_ns: '50000119',
  clock_check_ticks: '50000119',
};

describe('timer facts from STREAM_BEGIN', () => {
  it('reads the check, the frequency and the clock cross-check', () => {
    const facts = timerFacts(icountInfo);
    expect(facts).to.deep.equal({
      timer: 'rdtscp+lfence',
      checkReads: 1_000_000,
      backwards: 0,
      maxBackwards: 0,
      tscHz: 1e9,
      tscHzSource: 'kernel',
      ticksPerNs: 1,
    });
    expect(describeTimer(facts)).to.equal(
      'rdtscp+lfence; 1000000 back-to-back reads, 0 backwards; TSC frequency 1000.000 MHz (kernel); 1.00000 ticks per ns of CLOCK_MONOTONIC',
    );
  });

  it('copes with a payload that sent none of it', () => {
    expect(timerFacts({})).to.deep.equal({ timer: 'unknown', checkReads: 0, backwards: 0, maxBackwards: 0, tscHz: 0, tscHzSource: 'none' });
  });

  it('flags a timer that went backwards', () => {
    expect(timerFlags(timerFacts({ ...icountInfo, timer_backwards: '3', timer_max_backwards: '12' }))).to.deep.equal([
      'the timer went backwards 3 times (by up to 12 ticks) in a check of 1000000 reads',
    ]);
    expect(timerFlags(timerFacts(icountInfo))).to.deep.equal([]);
  });

  it('converts to ns only real TSC ticks of known frequency', () => {
    expect(nanosecondsPerTick('kvm', timerFacts({ ...icountInfo, tsc_hz: '2000000000' }))).to.deep.equal({ nsPerTick: 0.5 });
    expect(nanosecondsPerTick('kvm', timerFacts({ ...icountInfo, tsc_hz: '0' }))).to.deep.equal({
      reason: 'TSC frequency unknown (neither CPUID nor the guest kernel gave it): no conversion to ns',
    });
    expect(nanosecondsPerTick('tcg-icount', timerFacts(icountInfo))).to.deep.equal({ reason: 'tcg-icount figures are not time: no conversion to ns' });
  });
});
