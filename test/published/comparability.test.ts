import { expect } from 'chai';
import { comparability, ratioComparability, type MeasuredValue } from '../../harness/published/comparability.js';

const skylake = { cpu: 'Intel Core i7-6700 (Skylake)', clock: '3.4 GHz' };

function measured(overrides: Partial<MeasuredValue>): MeasuredValue {
  return {
    unit: 'guest-instructions',
    accel: 'tcg-icount',
    median: 228,
    ci95: [227, 229],
    nanoseconds: { reason: 'tcg-icount figures are not time' },
    ...overrides,
  };
}

describe('whether a measured figure can reproduce a published one', () => {
  it('says instruction counts cannot reproduce hardware cycles, but orderings and ratios can be compared', () => {
    for (const unit of ['tsc-ticks', 'core-cycles', 'cycles'] as const) {
      const c = comparability(unit, skylake, measured({}));
      expect(c.verdict).to.equal('not reproducible in this mode');
      expect(c.text).to.match(
        /^not reproducible in this mode: tcg-icount counts guest instructions .* so this compares guest instructions with .*(TSC ticks|cycles).* on Intel Core i7-6700 \(Skylake\), 3\.4 GHz; orderings and ratios between systems can be compared, absolute figures cannot$/,
      );
      expect(c.converted).to.equal(undefined);
    }
    expect(comparability('microseconds', { cpu: 'Intel 486', clock: '50 MHz' }, measured({})).text).to.contain(
      'compares guest instructions with microseconds of hardware time on Intel 486, 50 MHz',
    );
  });

  it('says emulator ticks are not comparable at all', () => {
    const c = comparability('tsc-ticks', skylake, measured({ unit: 'emulator-ticks', accel: 'tcg' }));
    expect(c.verdict).to.equal('not comparable');
    expect(c.text).to.match(/^not comparable: plain TCG figures are emulator timing/);
    expect(c.converted).to.equal(undefined);
  });

  it('compares TSC ticks under KVM with published TSC ticks, stating both CPUs', () => {
    const c = comparability('tsc-ticks', skylake, measured({ unit: 'tsc-ticks', accel: 'kvm', median: 700, ci95: [690, 710] }), 'AMD EPYC 7763');
    expect(c.verdict).to.equal('hardware differs');
    expect(c.text).to.contain(
      'comparable with the hardware difference stated: both are TSC ticks, ours under KVM on this host (AMD EPYC 7763), theirs on Intel Core i7-6700 (Skylake), 3.4 GHz',
    );
    expect(c.converted).to.deep.equal({ median: 700, ci95: [690, 710] });
  });

  it('warns that TSC ticks are core cycles only at the TSC rate', () => {
    const c = comparability('core-cycles', skylake, measured({ unit: 'tsc-ticks', accel: 'kvm' }));
    expect(c.verdict).to.equal('hardware differs');
    expect(c.text).to.contain('TSC ticks count core cycles only while the core runs at the TSC rate');
    expect(comparability('cycles', skylake, measured({ unit: 'tsc-ticks', accel: 'kvm' })).text).to.contain(
      'the source does not say whether TSC ticks or core cycles',
    );
  });

  it('converts KVM figures to microseconds when the TSC frequency is known, and says why not otherwise', () => {
    const known = comparability(
      'microseconds',
      skylake,
      measured({ unit: 'tsc-ticks', accel: 'kvm', median: 3400, nanoseconds: { median: 1000, ci95: [990, 1010] } }),
    );
    expect(known.verdict).to.equal('hardware differs');
    expect(known.converted).to.deep.equal({ median: 1, ci95: [0.99, 1.01] });
    const unknown = comparability('microseconds', skylake, measured({ unit: 'tsc-ticks', accel: 'kvm', nanoseconds: { reason: 'TSC frequency unknown' } }));
    expect(unknown.verdict).to.equal('not comparable');
    expect(unknown.text).to.contain('(TSC frequency unknown)');
  });

  it('allows ratios between systems in instructions or ticks, not in emulator timing', () => {
    expect(ratioComparability('guest-instructions')).to.include({ comparable: true });
    expect(ratioComparability('tsc-ticks')).to.include({ comparable: true });
    expect(ratioComparability('emulator-ticks')).to.include({ comparable: false });
  });
});
