/**
 * Binomial variates from a seeded uniform stream, by inversion: each draw consumes exactly one
 * uniform, so a bootstrap built on it stays reproducible from its seed.
 *
 * - n·min(p, 1−p) < 30: sequential search from 0 with the pmf recurrence f(k+1) = f(k)·(n−k)/(k+1)·p/q
 *   (Kachitvichyanukul & Schmeiser 1988, "Binomial random variate generation", CACM 31:216–222,
 *   algorithm BINV): about n·p steps.
 * - otherwise: chop-down search from the mode, alternately down and up (Kemp 1986, "A modal method
 *   for generating binomial variables", Commun. Statist. Theory Meth. 15:805–813): about √(npq)
 *   steps, the pmf at the mode from log-factorials (Stirling's series, Abramowitz & Stegun 6.1.41).
 *
 * p > 1/2 is drawn as n − Bin(n, 1 − p), so both searches walk the short tail.
 */

const SMALL_MEAN = 30;

/** ln k!: a table below 256, Stirling's series (error below 1e-16 relative) above. */
const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(256);
  for (let k = 1; k < 256; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!;
  const inverse = 1 / k;
  const inverse2 = inverse * inverse;
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 / 1260));
}

export function binomial(random: () => number, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  const q = 1 - p;
  const u = random();
  return n * p < SMALL_MEAN ? searchFromZero(u, n, p, q) : searchFromMode(u, n, p, q);
}

function searchFromZero(uniform: number, n: number, p: number, q: number): number {
  let u = uniform;
  let f = Math.exp(n * Math.log1p(-p));
  const ratio = p / q;
  for (let k = 0; k < n; k++) {
    if (u < f) return k;
    u -= f;
    f *= ((n - k) / (k + 1)) * ratio;
  }
  return n;
}

function searchFromMode(uniform: number, n: number, p: number, q: number): number {
  const mode = Math.floor((n + 1) * p);
  const atMode = Math.exp(logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(p) + (n - mode) * Math.log1p(-p));
  let u = uniform - atMode;
  if (u < 0) return mode;
  let down = mode;
  let up = mode;
  let fDown = atMode;
  let fUp = atMode;
  const ratio = p / q;
  // Alternate below and above the mode, subtracting each pmf value until the uniform is used up.
  while (down > 0 || up < n) {
    if (down > 0) {
      fDown *= down / (n - down + 1) / ratio;
      down -= 1;
      u -= fDown;
      if (u < 0) return down;
    }
    if (up < n) {
      fUp *= ((n - up) / (up + 1)) * ratio;
      up += 1;
      u -= fUp;
      if (u < 0) return up;
    }
  }
  // Rounding left a sliver of the unit interval unclaimed: the mode is the likeliest answer.
  return mode;
}
