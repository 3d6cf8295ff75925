import { expect } from 'chai';
import { sideBySide } from '../../harness/report/markdown.js';
import type { ResultEntry } from '../../harness/report/results.js';

function entry(guest: string, metric: string, median: number, unit: ResultEntry['unit'] = 'guest-instructions'): ResultEntry {
  return {
    guest, os: guest === 'sel4' ? 'sel4' : 'linux', metric, mechanism: `${guest}-mech`, unit, accel: 'tcg-icount',
    n: 3, min: median, max: median, mean: median, stddev: 0, median, p1: median, p5: median, p25: median, p75: median, p95: median, p99: median,
    mad: 0, ci95: [median, median + 1], iterations: 3, warmup: 0, opsPerSample: 1, timerOverhead: 0, timerOverheadAfter: 0, clampedSamples: 0, vcpus: '0', guestAffinity: '0',
  };
}

describe('report.md side-by-side table', () => {
  it('lists each metric measured on several guests, guests as columns', () => {
    const lines = sideBySide([entry('linux', 'syscall.null', 335), entry('sel4', 'syscall.null', 120.5), entry('linux', 'ctxswitch.futex', 5000)]);
    expect(lines.join('\n')).to.equal([
      '## Side by side',
      '',
      'Median per operation with its 95% CI, in guest-instructions; the mechanism that produced each figure in parentheses.',
      '',
      '| metric | linux | sel4 |',
      '| --- | --- | --- |',
      '| syscall.null | 335 [335, 336] (linux-mech) | 120.5 [120.5, 121.5] (sel4-mech) |',
      '',
    ].join('\n'));
  });

  it('names the unit in each cell when guests differ in units', () => {
    const lines = sideBySide([entry('linux', 'syscall.null', 1, 'emulator-ticks'), entry('sel4', 'syscall.null', 2)]);
    expect(lines.join('\n')).to.contain('| syscall.null | 1 [1, 2] emulator-ticks (linux-mech) | 2 [2, 3] guest-instructions (sel4-mech) |');
  });

  it('is left out for a single guest', () => {
    expect(sideBySide([entry('linux', 'syscall.null', 1)])).to.deep.equal([]);
  });
});
