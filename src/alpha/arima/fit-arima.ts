import { nelderMead } from '../nelder-mead.js';
import { armaResiduals, cssObjective, cssObjectiveAndTail, difference, residualTail, type ResidualTail } from './arma-css.js';
import { cssGaussNewton } from './css-gauss-newton.js';
import { armaLogLik } from './arma-likelihood.js';
import { coefficientsToPacf, pacfToCoefficients } from './pacf-transform.js';

export type ArimaOrder = [p: number, d: number, q: number];

/** Last d + 1 raw values, last p differenced and demeaned values, last q residuals, and the last residual if any. */
export interface ArimaFilterState {
  raw: number[];
  w: number[];
  e: number[];
  lastResidual: number | null;
}

/** How the coefficients were obtained: the full method, or a fallback when it failed (counted by callers). */
export type ArimaMethod = 'css-ml' | 'css' | 'ar1-fallback' | 'mean-fallback';

export interface ArimaFit {
  ar: number[];
  /** MA sign convention +theta, as R and statsmodels. */
  ma: number[];
  /** Process mean (0 when d > 0). */
  mean: number;
  sigma2: number;
  /** Conditional one-step residuals on the (differenced) series, one per differenced point. */
  residuals: number[];
  forecast(h: number): number[];
  /** The state an ArimaFilter with these coefficients ends in after a pass over the series (see ArimaFilter). */
  filterState: ArimaFilterState;
  order: ArimaOrder;
  method: ArimaMethod;
  logLik: number;
}

// theta(B) = 1 + theta_1 B + ...: invertible when -theta is stationary. ARMA(1, 1), the default, without the copies
// (called for every objective evaluation; the values are those of pacfToCoefficients on one partial autocorrelation).
const split = (u: readonly number[], p: number) =>
  p === 1 && u.length === 2
    ? { ar: [Math.tanh(u[0]!)], ma: [-Math.tanh(u[1]!)] }
    : { ar: pacfToCoefficients(u.slice(0, p)), ma: pacfToCoefficients(u.slice(p)).map((a) => -a) };

/**
 * `demeaned`: the differenced series less `mean`, when the caller has it (not copied: the caller drops its own);
 * `tail`: the end of its residual pass, when the caller made one. The full residuals are recomputed only when read
 * (refits in the feature engine never read them).
 */
function buildFit(y: readonly number[], order: ArimaOrder, ar: number[], ma: number[], mean: number, sigma2: number, method: ArimaMethod, logLik: number, demeaned?: ArrayLike<number>, tail?: ResidualTail): ArimaFit {
  const d = order[1];
  const w = demeaned ?? difference(y, d).map((v) => v - mean);
  const n = w.length;
  const end = tail ?? residualTail(armaResiduals(w, ar, ma), ar.length, ma.length);
  return {
    ar,
    ma,
    mean,
    sigma2,
    get residuals() {
      return Array.from(armaResiduals(w, ar, ma));
    },
    filterState: {
      raw: y.slice(Math.max(0, y.length - d - 1)),
      w: Array.from({ length: Math.min(n, ar.length) }, (_, j) => w[n - Math.min(n, ar.length) + j]!),
      e: end.e,
      lastResidual: end.lastResidual,
    },
    order,
    method,
    logLik,
    forecast(h: number): number[] {
      // ARMA forecasts of the differenced series, then integrated d times back to levels
      const ww = Array.from(w);
      const ee = Array.from(armaResiduals(w, ar, ma));
      const out: number[] = [];
      for (let k = 0; k < h; k++) {
        const t = ww.length;
        let v = 0;
        for (let i = 0; i < ar.length; i++) v += ar[i]! * (ww[t - 1 - i] ?? 0);
        for (let j = 0; j < ma.length; j++) v += ma[j]! * (ee[t - 1 - j] ?? 0);
        ww.push(v);
        ee.push(0);
        out.push(v + mean);
      }
      let levels = out;
      for (let k = d; k >= 1; k--) {
        const base = difference(y, k - 1);
        let last = base[base.length - 1]!;
        levels = levels.map((v) => (last += v));
      }
      return levels;
    },
  };
}

/**
 * Fit an ARIMA(p, d, q) by conditional sum of squares, then refine by exact Gaussian maximum likelihood (Kalman
 * filter) from the CSS estimate. Parameters are searched through the PACF transform so every candidate is stationary
 * and invertible. When the fit fails (too short, constant, non-finite), it falls back to AR(1) by Yule-Walker, then to
 * the mean alone; `method` says which.
 */
export interface FitOptions {
  /** Previous coefficients: start the search there (a refit). */
  start?: { ar: readonly number[]; ma: readonly number[] };
  /** 'css' stops after the conditional-sum-of-squares stage (cheap refits on long windows, where CSS and exact ML agree closely). */
  method?: 'css-ml' | 'css';
}

export function fitArima(series: number[], order: [p: number, d: number, q: number], opts: FitOptions = {}): ArimaFit {
  const [p, d, q] = order;
  // plain loops: a refit of every asset's three series each day runs through here
  const w0 = d === 0 ? series : difference(series, d);
  const n = w0.length;
  let finite = true;
  let total = 0;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(w0[t]!)) finite = false;
    total += w0[t]!;
  }
  const mean = d === 0 && n > 0 ? total / n : 0;
  const w = new Float64Array(n);
  let squares = 0;
  for (let t = 0; t < n; t++) {
    const v = w0[t]! - mean;
    w[t] = v;
    squares += v * v;
  }
  const variance = n > 1 ? squares / n : 0;
  if (finite && n >= Math.max(10, 3 * (p + q + 1)) && variance > 1e-300) {
    const k = p + q;
    if (k === 0) return buildFit(series, [0, d, 0], [], [], mean, variance, 'css-ml', armaLogLik(w, [], []).logLik);
    // A refit: CSS by Newton / Gauss-Newton steps from the previous coefficients, the simplex search from there only
    // where those steps find no admissible minimum. A first fit: the search from zero (the steps from a
    // Hannan-Rissanen start were tried: on an over-differenced series they reach the MA unit root, a lower CSS than
    // the interior optimum that R, statsmodels and the arima package report).
    const warm = opts.start !== undefined && opts.start.ar.length === p && opts.start.ma.length === q ? { ar: [...opts.start.ar], ma: [...opts.start.ma] } : null;
    const direct = warm === null ? null : cssGaussNewton(w, p, q, warm);
    if (opts.method === 'css' && direct !== null) {
      // the objective and the residual tail the filter starts from, in one pass
      const { objective: s2, tail } = cssObjectiveAndTail(w, direct.ar, direct.ma);
      if (Number.isFinite(s2) && s2 > 0) return buildFit(series, order, direct.ar, direct.ma, mean, s2, 'css', Number.NaN, w, tail);
    }
    const cssU =
      direct !== null
        ? [...coefficientsToPacf(direct.ar), ...coefficientsToPacf(direct.ma.map((t) => -t))]
        : nelderMead(
            (u) => {
              const { ar, ma } = split(u, p);
              return cssObjective(w, ar, ma);
            },
            warm !== null ? [...coefficientsToPacf(warm.ar), ...coefficientsToPacf(warm.ma.map((t) => -t))] : new Array<number>(k).fill(0),
            warm !== null ? { tolerance: 1e-8, step: 0.02 } : { tolerance: 1e-9 },
          ).x;
    if (opts.method === 'css') {
      const { ar, ma } = direct ?? split(cssU, p);
      const s2 = cssObjective(w, ar, ma);
      if (Number.isFinite(s2) && s2 > 0) return buildFit(series, order, ar, ma, mean, s2, 'css', Number.NaN, w);
    }
    // Exact ML refines the coefficients and, without differencing, the mean too (as R and statsmodels do).
    const sd = Math.sqrt(variance);
    const withMean = d === 0;
    const ml = nelderMead((u) => {
      const { ar, ma } = split(u.slice(0, k), p);
      return -armaLogLik(w, ar, ma, withMean ? u[k]! * sd : 0).logLik;
    }, withMean ? [...cssU, 0] : cssU, { tolerance: 1e-10, step: 0.05 });
    const best = Number.isFinite(ml.fx) ? ml.x : [...cssU, 0];
    const { ar, ma } = split(best.slice(0, k), p);
    const meanMl = mean + (withMean ? best[k]! * sd : 0);
    const lik = armaLogLik(w, ar, ma, meanMl - mean);
    if (Number.isFinite(lik.logLik) && lik.sigma2 > 0) return buildFit(series, order, ar, ma, meanMl, lik.sigma2, 'css-ml', lik.logLik);
  }
  // Fallbacks: AR(1) by Yule-Walker, else the mean.
  if (finite && n >= 3 && variance > 1e-300) {
    let c1 = 0;
    for (let t = 1; t < n; t++) c1 += w[t]! * w[t - 1]!;
    const phi = Math.max(-0.99, Math.min(0.99, c1 / n / variance));
    return buildFit(series, [1, d, 0], [phi], [], mean, variance * (1 - phi * phi), 'ar1-fallback', Number.NaN);
  }
  return buildFit(
    series.map((v) => (Number.isFinite(v) ? v : 0)),
    [0, d, 0],
    [],
    [],
    Number.isFinite(mean) ? mean : 0,
    variance > 0 && Number.isFinite(variance) ? variance : 1,
    'mean-fallback',
    Number.NaN,
  );
}

