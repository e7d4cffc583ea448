import { newtonKernelWasm } from './newton-kernel-wasm.js';
import { WasmKernel } from '../utils/wasm-kernel.js';

interface NewtonExports {
  linear(a: number, rs: number, n: number, dim: number, beta: number, z: number): void;
  newtonSums(a: number, rs: number, n: number, dim: number, z: number, e: number, wy: number, y: number, hx: number, hs: number, block: number, h: number): void;
}
const newtonKernel = new WasmKernel<NewtonExports>('logistic fit', newtonKernelWasm);
/** Rows a pass of the Newton sums (even; they and their products with hw stay in the first-level cache). */
const BLOCK_ROWS = 256;

/**
 * The sums over rows of a logistic fit by Newton-Raphson (IRLS), for LogisticModel.fit: the weighted log-loss at a
 * beta, then at that beta the gradient A' rw and the Hessian A' diag(hw) A, where A is the rows with an intercept
 * column (all 1) first. The sums run in newton-kernel.wat, each in the order of the scalar loops it replaced, bit for
 * bit. The kernel's memory holds A row-major (rs values a row: dim rounded up to even, rows padded to an even count:
 * pairs of rows share a vector), then per row z, exp(-|z|), the class weight and y, then beta, the kernel's block
 * scratch and the sums; everything the kernel reads but does not write is written here, padding included, so no
 * number of an earlier fit is read.
 */
export class NewtonSums {
  private readonly n: number;
  private readonly dim: number;
  private readonly rs: number;
  private readonly hs: number;
  private readonly rows: number;
  private readonly zAt: number;
  private readonly eAt: number;
  private readonly wyAt: number;
  private readonly yAt: number;
  private readonly betaAt: number;
  private readonly hxAt: number;
  private readonly hAt: number;
  private readonly kernel: NewtonExports;
  private readonly z: Float64Array;
  private readonly expNegAbsZ: Float64Array;
  private readonly wy: Float64Array;
  private readonly y: readonly (0 | 1)[];
  private readonly betaIn: Float64Array;
  private readonly sums: Float64Array;

  /** Rows X (n x d) with labels y and class weights w0, w1; the memory stays valid until the next fit. */
  constructor(X: readonly number[][], y: readonly (0 | 1)[], w0: number, w1: number) {
    const n = X.length;
    const dim = X[0]!.length + 1;
    this.n = n;
    this.dim = dim;
    this.y = y;
    this.rs = (dim + 1) & ~1;
    this.hs = (dim + 3) & ~1;
    this.rows = n + (n & 1);
    this.zAt = this.rows * this.rs * 8;
    this.eAt = this.zAt + this.rows * 8;
    this.wyAt = this.eAt + this.rows * 8;
    this.yAt = this.wyAt + this.rows * 8;
    this.betaAt = this.yAt + this.rows * 8;
    this.hxAt = this.betaAt + this.rs * 8;
    this.hAt = this.hxAt + BLOCK_ROWS * this.hs * 8;
    const { exports, buffer } = newtonKernel.instance(this.hAt + (dim + 2) * this.rs * 8);
    this.kernel = exports;
    copyRows(X, new Float64Array(buffer, 0, this.rows * this.rs), this.rs);
    this.z = new Float64Array(buffer, this.zAt, this.rows);
    this.expNegAbsZ = new Float64Array(buffer, this.eAt, this.rows);
    this.wy = new Float64Array(buffer, this.wyAt, this.rows);
    copyLabels(y, w0, w1, this.wy, new Float64Array(buffer, this.yAt, this.rows));
    this.expNegAbsZ[this.rows - 1] = 0;
    // the block scratch: a column no step writes (dim + 1, when dim is even) is read for sums nobody uses
    new Float64Array(buffer, this.hxAt, BLOCK_ROWS * this.hs).fill(0);
    this.betaIn = new Float64Array(buffer, this.betaAt, dim);
    this.sums = new Float64Array(buffer, this.hAt, (dim + 2) * this.rs);
  }

  /** Sum over rows of wy_i (log(1 + exp(z_i)) - y_i z_i), z = A beta; keeps z and exp(-|z|) for `derivatives`. */
  logLoss(beta: Float64Array): number {
    this.betaIn.set(beta);
    this.kernel.linear(0, this.rs, this.rows, this.dim, this.betaAt, this.zAt);
    return weightedLogLoss(this.z, this.expNegAbsZ, this.wy, this.y, this.n);
  }

  /**
   * Gradient g = A' rw and the lower triangle of H = A' diag(hw) A (H[j * dim + k], k <= j) at the beta of the last
   * `logLoss`: p = sigmoid(z) from its z and exp(-|z|), the exponential sigmoid needs (exp(-z) for z >= 0, exp(z)
   * below; at z = 0 both are exp(0) = 1), rw = wy (p - y), hw = wy p (1 - p).
   */
  derivatives(g: Float64Array, H: Float64Array): void {
    const { dim, rs, sums } = this;
    this.kernel.newtonSums(0, rs, this.n, dim, this.zAt, this.eAt, this.wyAt, this.yAt, this.hxAt, this.hs, BLOCK_ROWS, this.hAt);
    for (let j = 0; j < dim; j++) {
      g[j] = sums[dim * rs + j]!;
      for (let k = 0; k <= j; k++) H[j * dim + k] = sums[j * rs + k]!;
    }
  }
}

/** A = [1, row] for each row, zero-padded to rs values a row and to an even number of rows. */
function copyRows(X: readonly number[][], A: Float64Array, rs: number): void {
  const n = X.length;
  const d = X[0]!.length;
  // the padding first: code after a loop that V8 compiles while in it has no type feedback yet and deoptimises
  A.fill(0, n * rs);
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    const o = i * rs;
    A[o] = 1;
    for (let j = 0; j < d; j++) A[o + 1 + j] = row[j]!;
    for (let j = d + 1; j < rs; j++) A[o + j] = 0;
  }
}

/** Each row's class weight and label as doubles (a padding row's 0). */
function copyLabels(y: readonly (0 | 1)[], w0: number, w1: number, wy: Float64Array, yv: Float64Array): void {
  const n = y.length;
  wy.fill(0, n);
  yv.fill(0, n);
  for (let i = 0; i < n; i++) {
    wy[i] = y[i] === 1 ? w1 : w0;
    yv[i] = y[i]!;
  }
}

const LOG1P_ONE = Math.log1p(1);

/** The log-loss sum (log(1 + exp(z)) - y z computed stably), exp(-|z_i|) into `e`. */
function weightedLogLoss(z: Float64Array, e: Float64Array, wy: Float64Array, y: readonly (0 | 1)[], n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    // z = 0 (every row at the start, beta = 0): exp(0) = 1 and log1p(1) without the calls, the same numbers
    let ei = 1;
    let log1pE = LOG1P_ONE;
    if (zi !== 0) {
      ei = Math.exp(zi > 0 ? -zi : zi);
      log1pE = Math.log1p(ei);
    }
    e[i] = ei;
    s += wy[i]! * ((zi > 0 ? zi + log1pE : log1pE) - (y[i] === 1 ? zi : 0));
  }
  return s;
}
