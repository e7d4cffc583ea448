import ARIMA from 'arima';
import { describe, expect, it } from 'vitest';
import { ArimaFilter, coefficientsOf } from '../../../src/alpha/arima/arima-filter.js';
import { armaResiduals, cssObjective, cssObjectiveAndTail, difference } from '../../../src/alpha/arima/arma-css.js';
import { armaLogLik } from '../../../src/alpha/arima/arma-likelihood.js';
import { fitArima } from '../../../src/alpha/arima/fit-arima.js';
import { coefficientsToPacf, pacfToCoefficients } from '../../../src/alpha/arima/pacf-transform.js';
import { nelderMead } from '../../../src/alpha/nelder-mead.js';
import { createRng } from '../../../src/utils/rng.js';

/** ARMA(1,1) sample path: x_t = phi x_{t-1} + e_t + theta e_{t-1}, plus a level. */
function arma(n: number, phi: number, theta: number, seed: number, level = 0): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  let prev = 0;
  let prevE = 0;
  for (let i = 0; i < n + 100; i++) {
    const e = rng.normal();
    const v = phi * prev + e + theta * prevE;
    if (i >= 100) out.push(v + level);
    prev = v;
    prevE = e;
  }
  return out;
}

const arimaPackageForecast = (y: number[], order: [number, number, number], h: number): number[] => {
  const m = new ARIMA({ p: order[0], d: order[1], q: order[2], verbose: false }).train(y);
  const [pred] = m.predict(h);
  m.destroy();
  return pred;
};

describe('cssObjective', () => {
  it('is bit-for-bit the mean square of the conditional residuals, on the ARMA(1, 1) loop and on the general one', () => {
    const rng = createRng(21);
    const w = Array.from({ length: 336 }, () => rng.normal());
    const cases: [number[], number[]][] = [[[0.6], [0.3]], [[-0.2], [0.9]], [[0.5, -0.2], [0.3]], [[0.4], [0.3, -0.1]], [[], [0.5]], [[0.7, 0.1], []], [[0.2, 0.1, 0.05], [0.4, 0.2]]];
    for (const [ar, ma] of cases) {
      const e = armaResiduals(w, ar, ma);
      let s = 0;
      for (let t = ar.length; t < w.length; t++) s += e[t]! * e[t]!;
      expect(cssObjective(w, ar, ma), `AR ${ar.join(',')} MA ${ma.join(',')}`).toBe(s / (w.length - ar.length));
    }
    expect(cssObjective([1], [0.5], [0.5])).toBe(0);
  });
});

describe('fitArima', () => {
  it('recovers phi 0.6 of an AR(1) within 0.05 (500 points, 5 seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const f = fitArima(arma(500, 0.6, 0, seed, 3), [1, 0, 0]);
      expect(f.method).toBe('css-ml');
      expect(Math.abs(f.ar[0]! - 0.6)).toBeLessThan(0.05);
      expect(Math.abs(f.mean - 3)).toBeLessThan(0.3);
      expect(Math.abs(f.sigma2 - 1)).toBeLessThan(0.15);
    }
  });

  it('agrees with the arima package (ctsa, exact ML) on forecasts of ARMA(1,1), ARIMA(1,1,1) and AR(2)', () => {
    const y = arma(500, 0.6, 0.3, 3, 2);
    const ours = fitArima(y, [1, 0, 1]);
    expect(Math.abs(ours.ar[0]! - 0.6)).toBeLessThan(0.1); // true phi 0.6, theta 0.3
    expect(Math.abs(ours.ma[0]! - 0.3)).toBeLessThan(0.1);
    const ref = arimaPackageForecast(y, [1, 0, 1], 3);
    ours.forecast(3).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-3)); // both are numerical ML optima
    const d1 = fitArima(y, [1, 1, 1]).forecast(2);
    arimaPackageForecast(y, [1, 1, 1], 2).forEach((v, i) => expect(Math.abs(v - d1[i]!)).toBeLessThan(1e-3)); // both are numerical ML optima
    const y2 = arma(400, 0.5, 0, 9).map((v, i, a) => v + 0.3 * (a[i - 2] ?? 0));
    const ar2 = fitArima(y2, [2, 0, 0]).forecast(4);
    arimaPackageForecast(y2, [2, 0, 0], 4).forEach((v, i) => expect(Math.abs(v - ar2[i]!)).toBeLessThan(1e-3));
  });

  it('reports residuals of the differenced series and a white-noise fit for order (0, d, 0)', () => {
    const y = arma(200, 0.6, 0, 7);
    const f = fitArima(y, [1, 1, 0]);
    expect(f.residuals).toHaveLength(199);
    const wn = fitArima(y, [0, 0, 0]);
    expect(wn.ar).toEqual([]);
    expect(wn.forecast(2)).toEqual([wn.mean, wn.mean]);
  });

  it('falls back to AR(1), then to the mean, instead of failing', () => {
    const short = fitArima([1, 2, 1.5, 2.5, 2, 3], [2, 0, 2]);
    expect(short.method).toBe('ar1-fallback');
    expect(short.ar).toHaveLength(1);
    const flat = fitArima([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], [1, 0, 1]);
    expect(flat.method).toBe('mean-fallback');
    expect(flat.forecast(1)).toEqual([5]);
    const bad = fitArima([1, Number.NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 0, 0]);
    expect(bad.method).toBe('mean-fallback');
    expect(Number.isFinite(bad.forecast(1)[0]!)).toBe(true);
  });
});

describe('ArimaFilter (incremental)', () => {
  it('gives exactly the residuals of a full pass with the same coefficients', () => {
    const y = arma(300, 0.6, 0.3, 11, 1);
    const fit = fitArima(y.slice(0, 200), [1, 0, 1]);
    const coef = coefficientsOf(fit);
    const filter = new ArimaFilter(coef);
    const incremental = y.map((x) => filter.update(x));
    const full = armaResiduals(difference(y, 0).map((v) => v - coef.mean), coef.ar, coef.ma);
    expect(incremental[0]).toBeNull(); // p = 1: no forecast for the first value
    for (let t = 1; t < y.length; t++) expect(incremental[t]!).toBeCloseTo(full[t]! / Math.sqrt(coef.sigma2), 12);
    // and the fit's own residuals on its window are the same recursion
    fit.residuals.forEach((r, t) => expect(r).toBeCloseTo(full[t]!, 12));
  });

  it('differences on the fly and forecasts the next raw value like the batch fit', () => {
    const y = arma(250, 0.5, 0.2, 12).map((v, i) => v + 0.05 * i);
    const fit = fitArima(y, [1, 1, 1]);
    const filter = new ArimaFilter(coefficientsOf(fit));
    const z = y.map((x) => filter.update(x));
    expect(z.slice(0, 2)).toEqual([null, null]); // d = 1 and p = 1
    expect(filter.forecastNext()).toBeCloseTo(fit.forecast(1)[0]!, 10);
    const d2 = new ArimaFilter({ ar: [], ma: [], mean: 0, sigma2: 1, d: 2 });
    [1, 4, 9, 16].forEach((x) => d2.update(x));
    expect(d2.forecastNext()).toBe(23); // second differences 2, 2: next = 16 + 7 + 0
  });

  it('started from a fit\'s filterState, runs on bit-for-bit like a filter replayed over the fitted window', () => {
    const y = arma(400, 0.5, 0.3, 13).map((v, i) => v + 0.01 * i);
    for (const order of [[1, 0, 1], [2, 1, 1], [0, 1, 1], [1, 0, 0], [2, 0, 2], [0, 0, 0]] as [number, number, number][]) {
      const fit = fitArima(y.slice(0, 336), order);
      const replayed = new ArimaFilter(coefficientsOf(fit));
      y.slice(0, 336).forEach((x) => replayed.update(x));
      const started = new ArimaFilter(coefficientsOf(fit), fit.filterState);
      expect(started.lastResidual, order.join(',')).toBe(replayed.lastResidual);
      expect(started.forecastNext()).toBe(replayed.forecastNext());
      for (const x of y.slice(336)) expect(started.update(x), order.join(',')).toBe(replayed.update(x));
    }
    // an AR(1) fallback (a series too short for the full fit) hands over its state the same way
    const short = y.slice(0, 8);
    const fb = fitArima(short, [1, 0, 1]);
    expect(fb.method).toBe('ar1-fallback');
    const replayed = new ArimaFilter(coefficientsOf(fb));
    short.forEach((x) => replayed.update(x));
    const started = new ArimaFilter(coefficientsOf(fb), fb.filterState);
    for (const x of y.slice(8, 40)) expect(started.update(x)).toBe(replayed.update(x));
  });
});

describe('warm css refits (the feature engine\'s daily path)', () => {
  const orders: [number, number, number][] = [[1, 0, 1], [2, 1, 1], [0, 1, 1], [1, 0, 0], [2, 0, 2], [0, 0, 2]];

  it('cssObjectiveAndTail gives cssObjective and the end of armaResiduals, bit for bit', () => {
    const y = arma(400, 0.5, 0.3, 21);
    for (const [p, , q] of orders) {
      const ar = [0.4, -0.1].slice(0, p);
      const ma = [0.3, 0.2].slice(0, q);
      for (const n of [1, 2, 3, 50, 336]) {
        const w = y.slice(0, n);
        const { objective, tail } = cssObjectiveAndTail(w, ar, ma);
        const e = armaResiduals(w, ar, ma);
        expect(objective, `${p},${q} n=${n}`).toBe(cssObjective(w, ar, ma));
        expect(tail.e).toEqual(Array.from(e.subarray(n - Math.min(n, q))));
        expect(tail.lastResidual).toBe(n > p ? e[n - 1]! : null);
      }
    }
  });

  it('a filter started from a warm refit\'s filterState runs on exactly like one replayed over the window', () => {
    const y = arma(420, 0.5, 0.3, 22).map((v, i) => v + 0.01 * i);
    for (const order of orders) {
      const first = fitArima(y.slice(0, 336), order);
      const fit = fitArima(y.slice(24, 360), order, { start: first, method: 'css' });
      expect(fit.method, order.join(',')).toBe('css');
      const replayed = new ArimaFilter(coefficientsOf(fit));
      y.slice(24, 360).forEach((x) => replayed.update(x));
      const started = new ArimaFilter(coefficientsOf(fit), fit.filterState);
      expect(started.lastResidual, order.join(',')).toBe(replayed.lastResidual);
      for (const x of y.slice(360)) expect(started.update(x), order.join(',')).toBe(replayed.update(x));
      // the residuals and sigma2 a refit reports are those of one full pass with its coefficients
      const w = difference(y.slice(24, 360), order[1]).map((v) => v - fit.mean);
      expect(fit.residuals).toEqual(Array.from(armaResiduals(w, fit.ar, fit.ma)));
      expect(fit.sigma2).toBe(cssObjective(w, fit.ar, fit.ma));
    }
  });

  it('the incremental filter is the residual recursion itself (exact, every order)', () => {
    const y = arma(300, 0.6, 0.3, 23);
    for (const [p, , q] of orders) {
      const coef = { ar: [0.4, -0.1].slice(0, p), ma: [0.3, 0.2].slice(0, q), mean: 0.1, sigma2: 2, d: 0 };
      const filter = new ArimaFilter(coef);
      const e = armaResiduals(y.map((v) => v - coef.mean), coef.ar, coef.ma);
      y.forEach((x, t) => expect(filter.update(x), `${p},${q} t=${t}`).toBe(t < p ? null : e[t]! / Math.sqrt(2)));
    }
  });
});

describe('building blocks', () => {
  it('PACF transform maps any reals to stationary coefficients and back', () => {
    const phi = pacfToCoefficients([0.3, -1.2, 2]);
    expect(coefficientsToPacf(phi).map((u) => u.toFixed(10))).toEqual(['0.3000000000', '-1.2000000000', '2.0000000000']);
    expect(pacfToCoefficients([Math.atanh(0.6)])[0]).toBeCloseTo(0.6, 12);
  });

  it('exact likelihood of white noise is the Gaussian one; non-stationary gives -Infinity', () => {
    const w = [1, -1, 2, 0.5];
    const s2 = (1 + 1 + 4 + 0.25) / 4;
    expect(armaLogLik(w, [], []).logLik).toBeCloseTo(-0.5 * 4 * (Math.log(2 * Math.PI * s2) + 1), 12);
    expect(armaLogLik(w, [1], []).logLik).toBe(-Infinity);
  });

  it('Nelder-Mead finds the minimum of a shifted quadratic and the Rosenbrock valley', () => {
    const q = nelderMead((x) => (x[0]! - 1) ** 2 + (x[1]! + 2) ** 2, [0, 0]);
    expect(q.x[0]).toBeCloseTo(1, 3);
    expect(q.x[1]).toBeCloseTo(-2, 3);
    expect(q.converged).toBe(true);
    const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { maxIterations: 2000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 2);
    expect(nelderMead(() => Number.NaN, [0]).fx).toBe(Infinity);
  });
});
