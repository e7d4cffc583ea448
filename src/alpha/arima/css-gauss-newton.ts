/**
 * The CSS objective of an ARMA(p, q) minimised directly: Levenberg-Marquardt on the residual recursion of
 * armaResiduals, whose derivatives follow a recursion of their own (Box-Jenkins):
 *   de_t/dphi_i   = -w_{t-1-i} - sum_j theta_j de_{t-1-j}/dphi_i
 *   de_t/dtheta_j = -e_{t-1-j} - sum_l theta_l de_{t-1-l}/dtheta_j
 * A warm refit converges in 3-5 passes over the window where the simplex search took 44 objective evaluations on
 * average (1 160 simulated daily refits), the back-test's largest cost. Hand-written: no npm package
 * fits a least-squares problem whose Jacobian comes from a recursion, in a hot path, without allocation per pass.
 * Returns null when it cannot move inside the stationary and invertible region: callers fall back to the search.
 */
import { solveInPlace } from './linear-solve.js';
import { isStationary } from './pacf-transform.js';

export interface ArmaCoefficients {
  ar: number[];
  /** MA sign convention +theta. */
  ma: number[];
}

const MAX_PASSES = 40;
/** Stop when a step changes no coefficient by more than this (the search stops at 1e-8 relative in the objective). */
const STEP_TOLERANCE = 1e-10;
/** Stop when an accepted step lowers the objective by less than this share. */
const OBJECTIVE_TOLERANCE = 1e-13;

// scratch reused across calls (one fit at a time in a thread): the general pass's rings of residuals and derivatives
let scratch = new Float64Array(0);
const scratchOf = (size: number) => (scratch.length >= size ? scratch : (scratch = new Float64Array(size * 2)));

/**
 * The steps' buffers by number of coefficients, reused across calls (one fit at a time in a thread; a refit of every
 * asset's three series a day made seven typed arrays each). Each is written before it is read: beta from the start,
 * the normal equations by pass(), the rest before use.
 */
const stepBuffersByK = new Map<number, { beta: Float64Array; jtj: Float64Array; jte: Float64Array; jtjTrial: Float64Array; jteTrial: Float64Array; A: Float64Array; delta: Float64Array; trial: Float64Array }>();
function stepBuffers(k: number) {
  let b = stepBuffersByK.get(k);
  if (b === undefined) {
    const f = (n: number) => new Float64Array(n);
    b = { beta: f(k), jtj: f(k * k), jte: f(k), jtjTrial: f(k * k), jteTrial: f(k), A: f(k * k), delta: f(k), trial: f(k) };
    stepBuffersByK.set(k, b);
  }
  return b;
}

/** theta(B) = 1 + theta_1 B + ... is invertible when -theta is a stationary AR polynomial. */
function admissible(beta: Float64Array, p: number, k: number): boolean {
  // one coefficient each (the default order) without the copies: typed-array views cost more than the pass itself
  if (p <= 1 && k - p <= 1) return (p === 0 || Math.abs(beta[0]!) < 1) && (k === p || Math.abs(beta[p]!) < 1);
  const phi: number[] = [];
  const theta: number[] = [];
  for (let a = 0; a < k; a++) (a < p ? phi : theta).push(a < p ? beta[a]! : -beta[a]!);
  return isStationary(phi) && isStationary(theta);
}

/** One pass at `beta` (phi then theta): the sum of squared residuals, and the normal equations J'J and J'e of the linearised problem. */
function pass(w: ArrayLike<number>, p: number, q: number, beta: Float64Array, jtj: Float64Array, jte: Float64Array): number {
  if (p === 1 && q === 1) return pass11(w, beta[0]!, beta[1]!, jtj, jte);
  const n = w.length;
  const k = p + q;
  // e and the derivatives of the last q residuals in rings: slot `head` holds the latest
  const ring = Math.max(1, q);
  const buf = scratchOf(ring * (k + 1));
  buf.fill(0, 0, ring * (k + 1));
  const grad = new Float64Array(k);
  let head = 0;
  let s = 0;
  jtj.fill(0);
  jte.fill(0);
  for (let t = p; t < n; t++) {
    let e = w[t]!;
    for (let i = 0; i < p; i++) e -= beta[i]! * w[t - 1 - i]!;
    for (let j = 0, h = head; j < q; j++, h = h === 0 ? ring - 1 : h - 1) e -= beta[p + j]! * buf[h * (k + 1)]!;
    for (let c = 0; c < k; c++) {
      let g = c < p ? -w[t - 1 - c]! : 0;
      for (let j = 0, h = head; j < q; j++, h = h === 0 ? ring - 1 : h - 1) {
        if (c === p + j) g -= buf[h * (k + 1)]!;
        g -= beta[p + j]! * buf[h * (k + 1) + 1 + c]!;
      }
      grad[c] = g;
    }
    for (let a = 0; a < k; a++) {
      jte[a]! += grad[a]! * e;
      for (let b = 0; b <= a; b++) jtj[a * k + b]! += grad[a]! * grad[b]!;
    }
    if (q > 0) {
      head = head === ring - 1 ? 0 : head + 1;
      buf[head * (k + 1)] = e;
      for (let c = 0; c < k; c++) buf[head * (k + 1) + 1 + c] = grad[c]!;
    }
    s += e * e;
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) jtj[a * k + b] = jtj[b * k + a]!;
  return s;
}

/**
 * pass() for ARMA(1, 1), the default order, with Newton's matrix instead of Gauss-Newton's: the residuals of a CSS fit
 * are not small, so J'J alone converges only linearly (a factor ~7 a pass, measured); adding sum e_t d2e_t from the
 * second-derivative recursions (d2e/dphi2 = 0, d2e/dphi dtheta = c, d2e/dtheta2 = d below) makes it quadratic.
 * Falls back to J'J where that matrix is not positive definite (far from the minimum).
 */
function pass11(w: ArrayLike<number>, phi: number, theta: number, jtj: Float64Array, jte: Float64Array): number {
  let e = 0;
  let dPhi = 0;
  let dTheta = 0;
  let c = 0;
  let d = 0;
  let s = 0;
  let aa = 0;
  let ab = 0;
  let bb = 0;
  let ae = 0;
  let be = 0;
  let ce = 0;
  let de = 0;
  let prev = w[0]!;
  for (let t = 1; t < w.length; t++) {
    const wt = w[t]!;
    const gPhi = -prev - theta * dPhi;
    const gTheta = -e - theta * dTheta;
    const gc = -dPhi - theta * c;
    const gd = -2 * dTheta - theta * d;
    e = wt - phi * prev - theta * e;
    dPhi = gPhi;
    dTheta = gTheta;
    c = gc;
    d = gd;
    prev = wt;
    s += e * e;
    aa += gPhi * gPhi;
    ab += gPhi * gTheta;
    bb += gTheta * gTheta;
    ae += gPhi * e;
    be += gTheta * e;
    ce += gc * e;
    de += gd * e;
  }
  const nab = ab + ce;
  const nbb = bb + de;
  const newton = aa > 0 && nbb > 0 && aa * nbb - nab * nab > 0;
  jtj[0] = aa;
  jtj[1] = jtj[2] = newton ? nab : ab;
  jtj[3] = newton ? nbb : bb;
  jte[0] = ae;
  jte[1] = be;
  return s;
}

/**
 * Minimise the CSS objective of ARMA(p, q) on the demeaned series `w` from `start`; the coefficients at the minimum,
 * or null when no admissible descent was found (start outside the region, a singular system, no convergence).
 */
export function cssGaussNewton(w: ArrayLike<number>, p: number, q: number, start: ArmaCoefficients): ArmaCoefficients | null {
  const k = p + q;
  if (k === 0 || start.ar.length !== p || start.ma.length !== q || w.length <= p + k) return null;
  const { beta, jtj, jte, jtjTrial, jteTrial, A, delta, trial } = stepBuffers(k);
  for (let a = 0; a < k; a++) beta[a] = a < p ? start.ar[a]! : start.ma[a - p]!;
  if (!beta.every(Number.isFinite) || !admissible(beta, p, k)) return null;
  const done = () => {
    const out: ArmaCoefficients = { ar: [], ma: [] };
    for (let a = 0; a < k; a++) (a < p ? out.ar : out.ma).push(beta[a]!);
    return out;
  };
  let s = pass(w, p, q, beta, jtj, jte);
  if (!Number.isFinite(s)) return null;
  let lambda = 1e-6;
  for (let it = 0; it < MAX_PASSES; it++) {
    // damped normal equations (J'J + lambda diag J'J) delta = -J'e
    for (let a = 0; a < k * k; a++) A[a] = jtj[a]!;
    for (let a = 0; a < k; a++) {
      A[a * k + a]! *= 1 + lambda;
      delta[a] = -jte[a]!;
    }
    if (!solveInPlace(A, delta, k, 1e-300)) return null;
    let largest = 0;
    for (let a = 0; a < k; a++) {
      trial[a] = beta[a]! + delta[a]!;
      largest = Math.max(largest, Math.abs(delta[a]!));
    }
    if (largest <= STEP_TOLERANCE) return done();
    // the trial's pass also yields its normal equations, used if it is accepted
    const sTrial = admissible(trial, p, k) ? pass(w, p, q, trial, jtjTrial, jteTrial) : Number.POSITIVE_INFINITY;
    if (sTrial <= s) {
      const gain = s - sTrial;
      beta.set(trial);
      jtj.set(jtjTrial);
      jte.set(jteTrial);
      s = sTrial;
      // converged: the objective no longer moves (the search's own stop is 1e-8 relative)
      if (gain <= OBJECTIVE_TOLERANCE * s) return done();
      lambda = Math.max(lambda / 10, 1e-12);
    } else {
      // a rejected step this small means rounding, not a worse point: beta is the minimum
      if (largest <= 1e-7) return done();
      lambda *= 10;
      if (lambda > 1e8) break;
    }
  }
  return null;
}
