import type { Rng } from '../../utils/rng.js';

/**
 * Distributions the synthetic market draws from. Hand-written: they run per asset and bar (a hot path: millions of
 * draws per back-test) on our seeded streams, and each is a few lines of a textbook method.
 */

/** Gamma(shape, scale 1) by Marsaglia & Tsang (2000); shape < 1 via the u^(1/shape) boost. */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Student-t with `df` > 2 degrees of freedom, scaled to unit variance (fat tails, same volatility). */
export function studentT(rng: Rng, df: number): number {
  const chi2 = 2 * gamma(rng, df / 2);
  return rng.normal() * Math.sqrt((df - 2) / chi2);
}

/** Poisson(lambda): Knuth's product method for small means, a rounded normal approximation above 30. */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/**
 * Overdispersed counts: negative binomial as a gamma-Poisson mixture with mean `mean` and shape `k`
 * (variance mean + mean^2 / k), the usual model for social-media mention counts.
 */
export function negativeBinomial(rng: Rng, mean: number, k: number): number {
  return poisson(rng, (mean * gamma(rng, k)) / k);
}

/** Inverse-CDF draw from unnormalised weights (cumulative array from `cumulative`). */
export function pickWeighted(rng: Rng, cumulativeWeights: readonly number[]): number {
  const total = cumulativeWeights[cumulativeWeights.length - 1]!;
  const x = rng.next() * total;
  let lo = 0;
  let hi = cumulativeWeights.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulativeWeights[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function cumulative(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}
