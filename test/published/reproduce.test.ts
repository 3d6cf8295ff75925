import { expect } from 'chai';
import type { RunConfig } from '../../harness/config/types.js';
import type { ResultEntry } from '../../harness/analysis/results.js';
import { renderMarkdown, renderText } from '../../harness/published/render.js';
import { reproduce } from '../../harness/published/reproduce.js';
import { configForReference } from '../../harness/published/run-config.js';
import type { RunFigures } from '../../harness/published/run-figures.js';
import type { PublishedReference } from '../../harness/published/types.js';
import { createRandom } from '../../harness/stats/index.js';
import { resultEntry } from '../support/result-entry.js';

const reference: PublishedReference = {
  id: 'test-ref',
  title: 'Test figures',
  citation: { authors: ['A. Author'], title: 'A paper', where: 'Somewhere', year: 2000, url: 'https://example.org' },
  figuresDate: '2000',
  retrieved: '2026-11-27',
  hardware: { box: { cpu: 'Test CPU', clock: '1 GHz' } },
  unit: 'tsc-ticks',
  method: 'a loop',
  defaultConfig: 'configs/all.yaml',
  figures: [
    {
      name: 'Call',
      hardware: 'box',
      value: 700,
      spread: { stddev: 20 },
      statistic: 'mean',
      class: 'ipc.oneway',
      matches: [{ os: 'sel4', metric: 'ipc.oneway.sel4call.thread.same', note: 'same address space' }],
    },
    {
      name: 'Round trip / 2',
      hardware: 'box',
      value: 300,
      statistic: 'unstated',
      class: 'ipc.oneway',
      matches: [{ os: 'sel4', metric: 'ipc.roundtrip.sel4call.process.same', scale: 0.5 }],
    },
    { name: 'Null', hardware: 'box', value: 100, statistic: 'median', class: 'syscall.null', matches: [{ os: 'linux', metric: 'syscall.null' }] },
  ],
  ratios: [
    {
      name: 'null syscall',
      value: 3,
      numerator: { system: 'Linux', os: 'linux', metric: 'syscall.null' },
      denominator: { system: 'seL4', os: 'sel4', metric: 'syscall.null' },
    },
    {
      name: 'IPC',
      value: 22,
      numerator: { system: 'Mach', os: 'gnumach', metric: 'ipc.roundtrip.*' },
      denominator: { system: 'L3', os: 'sel4', metric: 'ipc.roundtrip.sel4call.process.same' },
    },
  ],
  verification: 'by hand',
  file: '/dev/null/test-ref.yaml',
};

function samples(center: number, seed: number, n = 200): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => Math.round(center * (1 + (random() - 0.5) * 0.02)));
}

function figure(guest: string, metric: string, values: number[], overrides: Partial<ResultEntry> = {}) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  return { runId: 'run-1', entry: resultEntry(guest, metric, median, { ci95: [median - 1, median + 1], ...overrides }), groups: [Float64Array.from(values)] };
}

function run(figures: ReturnType<typeof figure>[], extra: Partial<RunFigures> = {}): RunFigures {
  return {
    runId: 'run-1',
    dir: '/tmp/run-1',
    figures,
    guests: [
      { name: 'linux', os: 'linux' },
      { name: 'sel4', os: 'sel4' },
    ],
    skipped: [],
    failed: [],
    ...extra,
  };
}

describe('harness reproduce: setting published figures beside measured ones', () => {
  it('under tcg-icount, matches the figures but compares only ratios between systems', () => {
    const r = reproduce(reference, [
      run([
        figure('sel4', 'ipc.oneway.sel4call.thread.same', samples(228, 1)),
        figure('sel4', 'ipc.roundtrip.sel4call.process.same', samples(483, 2)),
        figure('sel4', 'syscall.null', samples(292, 3)),
        figure('linux', 'syscall.null', samples(335, 4)),
      ]),
    ]);
    expect(r.figures.map((c) => c.figure.name)).to.deep.equal(['Call', 'Round trip / 2', 'Null']);
    for (const c of r.figures) {
      expect(c.comparability.verdict).to.equal('not reproducible in this mode');
      expect(c.ratio).to.equal(undefined);
    }
    const halved = r.figures[1]!;
    expect(halved.measured.median).to.equal(halved.entry.median * 0.5);
    expect(halved.measured.ci95).to.deep.equal([halved.entry.ci95[0] * 0.5, halved.entry.ci95[1] * 0.5]);

    const nullRatio = r.ratios.find((x) => x.ratio.name === 'null syscall')!;
    expect(nullRatio.comparable).to.equal(true);
    expect(nullRatio.measured!.ratio).to.be.closeTo(335 / 292, 0.01);
    expect(nullRatio.measured!.ci95[0]).to.be.at.most(nullRatio.measured!.ratio);
    expect(nullRatio.measured!.ci95[1]).to.be.at.least(nullRatio.measured!.ratio);
    expect(nullRatio.measured!.ci95[1] - nullRatio.measured!.ci95[0]).to.be.above(0);
    expect(nullRatio.measured!.numerator.guest).to.equal('linux');
    expect(nullRatio.text).to.match(/^comparable as a ratio: both sides count guest instructions/);
  });

  it('under KVM, gives measured / published for TSC ticks', () => {
    const kvm = { unit: 'tsc-ticks' as const, accel: 'kvm' as const };
    const r = reproduce(reference, [run([figure('sel4', 'ipc.oneway.sel4call.thread.same', samples(735, 5), kvm)], { hostCpu: 'AMD EPYC' })]);
    const call = r.figures[0]!;
    expect(call.comparability.verdict).to.equal('hardware differs');
    expect(call.comparability.text).to.contain('AMD EPYC');
    expect(call.ratio).to.be.closeTo(call.entry.median / 700, 1e-12);
  });

  it('says which guest was skipped and how to run it when a figure is missing', () => {
    const skipped = run([figure('linux', 'syscall.null', samples(335, 6))], {
      skipped: [{ guest: 'sel4', reason: 'no seL4 kernel build directory given', howTo: 'set SEL4_BUILD_DIR to a seL4 build directory' }],
    });
    const r = reproduce(reference, [skipped]);
    expect(r.figures.map((c) => c.figure.name)).to.deep.equal(['Null']);
    const call = r.missing.find((m) => m.for === 'Call')!;
    expect(call).to.include({ os: 'sel4', metric: 'ipc.oneway.sel4call.thread.same' });
    expect(call.why).to.equal(
      'guest sel4 in run run-1 was skipped: no seL4 kernel build directory given; to run it: set SEL4_BUILD_DIR to a seL4 build directory',
    );
    expect(r.ratios.find((x) => x.ratio.name === 'null syscall')!.text).to.contain(
      'no measured denominator (seL4: sel4 syscall.null): guest sel4 in run run-1 was skipped',
    );
  });

  it('explains a skipped benchmark, a failed guest and a guest not in the config', () => {
    const linuxOnly = run([], {
      guests: [{ name: 'linux', os: 'linux' }],
      skipped: [{ guest: 'linux', metric: 'syscall.null', reason: 'needs 2 vCPUs' }],
    });
    const r = reproduce(reference, [linuxOnly]);
    expect(r.missing.find((m) => m.for === 'Null')!.why).to.equal('syscall.null of guest linux in run run-1 was skipped: needs 2 vCPUs');
    expect(r.missing.find((m) => m.for === 'Call')!.why).to.match(
      /^no guest with os sel4 in run run-1; add a seL4 guest to the config \(as in configs\/sel4\.yaml\)/,
    );
    expect(r.missing.find((m) => m.os === 'gnumach')!.why).to.match(
      /^no guest with os gnumach in run run-1; add a GNU Mach guest to the config \(as in configs\/gnumach\.yaml\)/,
    );

    const failed = reproduce(reference, [run([], { failed: [{ guest: 'sel4', reason: 'guest sel4 failed during boot\n--- console tail ---' }] })]);
    expect(failed.missing.find((m) => m.for === 'Call')!.why).to.equal('guest sel4 in run run-1 failed: guest sel4 failed during boot');
  });

  it('refuses a ratio between figures in different units, saying so', () => {
    const r = reproduce(reference, [
      run([figure('linux', 'syscall.null', samples(335, 7)), figure('sel4', 'syscall.null', samples(292, 8), { unit: 'tsc-ticks', accel: 'kvm' })]),
    ]);
    const ratio = r.ratios.find((x) => x.ratio.name === 'null syscall')!;
    expect(ratio.comparable).to.equal(false);
    expect(ratio.text).to.match(/^not comparable: cannot compare .* different units/);
  });

  it('renders a table with the published and measured figures, the caveats and what is missing', () => {
    const r = reproduce(reference, [
      run([
        figure('sel4', 'ipc.oneway.sel4call.thread.same', samples(228, 9)),
        figure('sel4', 'syscall.null', samples(292, 10)),
        figure('linux', 'syscall.null', samples(335, 11)),
      ]),
    ]);
    const text = renderText(r);
    expect(text).to.match(
      /^Call +700 \(mean, σ 20\) +tsc-ticks +Test CPU, 1 GHz +sel4 ipc\.oneway\.sel4call\.thread\.same +\d+ \[\d+, \d+\] +guest-instructions +tcg-icount +\d+\.\d\d \(instructions \/ tsc-ticks\) +not reproducible in this mode \[1\]\[2\]$/m,
    );
    expect(text).to.match(/^Round trip \/ 2 .* sel4 ipc\.roundtrip\.sel4call\.process\.same +- .* missing \[\d\]$/m);
    expect(text).to.match(
      /^null syscall \(Linux \/ seL4\) +3 +linux syscall\.null \/ sel4 syscall\.null +1\.\d+ \[1\.\d+, 1\.\d+\] +guest-instructions +tcg-icount +comparable as a ratio \[\d\]$/m,
    );
    expect(text).to.contain('[1] not reproducible in this mode: tcg-icount counts guest instructions');
    expect(text).to.contain('[2] sel4 ipc.oneway.sel4call.thread.same: same address space');
    expect(text).to.contain('- gnumach ipc.roundtrip.* (for "IPC"): no guest with os gnumach');
    const markdown = renderMarkdown(r);
    expect(markdown).to.match(/^# Reproducing test-ref$/m);
    expect(markdown).to.contain('| published figure | value | unit | hardware | measured |');
    expect(markdown).to.contain('Verification: by hand');
  });

  it('narrows a config to the guests and metrics the reference needs', () => {
    const guest = (name: string, os: 'linux' | 'sel4' | 'minix') => ({
      name,
      os,
      vcpus: 1,
      memoryMiB: 512,
      pin: undefined,
      benchmarks: { boots: 1, iterations: 10, warmup: 1, include: ['*'] },
      peers: [],
      image: {},
    });
    const config = { file: '/x/all.yaml', guests: [guest('linux', 'linux'), guest('sel4', 'sel4'), guest('minix', 'minix')] } as unknown as RunConfig;
    const narrowed = configForReference(config, reference);
    expect(narrowed.guests.map((g) => [g.name, g.benchmarks.include])).to.deep.equal([
      ['linux', ['syscall.null']],
      ['sel4', ['ipc.oneway.sel4call.thread.same', 'ipc.roundtrip.sel4call.process.same', 'syscall.null']],
    ]);
    expect(config.guests[0]!.benchmarks.include).to.deep.equal(['*']);
    expect(() => configForReference({ ...config, guests: [guest('minix', 'minix')] }, reference)).to.throw(
      'expected a guest with os sel4 or linux or gnumach in /x/all.yaml for reference test-ref, got minix (os minix)',
    );
  });
});
