import { describe, expect, it } from 'vitest';
import { cssObjective } from '../../../src/alpha/arima/arma-css.js';
import { cssGaussNewton } from '../../../src/alpha/arima/css-gauss-newton.js';
import { fitArima, type ArimaOrder } from '../../../src/alpha/arima/fit-arima.js';
import { nelderMead } from '../../../src/alpha/nelder-mead.js';
import { isStationary, pacfToCoefficients } from '../../../src/alpha/arima/pacf-transform.js';
import { createRng } from '../../../src/utils/rng.js';

/** ARMA(2, 1) paths (phi2 = 0 for ARMA(1, 1)), seeded. */
function arma(n: number, phi: [number, number], theta: number, seed: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  let y1 = 0;
  let y2 = 0;
  let prevE = 0;
  for (let i = 0; i < n + 100; i++) {
    const e = rng.normal();
    const v = phi[0] * y1 + phi[1] * y2 + e + theta * prevE;
    if (i >= 100) out.push(v);
    y2 = y1;
    y1 = v;
    prevE = e;
  }
  return out;
}
const demean = (y: number[]) => {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  return y.map((v) => v - m);
};

/** The CSS minimum by a tight simplex search over the PACF transform (the reference for the direct steps). */
function searched(w: number[], p: number, q: number, from: number[]): { ar: number[]; ma: number[]; s: number } {
  const r = nelderMead((u) => cssObjective(w, pacfToCoefficients(u.slice(0, p)), pacfToCoefficients(u.slice(p)).map((a) => -a)), from, { tolerance: 1e-15, maxIterations: 20_000 });
  const ar = pacfToCoefficients(r.x.slice(0, p));
  const ma = pacfToCoefficients(r.x.slice(p)).map((a) => -a);
  return { ar, ma, s: cssObjective(w, ar, ma) };
}

describe('cssGaussNewton', () => {
  it('reaches the CSS minimum of ARMA(1, 1), AR(1), MA(1) and ARMA(2, 1) from a warm start, to 1e-6 in the coefficients', () => {
    const cases: { order: ArimaOrder; phi: [number, number]; theta: number }[] = [
      { order: [1, 0, 1], phi: [0.6, 0], theta: 0.3 },
      { order: [1, 0, 1], phi: [-0.2, 0], theta: 0.5 },
      { order: [1, 0, 1], phi: [0.9, 0], theta: -0.8 },
      { order: [1, 0, 0], phi: [0.7, 0], theta: 0 },
      { order: [0, 0, 1], phi: [0, 0], theta: 0.4 },
      { order: [2, 0, 1], phi: [0.3, -0.4], theta: 0.5 },
    ];
    for (const [i, c] of cases.entries()) {
      const y = arma(360, c.phi, c.theta, 11 + i);
      const [p, , q] = c.order;
      const start = fitArima(y.slice(0, 336), c.order); // yesterday's fit
      const w = demean(y.slice(24));
      const direct = cssGaussNewton(w, p, q, start)!;
      expect(direct).not.toBeNull();
      const ref = searched(w, p, q, new Array<number>(p + q).fill(0));
      direct.ar.forEach((a, k) => expect(Math.abs(a - ref.ar[k]!)).toBeLessThan(1e-6));
      direct.ma.forEach((a, k) => expect(Math.abs(a - ref.ma[k]!)).toBeLessThan(1e-6));
      expect(cssObjective(w, direct.ar, direct.ma)).toBeLessThanOrEqual(ref.s * (1 + 1e-12));
    }
  });

  it('returns null outside the admissible region, for an empty order and for a series too short', () => {
    const w = demean(arma(200, [0.5, 0], 0.2, 3));
    expect(cssGaussNewton(w, 1, 1, { ar: [1.2], ma: [0.1] })).toBeNull(); // not stationary
    expect(cssGaussNewton(w, 1, 1, { ar: [0.5], ma: [-1.5] })).toBeNull(); // not invertible
    expect(cssGaussNewton(w, 0, 0, { ar: [], ma: [] })).toBeNull();
    expect(cssGaussNewton(w, 1, 1, { ar: [0.5], ma: [] })).toBeNull(); // start of another order
    expect(cssGaussNewton(w.slice(0, 3), 1, 1, { ar: [0.5], ma: [0.1] })).toBeNull();
    expect(cssGaussNewton([1, Number.NaN, 2, 3, 4, 5], 1, 0, { ar: [0.1], ma: [] })).toBeNull();
  });

  it('tells stationary AR polynomials from the rest through their partial autocorrelations', () => {
    expect(isStationary([0.5])).toBe(true);
    expect(isStationary([1])).toBe(false);
    expect(isStationary([1.4, -0.57])).toBe(true); // complex roots inside
    expect(isStationary([0.5, 0.6])).toBe(false); // phi1 + phi2 > 1
    expect(isStationary([])).toBe(true);
  });

  it('makes a warm css refit of fitArima agree with the simplex refit it replaces within its tolerance', () => {
    const y = arma(360, [0.6, 0], 0.3, 5);
    const start = fitArima(y.slice(0, 336), [1, 0, 1]);
    const refit = fitArima(y.slice(24), [1, 0, 1], { start, method: 'css' });
    expect(refit.method).toBe('css');
    const w = demean(y.slice(24));
    const ref = searched(w, 1, 1, [0, 0]);
    expect(Math.abs(refit.ar[0]! - ref.ar[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(refit.ma[0]! - ref.ma[0]!)).toBeLessThan(1e-6);
    expect(refit.sigma2).toBeCloseTo(ref.s, 12);
  });

  it('gives up on a flat valley (AR and MA roots nearly cancel) and fitArima falls back to the simplex search', () => {
    const y = arma(360, [0.5, 0.2], 0.3, 16);
    const start = fitArima(y.slice(0, 336), [2, 0, 1]);
    const w = demean(y.slice(24));
    expect(cssGaussNewton(w, 2, 1, start)).toBeNull(); // 40 passes without convergence
    const refit = fitArima(y.slice(24), [2, 0, 1], { start, method: 'css' });
    expect(refit.method).toBe('css');
    const ref = searched(w, 2, 1, [0, 0, 0]);
    expect(refit.sigma2 / ref.s - 1).toBeLessThan(1e-6);
  });
});
