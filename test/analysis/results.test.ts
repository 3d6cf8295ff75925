import { expect } from 'chai';
import { resultEntry } from '../../harness/analysis/results.js';
import type { RawBenchmark } from '../../harness/wire/stream.js';

function raw(samples: number[], overhead = [9, 9]): RawBenchmark {
  return {
    metric: 'syscall.null',
    mechanism: 'getppid',
    unit: 'tsc-ticks',
    iterations: samples.length,
    warmup: 0,
    opsPerSample: 1,
    vcpus: '0',
    affinity: '0',
    timerOverhead: overhead[0]!,
    timerOverheadAfter: overhead[1]!,
    samples: Float64Array.from(samples),
  };
}

const bootstrap = { resamples: 200, seed: 1 };

describe('a figure from raw samples', () => {
  it('subtracts the smallest overhead measured and pools the boots', () => {
    const entry = resultEntry('linux', 'linux', 'tcg-icount', [raw([110, 110, 110], [10, 12]), raw([111, 111, 111], [11, 10])], bootstrap);
    expect(entry.timerOverhead).to.deep.include({ measured: [10, 12, 11, 10], subtracted: 10, stable: true });
    expect(entry.median).to.equal(100.5);
    expect(entry.boots).to.equal(2);
    expect(entry.ciMethod).to.equal('hierarchical bootstrap');
    expect(entry.betweenBoots.bootMedians).to.deep.equal([100, 101]);
  });

  it('flags an unstable timer overhead', () => {
    const entry = resultEntry('linux', 'linux', 'tcg', [raw([500, 500], [20, 35])], bootstrap);
    expect(entry.timerOverhead.stable).to.equal(false);
    expect(entry.flags[0]).to.match(/timer overhead .*20 to 35/);
  });

  it('drops a settling start, but keeps everything when MSER-5 finds no steady state', () => {
    const decaying = [...Array.from({ length: 50 }, (_, i) => 1000 - i * 18), ...Array.from({ length: 950 }, () => 109)];
    const settled = resultEntry('linux', 'linux', 'tcg-icount', [raw(decaying)], bootstrap);
    expect(settled.settling.dropped).to.be.within(40, 60);
    expect(settled.flags).to.deep.equal([]);
    const shifted = [...Array.from({ length: 500 }, () => 109), ...Array.from({ length: 500 }, () => 209)];
    const kept = resultEntry('linux', 'linux', 'tcg-icount', [raw(shifted)], bootstrap);
    expect(kept.settling.dropped).to.equal(0);
    expect(kept.n).to.equal(1000);
    expect(kept.flags).to.deep.equal(['no steady state found by MSER-5 in boot 1 (it would have dropped half the samples); all samples kept']);
  });
});
