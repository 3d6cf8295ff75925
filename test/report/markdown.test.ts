import { expect } from 'chai';
import { sideBySide } from '../../harness/report/markdown.js';
import type { ResultEntry } from '../../harness/report/results.js';
import { resultEntry } from '../support/result-entry.js';

function entry(guest: string, metric: string, median: number, unit: ResultEntry['unit'] = 'guest-instructions'): ResultEntry {
  return resultEntry(guest, metric, median, { unit });
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
