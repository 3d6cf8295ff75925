/**
 * Seeded pseudo-random numbers, so that a bootstrap confidence interval can be recomputed bit for
 * bit from the archived samples and the seed stored beside them. Math.random cannot be seeded.
 *
 * The generator is mulberry32 (Tommy Ettinger, 2017, public domain): a 32-bit Weyl sequence
 * through a MurmurHash3-style mixer. Its period is 2^32 and it never emits about a third of the
 * 32-bit values, which would rule it out for simulation work, but a bootstrap only needs
 * well-spread indices: 2000 resamples of 100k draws is 2e8 < 2^32, and each of 100k indices
 * is still reached by tens of thousands of distinct outputs. In exchange it is a few lines of exact 32-bit
 * arithmetic (Math.imul, `| 0`), fast, and trivially reimplemented in any other language to
 * recheck an archived interval.
 */

import { formatValue, requireInteger } from './validate.js';

const TWO_POW_32 = 4294967296;

/**
 * Returns a generator of floats in [0, 1), each a multiple of 2^-32.
 * Seeds are taken modulo 2^32, so -1 and 4294967295 give the same stream.
 */
export function createRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`createRandom: expected an integer seed, got ${formatValue(seed)}`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/**
 * Integer in [0, maxExclusive). Scaling a 32-bit draw has a relative bias of at most
 * maxExclusive / 2^32 (2e-5 for 100k), far below bootstrap noise; rejection sampling would make
 * the number of draws per call data-dependent for no measurable gain.
 */
export function randomInt(random: () => number, maxExclusive: number): number {
  requireInteger(maxExclusive, 'randomInt', 'maxExclusive', 1);
  if (maxExclusive > TWO_POW_32) {
    throw new RangeError(`randomInt: expected maxExclusive <= 2^32, got ${maxExclusive}`);
  }
  return Math.floor(random() * maxExclusive);
}
