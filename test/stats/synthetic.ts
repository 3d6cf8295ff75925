/**
 * Seeded synthetic samples for the statistical property tests: skewed like timer data, with
 * distributions whose true median is known.
 */

/** Exponential with the given rate; 1 − u keeps log away from 0 (u is in [0, 1)). True median ln 2 / rate. */
export function exponential(random: () => number, rate = 1): number {
  return -Math.log(1 - random()) / rate;
}

/** Box–Muller; one of the pair is discarded to keep the stream simple to follow. */
export function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal: exp(mu + sigma Z). True median exp(mu). */
export function lognormal(random: () => number, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * standardNormal(random));
}

export function sample(count: number, draw: () => number): number[] {
  return Array.from({ length: count }, draw);
}
