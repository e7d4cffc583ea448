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

/**
 * One series' incremental ARIMA filter: each new observation gives its one-step surprise, the standardised residual
 * (x - forecast) / sigma, in O(p + q + d) from the last values kept, with no refit. It runs exactly the conditional
 * recursion of armaResiduals, so over a window it reproduces the residuals of a full pass with the same
 * coefficients. `update` returns null until p differenced values have been seen (no forecast yet).
 */
export class ArimaFilter {
  private raw: number[] = [];
  private w: number[] = [];
  private e: number[] = [];
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
    if (start !== undefined) {
      this.raw = start.raw.slice();
      this.w = start.w.slice();
      this.e = start.e.slice();
      this.lastResidual = start.lastResidual;
    }
  }

  /** Raw residual of the last update (not standardised), null before the filter is warm. */
  lastResidual: number | null = null;

  update(x: number): number | null {
    const { ar, ma, mean, d } = this.coef;
    this.raw.push(x);
    if (this.raw.length > d + 1) this.raw.shift();
    if (this.raw.length <= d) {
      this.lastResidual = null;
      return null;
    }
    // d-th difference of the last d + 1 raw values (no copies for the usual d = 0 and d = 1)
    let diffed: number;
    if (d === 0) diffed = x;
    else if (d === 1) diffed = x - this.raw[0]!;
    else {
      let vals = this.raw.slice();
      for (let k = 0; k < d; k++) vals = vals.slice(1).map((v, i) => v - vals[i]!);
      diffed = vals[vals.length - 1]!;
    }
    const wt = diffed - mean;
    const p = ar.length;
    const q = ma.length;
    let e = 0;
    let warm = false;
    if (this.w.length >= p) {
      warm = true;
      e = wt;
      for (let i = 0; i < p; i++) e -= ar[i]! * this.w[this.w.length - 1 - i]!;
      for (let j = 0; j < q && j < this.e.length; j++) e -= ma[j]! * this.e[this.e.length - 1 - j]!;
    }
    this.w.push(wt);
    if (this.w.length > p) this.w.shift();
    this.e.push(e);
    if (this.e.length > q) this.e.shift();
    this.lastResidual = warm ? e : null;
    return warm ? e / this.sd : null;
  }

  /** Forecast of the next raw observation. */
  forecastNext(): number {
    const { ar, ma, mean, d } = this.coef;
    let w = 0;
    for (let i = 0; i < ar.length; i++) w += ar[i]! * (this.w[this.w.length - 1 - i] ?? 0);
    for (let j = 0; j < ma.length; j++) w += ma[j]! * (this.e[this.e.length - 1 - j] ?? 0);
    w += mean;
    if (d === 0) return w;
    // integrate: next raw = w + sum of the lower-order differences of the last values
    let level = w;
    let vals = this.raw.slice();
    const lasts: number[] = [];
    for (let k = 0; k < d; k++) {
      lasts.push(vals[vals.length - 1]!);
      vals = vals.slice(1).map((v, i) => v - vals[i]!);
    }
    for (let k = d - 1; k >= 0; k--) level += lasts[k]!;
    return level;
  }
}
