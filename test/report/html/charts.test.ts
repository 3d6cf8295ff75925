import { expect } from 'chai';
import { barLabels, logTicks } from '../../../harness/report/html/chart-cross-os.js';
import { powersOfTen, shouldLogCounts } from '../../../harness/report/html/chart-histogram.js';
import { textWidth } from '../../../harness/report/html/text-width.js';
import type { CrossOsTable } from '../../../harness/analysis/cross-os.js';

const bin = (x0: number, count: number) => ({ x0, x1: x0 + 1, count });

describe('report.html charts', () => {
  it('puts bin counts on a log axis only for stragglers set apart from the body', () => {
    expect(shouldLogCounts([bin(10, 500), bin(11, 60), bin(20, 2)]), 'stragglers').to.equal(true);
    expect(shouldLogCounts([bin(10, 1), bin(11, 40), bin(12, 500), bin(13, 40), bin(14, 1)]), 'one hump').to.equal(false);
    expect(shouldLogCounts([bin(10, 500), bin(20, 200)]), 'two modes').to.equal(false);
    expect(shouldLogCounts([bin(10, 500)]), 'one bin').to.equal(false);
  });

  it('ticks a log count axis at powers of ten', () => {
    expect(powersOfTen(600)).to.deep.equal([0, 1, 10, 100, 1000]);
    expect(powersOfTen(100)).to.deep.equal([0, 1, 10, 100]);
  });

  it('ticks a log value axis at 1, 2 and 5 per decade', () => {
    expect(logTicks(100, 10_000)).to.deep.equal([100, 200, 500, 1000, 2000, 5000, 10_000]);
  });

  it('labels bars by guest, mechanism and placement, adding the metric only to tell twins apart', () => {
    const row = (guest: string, metric: string, mechanism: string, variant: string) => ({
      guest,
      os: guest,
      metric,
      mechanism,
      variant,
      n: 1,
      median: 1,
      ci95: [1, 1] as [number, number],
      ratio: { reason: '' },
    });
    const table = {
      rows: [row('linux', 'a', 'pipe', 'threads, same CPU'), row('sel4', 'b', 'call', ''), row('sel4', 'c', 'call', '')],
    } as unknown as CrossOsTable;
    expect(barLabels(table)).to.deep.equal(['linux · pipe (threads, same CPU)', 'sel4 · call [b]', 'sel4 · call [c]']);
  });

  it("measures text with Helvetica's widths", () => {
    expect(textWidth('10', 10)).to.be.closeTo(11.12, 1e-9);
    expect(textWidth('Mi', 10, true)).to.be.closeTo(10.55 * 1.08, 1e-9);
  });
});
