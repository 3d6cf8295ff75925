import { expect } from 'chai';
import { crossOsTables } from '../../harness/analysis/cross-os.js';
import { crossOsMarkdown, headlineNote } from '../../harness/report/cross-os-markdown.js';
import type { FigureSamples } from '../../harness/analysis/figure-samples.js';
import type { ResultEntry } from '../../harness/analysis/results.js';
import { resultEntry } from '../support/result-entry.js';

const bootstrap = { resamples: 200, seed: 1 };

function figure(guest: string, metric: string, values: number[], overrides: Partial<ResultEntry> = {}): FigureSamples {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { runId: 'r', entry: resultEntry(guest, metric, median, { n: values.length, ...overrides }), groups: [Float64Array.from(values)] };
}

describe('cross-OS tables', () => {
  const figures = [
    figure('linux', 'ipc.roundtrip.pipe.thread.same', [100, 100, 100]),
    figure('linux', 'ipc.roundtrip.futex.thread.same', [80, 80, 80]),
    figure('linux', 'ipc.roundtrip.pipe.process.same', [120, 120, 120]),
    figure('sel4', 'ipc.roundtrip.sel4call.thread.same', [8, 8, 8]),
    figure('sel4', 'ipc.oneway.sel4call.thread.same', [4, 4, 4]),
    figure('linux', 'syscall.null', [30, 30, 30]),
    figure('sel4', 'syscall.null', [15, 15, 15]),
  ];

  it('makes one table per metric class, in taxonomy order, with every guest and mechanism', () => {
    const tables = crossOsTables(figures, { bootstrap });
    expect(tables.map((t) => t.classId)).to.deep.equal(['ipc.roundtrip', 'ipc.oneway', 'syscall.null']);
    expect(tables[0]!.rows.map((r) => `${r.guest} ${r.mechanism}`)).to.deep.equal([
      'linux linux-mech',
      'linux linux-mech',
      'linux linux-mech',
      'sel4 sel4-mech',
    ]);
  });

  it("takes ratios against the baseline's fastest figure of the same placement", () => {
    const [roundtrip] = crossOsTables(figures, { bootstrap });
    const ratios = roundtrip!.rows.map((r) => ('value' in r.ratio ? [r.ratio.value, r.ratio.against.metric] : [r.ratio.reason]));
    expect(ratios).to.deep.equal([
      [1.25, 'ipc.roundtrip.futex.thread.same'],
      [1, 'ipc.roundtrip.futex.thread.same'],
      [1, 'ipc.roundtrip.pipe.process.same'],
      [0.1, 'ipc.roundtrip.futex.thread.same'],
    ]);
  });

  it('says why a figure has no ratio when the baseline lacks its kind', () => {
    const oneway = crossOsTables(figures, { bootstrap }).find((t) => t.classId === 'ipc.oneway')!;
    expect(oneway.rows[0]!.ratio).to.deep.equal({ reason: 'linux has no figure of this kind (threads, same CPU)' });
  });

  it("takes ratios against the baseline's headline figure (named as the class), not a faster alternative, and says which is whose headline", () => {
    const withAlternatives = [
      figure('linux', 'syscall.null', [30, 30, 30]),
      figure('linux', 'syscall.null.enosys', [20, 20, 20]),
      figure('sel4', 'syscall.null', [15, 15, 15]),
      figure('sel4', 'syscall.null.nbsendnull', [12, 12, 12]),
    ];
    const [table] = crossOsTables(withAlternatives, { bootstrap });
    expect(table!.rows.map((r) => ('value' in r.ratio ? [r.metric, r.ratio.value, r.ratio.against.metric] : []))).to.deep.equal([
      ['syscall.null', 1, 'syscall.null'],
      ['syscall.null.enosys', 20 / 30, 'syscall.null'],
      ['syscall.null', 0.5, 'syscall.null'],
      ['syscall.null.nbsendnull', 0.4, 'syscall.null'],
    ]);
    expect(headlineNote(table!)).to.equal(
      "Each guest's headline is its `syscall.null` figure (linux: linux-mech; sel4: sel4-mech); rows named `syscall.null.*` are alternatives, and ratios are taken against the baseline's headline. Why each OS's headline is the nearest thing it has: docs/metrics.md.",
    );
    expect(crossOsMarkdown([table!]).join('\n')).to.contain("Each guest's headline is its `syscall.null` figure");
    expect(headlineNote(crossOsTables(figures, { bootstrap }).find((t) => t.classId === 'syscall.null')!)).to.equal(undefined);
  });

  it('uses the chosen baseline guest', () => {
    const syscall = crossOsTables(figures, { bootstrap, baseline: 'sel4' }).find((t) => t.classId === 'syscall.null')!;
    expect(syscall.rows.map((r) => ('value' in r.ratio ? r.ratio.value : NaN))).to.deep.equal([2, 1]);
  });

  it('gives the ratio a bootstrap CI that contains it', () => {
    const noisy = [figure('linux', 'syscall.null', [30, 31, 29, 33, 30, 28, 35, 30]), figure('sel4', 'syscall.null', [15, 16, 14, 15, 17, 15, 15, 13])];
    const row = crossOsTables(noisy, { bootstrap })[0]!.rows[1]!;
    if (!('value' in row.ratio)) throw new Error(row.ratio.reason);
    expect(row.ratio.ci95[0]).to.be.below(row.ratio.value);
    expect(row.ratio.ci95[1]).to.be.above(row.ratio.value);
  });

  it('never sets figures of different units against each other', () => {
    const mixed = [figure('linux', 'syscall.null', [30]), figure('sel4', 'syscall.null', [15], { unit: 'emulator-ticks', accel: 'tcg' })];
    const tables = crossOsTables(mixed, { bootstrap });
    expect(tables.map((t) => `${t.classId} ${t.unit} ${t.rows.length}`)).to.deep.equal(['syscall.null guest-instructions 1', 'syscall.null emulator-ticks 1']);
    expect(tables[1]!.rows[0]!.ratio).to.deep.equal({ reason: 'linux has no figure of this kind' });
  });

  it('renders in report.md with unit, mode and the baseline named', () => {
    const text = crossOsMarkdown(crossOsTables(figures, { bootstrap })).join('\n');
    expect(text).to.contain('## Across systems');
    expect(text).to.contain("Ratio = the figure / **linux**'s figure of the same kind (same placement): its headline figure of the class");
    expect(text).to.contain('### Null system call (guest-instructions)');
    expect(text).to.contain('Mode: tcg-icount.');
    expect(text).to.contain('| sel4 | sel4-mech | — | 3 | 15 | [15, 16] | 0.500 | [0.500, 0.500] | linux linux-mech (30) |');
  });
});
