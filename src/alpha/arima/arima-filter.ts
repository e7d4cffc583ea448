import type { ArimaFit, ArimaFilterState } from './fit-arima.js';

/** The coefficients a filter runs with (what a refit hands over). */
export interface ArimaCoefficients {
  ar: readonly number[];
  ma: readonly number[];
  mean: number;
  sigma2: number;
  d: number;
}

export const coefficientsOf = (f: ArimaFit): ArimaCoefficients => ({ ar: f.ar, ma: f.ma, mean: f.mean, sigma2: f.sigma2, d: f.order[1] });

/** Keeps the last `cap` values of `buf` (oldest first, `len` of them) after appending v; returns the new length. */
function pushLast(buf: Float64Array, len: number, cap: number, v: number): number {
  if (cap === 0) return 0;
  if (len < cap) {
    buf[len] = v;
    return len + 1;
  }
  for (let i = 1; i < cap; i++) buf[i - 1] = buf[i]!;
  buf[cap - 1] = v;
  return cap;
}

/**
 * One series' incremental ARIMA filter: each new observation gives its one-step surprise, the standardised residual
 * (x - forecast) / sigma, in O(p + q + d) from the last values kept, with no refit. It runs exactly the conditional
 * recursion of armaResiduals, so over a window it reproduces the residuals of a full pass with the same
 * coefficients. `update` returns null until p differenced values have been seen (no forecast yet).
 * The last values sit in small typed arrays, not arrays pushed and shifted: an update runs three times per asset and
 * bar, the feature engine's hottest call.
 */
export class ArimaFilter {
  /** Last d + 1 raw values, last p differenced values less the mean, last q residuals: oldest first. */
  private readonly raw: Float64Array;
  private readonly w: Float64Array;
  private readonly e: Float64Array;
  private rawLen = 0;
  private wLen = 0;
  private eLen = 0;
  private readonly ar: Float64Array;
  private readonly ma: Float64Array;
  private readonly p: number;
  private readonly q: number;
  private readonly d: number;
  private readonly mean: number;
  private readonly sd: number;

  /**
   * `start`: the state a pass over the fitted series ends in (ArimaFit.filterState), instead of replaying the series
   * through a fresh filter (the same values: the fit's residuals come from the same recursion).
   */
  constructor(
    readonly coef: ArimaCoefficients,
    start?: ArimaFilterState,
  ) {
    this.sd = Math.sqrt(coef.sigma2);
    this.ar = Float64Array.from(coef.ar);
    this.ma = Float64Array.from(coef.ma);
    this.p = coef.ar.length;
    this.q = coef.ma.length;
    this.d = coef.d;
    this.mean = coef.mean;
    this.raw = new Float64Array(this.d + 1);
    this.w = new Float64Array(this.p);
    this.e = new Float64Array(this.q);
    if (start !== undefined) {
      for (const v of start.raw) this.rawLen = pushLast(this.raw, this.rawLen, this.d + 1, v);
      for (const v of start.w) this.wLen = pushLast(this.w, this.wLen, this.p, v);
      for (const v of start.e) this.eLen = pushLast(this.e, this.eLen, this.q, v);
      this.lastResidual = start.lastResidual;
    }
  }

  /** Raw residual of the last update (not standardised), null before the filter is warm. */
  lastResidual: number | null = null;

  update(x: number): number | null {
    const d = this.d;
    this.rawLen = pushLast(this.raw, this.rawLen, d + 1, x);
    if (this.rawLen <= d) {
      this.lastResidual = null;
      return null;
    }
    // d-th difference of the last d + 1 raw values (no copies for the usual d = 0 and d = 1)
    let diffed: number;
    if (d === 0) diffed = x;
    else if (d === 1) diffed = x - this.raw[0]!;
    else diffed = lastDifference(this.raw.subarray(0, this.rawLen), d);
    const wt = diffed - this.mean;
    const p = this.p;
    const q = this.q;
    let e = 0;
    let warm = false;
    if (this.wLen >= p) {
      warm = true;
      e = wt;
      for (let i = 0; i < p; i++) e -= this.ar[i]! * this.w[this.wLen - 1 - i]!;
      for (let j = 0; j < q && j < this.eLen; j++) e -= this.ma[j]! * this.e[this.eLen - 1 - j]!;
    }
    this.wLen = pushLast(this.w, this.wLen, p, wt);
    this.eLen = pushLast(this.e, this.eLen, q, e);
    this.lastResidual = warm ? e : null;
    return warm ? e / this.sd : null;
  }

  /** Forecast of the next raw observation. */
  forecastNext(): number {
    let w = 0;
    for (let i = 0; i < this.p; i++) w += this.ar[i]! * (i < this.wLen ? this.w[this.wLen - 1 - i]! : 0);
    for (let j = 0; j < this.q; j++) w += this.ma[j]! * (j < this.eLen ? this.e[this.eLen - 1 - j]! : 0);
    w += this.mean;
    const d = this.d;
    if (d === 0) return w;
    // integrate: next raw = w + sum of the lower-order differences of the last values
    let level = w;
    let vals = Array.from(this.raw.subarray(0, this.rawLen));
    const lasts: number[] = [];
    for (let k = 0; k < d; k++) {
      lasts.push(vals[vals.length - 1]!);
      vals = vals.slice(1).map((v, i) => v - vals[i]!);
    }
    for (let k = d - 1; k >= 0; k--) level += lasts[k]!;
    return level;
  }
}

/** The last value of the d-th difference of `raw` (d >= 2; the same subtractions as differencing the whole array). */
function lastDifference(raw: Float64Array, d: number): number {
  let vals = Array.from(raw);
  for (let k = 0; k < d; k++) vals = vals.slice(1).map((v, i) => v - vals[i]!);
  return vals[vals.length - 1]!;
}
