import { covarianceKernelWasm } from './covariance-kernel-wasm.js';
import { leavesOrder, linkage, singleLinkage, type LinkageMethod } from './linkage.js';
import { WasmKernel } from '../utils/wasm-kernel.js';

/**
 * Correlation distances sqrt((1 - rho) / 2), rho clamped to [-1, 1], from asset i to each asset k with skip[k] = 0
 * (as `singleLinkage` asks for them).
 */
function correlationDistances(cov: readonly number[][], sd: Float64Array, i: number, skip: Uint8Array, out: Float64Array): void {
  const row = cov[i]!;
  const sdi = sd[i]!;
  for (let k = 0; k < out.length; k++) {
    if (!skip[k]) out[k] = Math.sqrt(Math.max(0, (1 - Math.max(-1, Math.min(1, row[k]! / (sdi * sd[k]!)))) / 2));
  }
}

/** All of row i of the distance matrix (0 on the diagonal), for the linkages that need the whole matrix. */
function distanceRow(cov: readonly number[][], sd: Float64Array, i: number): number[] {
  const out = new Float64Array(cov.length);
  correlationDistances(cov, sd, i, new Uint8Array(cov.length), out);
  out[i] = 0;
  return Array.from(out);
}

/**
 * Hierarchical risk parity (López de Prado 2016). From the covariance: correlation distance sqrt((1 - rho) / 2),
 * hierarchical clustering (single linkage by default), the quasi-diagonal order of the dendrogram's leaves, then
 * recursive bisection of that ordered list: each half gets weight in inverse proportion to its variance under
 * inverse-variance weights inside it. Returns weights in input order, positive, summing to 1. Pure.
 */
export function hrpWeights(cov: number[][], opts: { linkage?: LinkageMethod } = {}): number[] {
  const n = cov.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  for (let i = 0; i < n; i++) {
    if (!(cov[i]![i]! > 0) || !Number.isFinite(cov[i]![i]!)) throw new RangeError(`hrpWeights: variance of asset ${i} must be positive (got ${cov[i]![i]})`);
  }
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) sd[i] = Math.sqrt(cov[i]![i]!);
  const method = opts.linkage ?? 'single';
  // single linkage (the default) asks for each distance once, as it needs it: no n x n distance matrix
  const merges =
    method === 'single'
      ? singleLinkage(n, (i, skip, out) => correlationDistances(cov, sd, i, skip, out))
      : linkage(cov.map((_, i) => distanceRow(cov, sd, i)), method);
  const order = leavesOrder(merges, n);
  // Every cluster of the bisection is a run order[lo .. hi - 1] of the leaf order. Its variance under inverse-variance
  // weights q_a = ivp_a / s: the sum over a, then b, of (q_a q_b) cov[a][b], the products and the order of the sum
  // those of the formula (ivp_a / s) (ivp_b / s) cov[a][b] term by term, each q_a divided out once.
  const ivp = new Float64Array(n);
  for (let i = 0; i < n; i++) ivp[i] = 1 / cov[i]![i]!;
  const q = new Float64Array(n);
  const clusterVar = (lo: number, hi: number): number => {
    let s = 0;
    for (let a = lo; a < hi; a++) s += ivp[order[a]!]!;
    for (let a = lo; a < hi; a++) q[a] = ivp[order[a]!]! / s;
    let v = 0;
    for (let a = lo; a < hi; a++) {
      const row = cov[order[a]!]!;
      const qa = q[a]!;
      for (let b = lo; b < hi; b++) v += qa * q[b]! * row[order[b]!]!;
    }
    return v;
  };
  const w = new Array<number>(n).fill(1);
  const stack: [number, number][] = [[0, n]];
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    if (hi - lo < 2) continue;
    const mid = lo + ((hi - lo) >> 1);
    const vl = clusterVar(lo, mid);
    const vr = clusterVar(mid, hi);
    const alpha = 1 - vl / (vl + vr);
    for (let a = lo; a < mid; a++) w[order[a]!]! *= alpha;
    for (let a = mid; a < hi; a++) w[order[a]!]! *= 1 - alpha;
    stack.push([lo, mid], [mid, hi]);
  }
  return w;
}

interface CovarianceExports {
  covariance(x: number, n: number, t: number, out: number, panelRows: number): void;
}
const covarianceKernel = new WasmKernel<CovarianceExports>('covariance', covarianceKernelWasm);

/**
 * Sample covariance of return series (one row per asset, equal lengths), ddof 1. The hot part of HRP for 500 assets
 * x 720 bars (90 M multiply-adds): rows are demeaned into the kernel's memory and the dot products run in
 * covariance-kernel.wat, entry (i, j) = ((s0 + s1) + s2) + s3 over t - 1, s_r the sum over k = r mod 4 as the
 * scalar loop unrolled by 4 summed it (the tail k >= t - t mod 4 going on in s0), bit for bit.
 */
export function covariance(returns: readonly number[][]): number[][] {
  const n = returns.length;
  if (n === 0) return [];
  const t = returns[0]!.length;
  // the kernel's layout: rows in pairs (a padding row's entries are dropped), each quad of bars of a pair's two rows
  // in one 64-byte block (8 values: the first row's four, then the second's)
  const rows = n + (n & 1);
  const pairValues = 8 * Math.ceil(t / 4);
  const xBytes = (rows / 2) * pairValues * 8;
  const { exports, buffer } = covarianceKernel.instance(xBytes + rows * rows * 8 + 128);
  writeDemeanedPairs(returns, t, new Float64Array(buffer, 0, (rows / 2) * pairValues), pairValues);
  // column panels of ~256 KiB of rows, which stay in the second-level cache while the row pairs above them pass
  const panelRows = Math.max(2, Math.floor(262_144 / (pairValues * 4 + 8)) & ~1);
  exports.covariance(0, rows, t, xBytes, panelRows);
  return squareRows(new Float64Array(buffer, xBytes, rows * rows), n, rows);
}

/**
 * Each series minus its mean (summed in order, over t) into X, in the kernel's pair layout: bar k of row i at pair
 * i >> 1, block k >> 2, offset 4 (i & 1) + (k & 3); a padding row (odd n) zero. The loops live in functions of their
 * own, which V8 optimises whole: compiled on the fly inside covariance() they were dropped and redone (calls of 3 to
 * 5 ms instead of 0.3 at 50 assets, measured).
 */
function writeDemeanedPairs(returns: readonly number[][], t: number, X: Float64Array, pairValues: number): void {
  const n = returns.length;
  // the padding first: code after a loop that V8 compiles while in it has no type feedback yet and deoptimises
  if (n & 1) for (let k = 0; k < t; k++) X[(n >> 1) * pairValues + 4 + 2 * k - (k & 3)] = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    let m = 0;
    for (let k = 0; k < t; k++) m += r[k]!;
    m /= t;
    const o = (i >> 1) * pairValues + (i & 1) * 4;
    let k = 0;
    for (let p = o; k + 4 <= t; k += 4, p += 8) {
      X[p] = r[k]! - m;
      X[p + 1] = r[k + 1]! - m;
      X[p + 2] = r[k + 2]! - m;
      X[p + 3] = r[k + 3]! - m;
    }
    for (; k < t; k++) X[o + 2 * k - (k & 3)] = r[k]! - m;
  }
}

/** The leading n x n block of the kernel's rows x rows output as arrays. */
function squareRows(C: Float64Array, n: number, rows: number): number[][] {
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0);
    const o = i * rows;
    for (let j = 0; j < n; j++) row[j] = C[o + j]!;
    out[i] = row;
  }
  return out;
}
