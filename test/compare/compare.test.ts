import { expect } from 'chai';
import { compareFigures, pairFigures } from '../../harness/compare/compare.js';
import type { FigureSamples } from '../../harness/compare/load-run.js';
import { createRandom } from '../../harness/stats/index.js';
import { resultEntry } from '../support/result-entry.js';

function figure(guest: string, metric: string, groups: number[][], unit: 'guest-instructions' | 'tsc-ticks' = 'guest-instructions'): FigureSamples {
  const pooled = groups.flat().sort((a, b) => a - b);
  return {
    runId: `run-${guest}`,
    entry: resultEntry(guest, metric, pooled[pooled.length >> 1]!, { unit, boots: groups.length }),
    groups: groups.map((g) => Float64Array.from(g)),
  };
}

function noisy(center: number, n: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => center * (1 + (random() - 0.5) * 0.1));
}

describe('harness compare', () => {
  it('calls identical figures "no change"', () => {
    const c = compareFigures(figure('linux', 'syscall.null', [[335, 335, 335]]), figure('linux', 'syscall.null', [[335, 335, 335]]));
    expect(c).to.include({ ratio: 1, verdict: 'no change', mannWhitneyP: 1 });
    expect(c.ci95).to.deep.equal([1, 1]);
  });

  it('calls noise within the threshold "no change"', () => {
    const c = compareFigures(figure('a', 'm', [noisy(1000, 500, 1)]), figure('a', 'm', [noisy(1005, 500, 2)]));
    expect(c.verdict).to.equal('no change');
  });

  it('reports a real difference with the ratio and its CI', () => {
    const c = compareFigures(figure('linux', 'pipe', [noisy(10_800, 300, 3)]), figure('linux', 'futex', [noisy(7_260, 300, 4)]));
    expect(c.verdict).to.equal('b faster');
    expect(c.ratio).to.be.closeTo(7260 / 10800, 0.01);
    expect(c.ci95[0]).to.be.below(c.ratio);
    expect(c.ci95[1]).to.be.above(c.ratio);
    expect(c.ci95[1]).to.be.below(1);
    expect(c.mannWhitneyP).to.be.below(1e-6);
  });

  it('uses the hierarchical bootstrap when a side has several boots', () => {
    const c = compareFigures(figure('a', 'm', [noisy(100, 100, 5), noisy(104, 100, 6)]), figure('a', 'm', [noisy(150, 100, 7)]));
    expect(c.ciMethod).to.equal('hierarchical bootstrap');
    expect(c.verdict).to.equal('b slower');
  });

  it('refuses figures in different units, saying why', () => {
    expect(() => compareFigures(figure('a', 'm', [[1]]), figure('a', 'm', [[1]], 'tsc-ticks'))).to.throw(/different units/);
  });

  it('refuses a ratio that is not a finite positive number (beyond a double) rather than calling it "no change"', () => {
    expect(() => compareFigures(figure('a', 'm', [[1e-320, 1e-320]]), figure('a', 'm', [[1e308, 1e308]]))).to.throw(
      /expected finite positive medians and ratio/,
    );
  });

  it('names a guest or metric asked for that a run has no figure of', () => {
    const a = [figure('linux', 'x', [[1]])];
    expect(() => pairFigures(a, a, { guests: ['linux', 'nosuch'] })).to.throw('expected guest nosuch in run run-linux, got only linux');
    expect(() => pairFigures(a, a, { metrics: ['nosuch', 'x'] })).to.throw('expected metric nosuch in run run-linux, got only x');
  });

  it('pairs same guest and metric across runs, or the guests or metrics asked for', () => {
    const a = [figure('linux', 'x', [[1]]), figure('sel4', 'x', [[2]]), figure('linux', 'y', [[3]])];
    const names = (pairs: [FigureSamples, FigureSamples][]) => pairs.map(([p, q]) => `${p.entry.guest}.${p.entry.metric}~${q.entry.guest}.${q.entry.metric}`);
    expect(names(pairFigures(a, a))).to.deep.equal(['linux.x~linux.x', 'sel4.x~sel4.x', 'linux.y~linux.y']);
    expect(names(pairFigures(a, a, { guests: ['linux', 'sel4'] }))).to.deep.equal(['linux.x~sel4.x']);
    expect(names(pairFigures(a, a, { metrics: ['x', 'y'] }))).to.deep.equal(['linux.x~linux.y']);
  });
});
