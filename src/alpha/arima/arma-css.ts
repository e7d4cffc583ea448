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

/**
 * Mean squared conditional residual (the CSS objective, per observation used): the recursion of armaResiduals keeping
 * only the last residuals. The hot path of every fit (~100 calls per fit, a fit per asset, series and refit), so the
 * default ARMA(1, 1) has a loop of its own: the same operations in the same order, hence bit-for-bit the same sum.
 */
export function cssObjective(w: ArrayLike<number>, ar: readonly number[], ma: readonly number[]): number {
  const p = ar.length;
  const q = ma.length;
  const n = w.length;
  let s = 0;
  if (p === 1 && q === 1) {
    const phi = ar[0]!;
    const theta = ma[0]!;
    let e = 0;
    let prev = w[0]!;
    for (let t = 1; t < n; t++) {
      const wt = w[t]!;
      const v = wt - phi * prev - theta * e;
      e = v;
      prev = wt;
      s += v * v;
    }
    return s / Math.max(1, n - 1);
  }
  // the last q residuals in a ring (0 before the first p values: conditioning); slot `head` holds the latest
  const lastE = new Float64Array(Math.max(1, q));
  let head = 0;
  for (let t = p; t < n; t++) {
    let v = w[t]!;
    for (let i = 0; i < p; i++) v -= ar[i]! * w[t - 1 - i]!;
    for (let j = 0, k = head; j < q; j++, k = k === 0 ? q - 1 : k - 1) v -= ma[j]! * lastE[k]!;
    if (q > 0) {
      head = head === q - 1 ? 0 : head + 1;
      lastE[head] = v;
    }
    s += v * v;
  }
  return s / Math.max(1, n - p);
}

/** The end of a residual pass that a filter continues from: the last min(n, q) residuals, oldest first, and e_{n-1}. */
export interface ResidualTail {
  e: number[];
  lastResidual: number | null;
}

/** The tail of armaResiduals' output `e` for an ARMA(p, q). */
export function residualTail(e: Float64Array, p: number, q: number): ResidualTail {
  const n = e.length;
  return { e: Array.from(e.subarray(n - Math.min(n, q))), lastResidual: n > p ? e[n - 1]! : null };
}

/**
 * cssObjective and the end of armaResiduals from one pass: the objective, the last min(n, q) residuals (oldest
 * first) and the last residual (null when n <= p), which is what a refitted filter continues from. The residuals
 * are armaResiduals' own operations, so bit for bit its values; the objective sums their squares in the same order
 * as cssObjective (whose residuals differ at most in the sign of an exact zero, which squaring removes).
 */
export function cssObjectiveAndTail(w: ArrayLike<number>, ar: readonly number[], ma: readonly number[]): { objective: number; tail: ResidualTail } {
  const p = ar.length;
  const q = ma.length;
  const n = w.length;
  if (p === 1 && q === 1 && n >= 2) {
    // the default order without the residual array: a refit of every asset's three series a day runs through here
    const phi = ar[0]!;
    const theta = ma[0]!;
    let e = 0;
    let s = 0;
    for (let t = 1; t < n; t++) {
      let v = w[t]!;
      v -= phi * w[t - 1]!;
      v -= theta * e;
      e = v;
      s += v * v;
    }
    return { objective: s / Math.max(1, n - 1), tail: { e: [e], lastResidual: e } };
  }
  const all = armaResiduals(w, ar, ma);
  let s = 0;
  for (let t = p; t < n; t++) s += all[t]! * all[t]!;
  return { objective: s / Math.max(1, n - p), tail: residualTail(all, p, q) };
}

/** Difference `d` times. */
export function difference(y: readonly number[], d: number): number[] {
  let out = y.slice();
  for (let k = 0; k < d; k++) out = out.slice(1).map((v, i) => v - out[i]!);
  return out;
}
