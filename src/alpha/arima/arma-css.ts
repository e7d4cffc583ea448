/**
 * Conditional one-step residuals of an ARMA(p, q) with MA sign +theta (as R and statsmodels):
 *   e_t = w_t - sum_i phi_i w_{t-i} - sum_j theta_j e_{t-j},  with e_t = 0 for the first p values (conditioning).
 * `w` is the differenced, demeaned series. The incremental filter runs the same recursion bar by bar, so its
 * residuals equal these exactly.
 */
export function armaResiduals(w: ArrayLike<number>, ar: readonly number[], ma: readonly number[]): Float64Array {
  const p = ar.length;
  const q = ma.length;
  const e = new Float64Array(w.length);
  for (let t = p; t < w.length; t++) {
    let v = w[t]!;
    for (let i = 0; i < p; i++) v -= ar[i]! * w[t - 1 - i]!;
    for (let j = 0; j < q && t - 1 - j >= 0; j++) v -= ma[j]! * e[t - 1 - j]!;
    e[t] = v;
  }
  return e;
}

/** Mean squared conditional residual (the CSS objective, per observation used). */
export function cssObjective(w: ArrayLike<number>, ar: readonly number[], ma: readonly number[]): number {
  // Same recursion as armaResiduals, keeping only the last q residuals (called ~100 times per fit).
  const p = ar.length;
  const q = ma.length;
  const lastE = new Float64Array(Math.max(1, q));
  let s = 0;
  for (let t = p; t < w.length; t++) {
    let v = w[t]!;
    for (let i = 0; i < p; i++) v -= ar[i]! * w[t - 1 - i]!;
    for (let j = 0; j < q; j++) v -= ma[j]! * lastE[(t - 1 - j + q * w.length) % q]!;
    if (q > 0) lastE[t % q] = v;
    s += v * v;
  }
  return s / Math.max(1, w.length - p);
}

/** Difference `d` times. */
export function difference(y: readonly number[], d: number): number[] {
  let out = y.slice();
  for (let k = 0; k < d; k++) out = out.slice(1).map((v, i) => v - out[i]!);
  return out;
}
