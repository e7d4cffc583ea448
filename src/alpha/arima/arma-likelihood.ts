import { solveInPlace } from './linear-solve.js';

/**
 * Exact Gaussian log-likelihood of a zero-mean ARMA(p, q) by the Kalman filter on Harvey's state-space form
 * (state dimension r = max(p, q + 1)), with sigma^2 concentrated out. The initial state covariance is the stationary
 * one, from (I - T kron T) vec(P) = vec(R R'). Returns -Infinity when the model is not stationary.
 */
export interface ArmaLikelihood {
  logLik: number;
  sigma2: number;
}

/**
 * The filter's buffers, by state dimension, reused across calls (one evaluation at a time in a thread): a fit
 * evaluates the likelihood ~150 times, and a dozen typed arrays a call were most of its garbage. Every buffer is
 * written before it is read in each call.
 */
interface Buffers {
  T: Float64Array;
  R: Float64Array;
  A: Float64Array;
  b: Float64Array;
  P: Float64Array;
  Pu: Float64Array;
  Pn: Float64Array;
  TP: Float64Array;
  a: Float64Array;
  an: Float64Array;
  a1: Float64Array;
  gain: Float64Array;
}
const buffersByDimension = new Map<number, Buffers>();
function buffersFor(r: number): Buffers {
  let b = buffersByDimension.get(r);
  if (b === undefined) {
    const rr = r * r;
    const f = (n: number) => new Float64Array(n);
    b = { T: f(rr), R: f(r), A: f(rr * rr), b: f(rr), P: f(rr), Pu: f(rr), Pn: f(rr), TP: f(rr), a: f(r), an: f(r), a1: f(r), gain: f(r) };
    buffersByDimension.set(r, b);
  }
  return b;
}

/** `offset` is subtracted from every observation (the mean being estimated), without copying the series. */
export function armaLogLik(w: ArrayLike<number>, ar: readonly number[], ma: readonly number[], offset = 0): ArmaLikelihood {
  const p = ar.length;
  const q = ma.length;
  const r = Math.max(p, q + 1);
  const n = w.length;
  const buf = buffersFor(r);
  const T = buf.T;
  T.fill(0);
  for (let i = 0; i < p; i++) T[i * r] = ar[i]!;
  for (let i = 0; i < r - 1; i++) T[i * r + i + 1] = 1;
  const R = buf.R;
  R.fill(0);
  R[0] = 1;
  for (let j = 0; j < q; j++) R[j + 1] = ma[j]!;
  // stationary covariance P0: the system is solved in place (b becomes P0)
  const rr = r * r;
  const A = buf.A;
  const b = buf.b;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      const row = i * r + j;
      b[row] = R[i]! * R[j]!;
      for (let k = 0; k < r; k++) for (let l = 0; l < r; l++) A[row * rr + k * r + l] = (row === k * r + l ? 1 : 0) - T[i * r + k]! * T[j * r + l]!;
    }
  }
  if (!solveInPlace(A, b, rr, 1e-12)) return { logLik: -Infinity, sigma2: Number.NaN };
  // Buffers reused across steps; once the gain converges (F -> 1 for an invertible model) the covariance
  // recursion is skipped and only the state is filtered, which makes long series cheap.
  let P = buf.P;
  P.set(b);
  const Pu = buf.Pu;
  let Pn = buf.Pn;
  const TP = buf.TP;
  let a = buf.a;
  a.fill(0);
  let an = buf.an;
  const a1 = buf.a1;
  const gain = buf.gain;
  let steady = false;
  let sumLogF = 0;
  let sumV2F = 0;
  let F = 1;
  let logF = 0;
  for (let t = 0; t < n; t++) {
    if (!steady) {
      F = P[0]!;
      if (!(F > 0)) return { logLik: -Infinity, sigma2: Number.NaN };
      logF = Math.log(F);
      for (let i = 0; i < r; i++) gain[i] = P[i * r]! / F;
    }
    const v = w[t]! - offset - a[0]!;
    sumLogF += logF;
    sumV2F += (v * v) / F;
    for (let i = 0; i < r; i++) a1[i] = a[i]! + gain[i]! * v;
    for (let i = 0; i < r; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += T[i * r + k]! * a1[k]!;
      an[i] = s;
    }
    const swapA = a;
    a = an;
    an = swapA;
    if (steady) continue;
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pu[i * r + j] = P[i * r + j]! - gain[i]! * P[j]!;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += T[i * r + k]! * Pu[k * r + j]!;
        TP[i * r + j] = s;
      }
    }
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let s = R[i]! * R[j]!;
        for (let k = 0; k < r; k++) s += TP[i * r + k]! * T[j * r + k]!;
        Pn[i * r + j] = s;
      }
    }
    // converged gain: further steps change F by less than 1e-8 (relative); the log-likelihood error is ~n x 1e-8
    if (Math.abs(Pn[0]! - F) < 1e-8 * F) steady = true;
    const swapP = P;
    P = Pn;
    Pn = swapP;
  }
  const sigma2 = sumV2F / n;
  const logLik = -0.5 * (n * (Math.log(2 * Math.PI * sigma2) + 1) + sumLogF);
  return { logLik, sigma2 };
}
