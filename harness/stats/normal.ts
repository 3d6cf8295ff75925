/**
 * Standard normal tail probabilities for the rank tests' normal approximations.
 *
 * erfc uses the Chebyshev-fitted approximation of Press et al., Numerical Recipes (2nd ed.,
 * §6.2, erfcc): fractional error below 1.2e-7 everywhere, including the far tail, which is what a
 * p-value needs (an absolute-error approximation such as Abramowitz & Stegun 7.1.26 would give
 * 0 or garbage for p below 1e-7).
 */

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const tail =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? tail : 2 - tail;
}

/**
 * P(|Z| >= |z|) for standard normal Z. Exactly 1 at z = 0 (the approximation is off by ~1e-7
 * there, and "identical samples give p = 1" should hold exactly), never above 1.
 */
export function twoSidedNormalP(z: number): number {
  if (z === 0) return 1;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}
