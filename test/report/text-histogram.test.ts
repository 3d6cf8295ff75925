import { expect } from 'chai';
import { histogram, sortedValues } from '../../harness/report/html/distribution-data.js';
import { bar, distributionsMarkdown, figureDistributions, histogramLines, sparkline, textBins, TEXT_BINS } from '../../harness/report/text-histogram.js';
import { resultEntry } from '../support/result-entry.js';

/** 1000 samples around 100 to 113 with a seventh of them 3 higher: report.html bins them in 33 bins of 0.5. */
const SPREAD = Array.from({ length: 1000 }, (_, i) => 100 + ((i * 37) % 101) * 0.13 + (i % 7 === 0 ? 3 : 0));

describe('text histogram', () => {
  it('writes whole ticks one value a line, empty values included, the median marked', () => {
    expect(histogramLines(sortedValues([5, 3, 3, 4, 3, 7]), 3).join('\n')).to.equal(
      [
        '3 │████████████████████████████████│ 3 ◀ median 3',
        '4 │██████████▋                     │ 1',
        '5 │██████████▋                     │ 1',
        '6 │                                │ 0',
        '7 │██████████▋                     │ 1',
      ].join('\n'),
    );
  });

  it('merges report.html bins pairwise when there are more than 20, edges in the unit with the decimals they need, counts aligned', () => {
    const lines = histogramLines(sortedValues(SPREAD), 108);
    expect(lines).to.have.length(17);
    expect(lines.slice(0, 2)).to.deep.equal(['100 – 101 │██████████████████████████▊     │ 67', '101 – 102 │███████████████████████████▎    │ 68']);
    expect(lines[8]).to.equal('108 – 109 │███████████████████████████████▋│ 79 ◀ median 108');
    expect(lines[16]).to.equal('116 – 117 │▍                               │  1');
  });

  it("has report.html's bins: each text bin is whole HTML bins, same edges, same counts", () => {
    const h = histogram(sortedValues(SPREAD));
    const t = textBins(h);
    expect(t.merged).to.equal(2);
    expect(t.bins.length).to.be.at.most(TEXT_BINS);
    const htmlEdges = new Set(h.bins.flatMap((b) => [b.x0, b.x1]));
    for (const bin of t.bins) {
      expect(htmlEdges.has(bin.x0) || htmlEdges.has(bin.x1), `${bin.x0}–${bin.x1}`).to.equal(true);
      const inside = h.bins.filter((b) => b.x0 >= bin.x0 && b.x1 <= bin.x1 + 1e-9);
      expect(bin.count).to.equal(inside.reduce((sum, b) => sum + b.count, 0));
    }
    expect(t.bins.reduce((sum, b) => sum + b.count, 0)).to.equal(h.bins.reduce((sum, b) => sum + b.count, 0));
  });

  it('keeps report.html bins as they are when there are at most 20', () => {
    const h = histogram(sortedValues([5, 3, 3, 4, 3, 7]));
    expect(textBins(h).bins.filter((b) => b.count > 0)).to.deep.equal(h.bins);
  });

  it('labels merged whole values by the first and last value each bin covers', () => {
    const lines = histogramLines(sortedValues(Array.from({ length: 50 }, (_, i) => i)), 24.5);
    expect(lines).to.have.length(17);
    expect(lines[0]).to.equal(' 0– 2 │████████████████████████████████│ 3');
    expect(lines[16]).to.equal('48–50 │█████████████████████▍          │ 2');
  });

  it('draws bars in eighths, at least one for a non-empty bin', () => {
    expect([bar(0, 10), bar(1, 1000), bar(5, 10, 4), bar(10, 10, 4), bar(3, 10, 1)]).to.deep.equal(['', '▏', '██', '████', '▎']);
  });

  it('gives a sparkline of the same bins, an empty bin as a space', () => {
    expect(sparkline(sortedValues([5, 3, 3, 4, 3, 7]))).to.equal('█▃▃ ▃');
    expect(sparkline(sortedValues(SPREAD))).to.equal('▇▇▇███▇██▇██▇▂▂▁▁');
  });

  it('gives the same bytes for the same samples in any order', () => {
    const shuffled = [...SPREAD].reverse();
    expect(histogramLines(sortedValues(shuffled), 108)).to.deep.equal(histogramLines(sortedValues(SPREAD), 108));
  });

  it("sums each figure up for the terminal: sparkline, its samples' extremes, its median", () => {
    const entry = resultEntry('linux', 'syscall.null', 3, { unit: 'tsc-ticks' });
    const [d] = figureDistributions([{ runId: 'r', entry, groups: [Float64Array.from([5, 3, 3]), Float64Array.from([4, 3, 7])] }]);
    expect(d).to.deep.equal({ guest: 'linux', metric: 'syscall.null', unit: 'tsc-ticks', sparkline: '█▃▃ ▃', min: 3, median: 3, max: 7 });
  });

  it("writes report.md's block per figure: what was binned and left out, then the fenced histogram", () => {
    const entry = resultEntry('linux', 'syscall.null', 3, { unit: 'tsc-ticks' });
    const empty = resultEntry('linux', 'ctxswitch.yield', 0);
    const figures = new Map([
      [entry, { runId: 'r', entry, groups: [Float64Array.from([5, 3, 3]), Float64Array.from([4, 3, 7])] }],
      [empty, { runId: 'r', entry: empty, groups: [new Float64Array(0)] }],
    ]);
    const text = distributionsMarkdown([entry, empty], figures).join('\n');
    expect(text).to.contain(
      [
        '`syscall.null` (tsc-ticks, n = 6, pooled over 2 boots):',
        '',
        '```text',
        '3 │████████████████████████████████│ 3 ◀ median 3',
        '4 │██████████▋                     │ 1',
        '5 │██████████▋                     │ 1',
        '6 │                                │ 0',
        '7 │██████████▋                     │ 1',
        '```',
        '',
        '`ctxswitch.yield` (guest-instructions): no samples left after settling.',
      ].join('\n'),
    );
    expect(text.startsWith('### Distributions\n')).to.equal(true);
    expect(distributionsMarkdown([], figures)).to.deep.equal([]);
  });

  it('says how many samples lie beyond the bins', () => {
    const values = [...Array.from({ length: 1000 }, (_, i) => 1000 + i), 1e6, 2e6];
    const entry = resultEntry('linux', 'syscall.null', 1500, { unit: 'tsc-ticks' });
    const text = distributionsMarkdown([entry], new Map([[entry, { runId: 'r', entry, groups: [Float64Array.from(values)] }]])).join('\n');
    expect(text).to.contain('1900 – 2000 │████████████████████████████████│ 100\n```');
    expect(text).to.contain('`syscall.null` (tsc-ticks, n = 1002; 2 above 4256 (max 2000000) not shown):');
  });
});
