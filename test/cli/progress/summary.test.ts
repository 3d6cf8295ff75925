import { expect } from 'chai';
import { summaryText } from '../../../harness/cli/progress/summary.js';
import { resultEntry } from '../../support/result-entry.js';

describe('end-of-run summary', () => {
  it("gives each figure's distribution on one line: sparkline, min, median, max", () => {
    const entry = resultEntry('linux', 'syscall.null', 3, { unit: 'tsc-ticks', n: 6, ci95: [3, 4] });
    const text = summaryText({
      runId: 'r1',
      runDir: '/results/r1',
      complete: true,
      results: [entry],
      peers: [],
      skipped: [],
      failed: [],
      distributions: [
        { guest: 'linux', metric: 'syscall.null', unit: 'tsc-ticks', sparkline: '█▃▃ ▃', min: 3, median: 3, max: 7 },
        { guest: 'linux', metric: 'ctxswitch.yield', unit: 'tsc-ticks', sparkline: '', min: Number.NaN, median: 0, max: Number.NaN },
      ],
    });
    expect(text).to.equal(
      [
        'guest  metric        unit       n  median  95% CI',
        '-----  ------------  ---------  -  ------  ------',
        'linux  syscall.null  tsc-ticks  6  3       [3, 4]',
        '',
        'guest  metric        distribution  min  median  max  unit',
        '-----  ------------  ------------  ---  ------  ---  ---------',
        'linux  syscall.null  █▃▃ ▃         3    3       7    tsc-ticks',
        'run directory: /results/r1',
        '',
      ].join('\n'),
    );
  });

  it('prints no distribution table when the outcome has none', () => {
    const text = summaryText({ runId: 'r1', runDir: '/r', complete: true, results: [], peers: [], skipped: [], failed: [] });
    expect(text).not.to.contain('distribution');
    expect(text).to.equal('no figures: every guest or benchmark was skipped, for the reasons above\nrun directory: /r\n');
  });
});
