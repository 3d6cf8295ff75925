import { expect } from 'chai';
import { createRandom } from '../../harness/stats/random.js';
import { detectSettling } from '../../harness/stats/warmup.js';

describe('stats/warmup', () => {
  it('finds the end of a decaying start (1000 → 100 over 50 samples, then 950 around 100)', () => {
    const random = createRandom(1);
    const decay = Array.from({ length: 50 }, (_, i) => 100 + 900 * Math.exp(-i / 8) + 10 * (random() - 0.5));
    const steady = Array.from({ length: 950 }, () => 100 + 20 * (random() - 0.5));
    const result = detectSettling([...decay, ...steady]);
    expect(result.settledAt).to.be.within(40, 60);
    expect(result.dropped).to.equal(result.settledAt);
    expect(result.atCap).to.equal(false);
    expect(result.policy).to.match(/^MSER-5: .*searched over at most 100 of 200 batches; dropped the first \d+ batches \(\d+ of 1000 samples\)$/);
  });

  it('drops exactly the high batch of a hand-computed step', () => {
    // Batch means 9, 1, 1, 1 (k = 4, cap 2). MSER(0) = ((9−3)² + 3·(1−3)²)/4² = 48/16 = 3;
    // MSER(1) = MSER(2) = 0; the smaller d wins the tie: one batch, 5 samples.
    const values = [...Array<number>(5).fill(9), ...Array<number>(15).fill(1)];
    expect(detectSettling(values)).to.include({ settledAt: 5, dropped: 5, atCap: false });
    // Plain MSER (batches of 1) on the same idea.
    expect(detectSettling([9, 1, 1, 1], { batchSize: 1 })).to.include({ settledAt: 1, dropped: 1 });
  });

  it('drops nothing from a constant series', () => {
    const result = detectSettling(Array<number>(1000).fill(0.1));
    expect(result).to.include({ settledAt: 0, dropped: 0, atCap: false });
    expect(result.policy).to.match(/no warm-up found, nothing dropped$/);
  });

  it('drops nothing from a series that starts settled', () => {
    const random = createRandom(2);
    const result = detectSettling(Array.from({ length: 1000 }, () => 100 + 20 * random()));
    expect(result.settledAt).to.be.at.most(25);
  });

  it('stops at the cap and says so when the series never settles', () => {
    // A ramp: every later suffix has a smaller MSER, so the minimum is the largest allowed d,
    // floor(20 / 2) = 10 batches.
    const result = detectSettling(Array.from({ length: 100 }, (_, i) => i));
    expect(result).to.include({ settledAt: 50, dropped: 50, atCap: true });
    expect(result.policy).to.match(/at most 10 of 20 batches; .*the minimum is at the cap, so the series may not have settled$/);
    expect(
      detectSettling(
        Array.from({ length: 100 }, (_, i) => i),
        { maxTruncation: 0.2 },
      ),
    ).to.include({ settledAt: 20, atCap: true });
  });

  it('keeps the samples after the last full batch', () => {
    // 23 samples: 4 batches, 3 left over; the step is in batch 0, the leftovers are not dropped.
    const values = [...Array<number>(5).fill(50), ...Array<number>(18).fill(10)];
    expect(detectSettling(values)).to.include({ settledAt: 5 });
  });

  it('drops nothing when there are fewer than two batches', () => {
    const result = detectSettling([900, 500, 100, 100, 100, 100, 100, 100, 100]);
    expect(result).to.include({ settledAt: 0, dropped: 0, atCap: false });
    expect(result.policy).to.equal('MSER-5: 9 samples make 1 batches of 5, too few to search for a warm-up; nothing dropped');
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2, 5, 4, 1, 1, 1, 1, 1, 1];
    detectSettling(values, { batchSize: 1 });
    expect(values).to.deep.equal([3, 1, 2, 5, 4, 1, 1, 1, 1, 1, 1]);
  });

  it('throws a RangeError for bad input or options', () => {
    expect(() => detectSettling([])).to.throw(RangeError, /detectSettling: expected at least one value, got an empty array/);
    expect(() => detectSettling([1, NaN])).to.throw(RangeError, /finite number at index 1, got NaN/);
    expect(() => detectSettling([1], { batchSize: 0 })).to.throw(RangeError, /batchSize to be an integer >= 1, got 0/);
    expect(() => detectSettling([1], { maxTruncation: 1 })).to.throw(RangeError, /maxTruncation in \(0, 1\), got 1/);
  });
});
