import { describe, expect, it } from 'vitest';
import { LogisticModel } from '../../src/alpha/logistic-model.js';
import { confusion, prAuc, rocAuc } from '../../src/alpha/metrics.js';
import { nelderMead } from '../../src/alpha/nelder-mead.js';
import { createRng } from '../../src/utils/rng.js';

function data(n: number, seed: number, beta = [-2, 1.5, -1, 0.5]) {
  const rng = createRng(seed);
  const X: number[][] = [];
  const y: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rng.normal(), rng.normal(), rng.normal()];
    const z = beta[0]! + row.reduce((s, v, j) => s + v * beta[j + 1]!, 0);
    X.push(row);
    y.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return { X, y };
}

/** Gradient of the weighted penalised negative log-likelihood: zero at the optimum. */
function gradient(m: LogisticModel, X: number[][], y: (0 | 1)[], w0 = 1, w1 = 1): number[] {
  const p = m.predictProba(X);
  const g = new Array<number>(X[0]!.length + 1).fill(0);
  X.forEach((row, i) => {
    const r = (y[i] === 1 ? w1 : w0) * (p[i]! - y[i]!);
    g[0]! += r;
    row.forEach((v, j) => (g[j + 1]! += r * v));
  });
  return g.map((v, j) => (j === 0 ? v : v + m.l2 * m.coef[j - 1]!));
}

describe('LogisticModel (IRLS)', () => {
  it('converges to the optimum: zero gradient, same point as a direct minimisation, true coefficients recovered', () => {
    const { X, y } = data(4000, 1);
    const m = new LogisticModel({ l2: 0 }).fit(X, y);
    for (const g of gradient(m, X, y)) expect(Math.abs(g)).toBeLessThan(1e-8);
    expect(m.iterations).toBeLessThan(12);
    expect(Math.abs(m.intercept + 2)).toBeLessThan(0.15);
    expect(Math.abs(m.coef[0]! - 1.5)).toBeLessThan(0.15);
    const small = data(300, 2);
    const fitted = new LogisticModel({ l2: 2 }).fit(small.X, small.y);
    const nll = (b: number[]) =>
      small.X.reduce((s, row, i) => {
        const z = b[0]! + row.reduce((t, v, j) => t + v * b[j + 1]!, 0);
        return s + Math.log1p(Math.exp(z)) - (small.y[i] === 1 ? z : 0);
      }, 0) + b.slice(1).reduce((s, v) => s + v * v, 0);
    const direct = nelderMead(nll, [0, 0, 0, 0], { maxIterations: 5000, tolerance: 1e-14 });
    [fitted.intercept, ...fitted.coef].forEach((v, j) => expect(v).toBeCloseTo(direct.x[j]!, 4));
  });

  it('weights the rare class: balanced weights give zero weighted gradient and raise its probabilities', () => {
    const { X, y } = data(3000, 3, [-4, 1, 1, 0]);
    const pos = y.filter((v) => v === 1).length;
    const plain = new LogisticModel({ l2: 1 }).fit(X, y);
    const bal = new LogisticModel({ l2: 1, classWeight: 'balanced' }).fit(X, y);
    for (const g of gradient(bal, X, y, 3000 / (2 * (3000 - pos)), 3000 / (2 * pos))) expect(Math.abs(g)).toBeLessThan(1e-7);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(bal.predictProba(X))).toBeGreaterThan(mean(plain.predictProba(X)) * 3);
    const custom = new LogisticModel({ l2: 1, classWeight: { 0: 1, 1: 5 } }).fit(X, y);
    for (const g of gradient(custom, X, y, 1, 5)) expect(Math.abs(g)).toBeLessThan(1e-7);
  });

  it('round-trips through JSON and scores identically; rejects bad input', () => {
    const { X, y } = data(500, 4);
    const m = new LogisticModel({ l2: 0.5, classWeight: 'balanced' }).fit(X, y);
    const back = LogisticModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as object);
    expect(back.predictProba(X)).toEqual(m.predictProba(X));
    expect(() => LogisticModel.fromJSON({ kind: 'other' })).toThrow('not a coce-logistic/1 model object');
    expect(() => new LogisticModel().fit([], [])).toThrow('logistic fit needs rows and labels');
  });
});

describe('metrics', () => {
  it('rocAuc counts ties one half', () => {
    // pairs (pos, neg): (0.9,0.1) 1, (0.9,0.5) 1, (0.4,0.1) 1, (0.4,0.5) 0 -> 3/4
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.1, 0.4, 0.5])).toBe(0.75);
    expect(rocAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('prAuc is average precision with ties grouped', () => {
    // ranked 0.9 (1), 0.8 (0), 0.7 (1): AP = 0.5 x 1 + 0.5 x 2/3
    expect(prAuc([1, 0, 1], [0.9, 0.8, 0.7])).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(prAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(prAuc([0, 0], [0.5, 0.5])).toBeNaN();
  });

  it('confusion gives precision, recall, F1', () => {
    expect(confusion([1, 1, 0, 0, 1], [true, false, true, false, true])).toEqual({ tp: 2, fp: 1, fn: 1, tn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    expect(confusion([0], [false]).f1).toBe(0);
  });
});

/**
 * The plain IRLS the fit must reproduce bit for bit (expected numbers computed here, by the straightforward scalar
 * loops of the fit before its sums moved into a WebAssembly kernel): every sum over rows in row order from 0, z = A beta
 * summed over columns in order, the same Cholesky solve and step halving.
 */
function plainFit(X: number[][], y: (0 | 1)[], l2: number, classWeight?: 'balanced' | { 0: number; 1: number }) {
  const n = X.length;
  const dim = X[0]!.length + 1;
  const col = (j: number, i: number) => (j === 0 ? 1 : X[i]![j - 1]!);
  const pos = y.reduce<number>((s, v) => s + v, 0);
  const w1 = classWeight === 'balanced' ? n / (2 * Math.max(pos, 1)) : (classWeight?.[1] ?? 1);
  const w0 = classWeight === 'balanced' ? n / (2 * Math.max(n - pos, 1)) : (classWeight?.[0] ?? 1);
  const wy = y.map((v) => (v === 1 ? w1 : w0));
  const zOf = (b: number[]) =>
    X.map((_, i) => {
      let z = 0;
      for (let j = 0; j < dim; j++) z += b[j]! * col(j, i);
      return z;
    });
  const loss = (b: number[]) => {
    let s = 0;
    zOf(b).forEach((z, i) => (s += wy[i]! * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] === 1 ? z : 0))));
    for (let j = 1; j < dim; j++) s += 0.5 * l2 * b[j]! * b[j]!;
    return s;
  };
  const solve = (A: number[][], b: number[]) => {
    const L = A.map(() => new Array<number>(dim).fill(0));
    for (let i = 0; i < dim; i++)
      for (let j = 0; j <= i; j++) {
        let s = A[i]![j]!;
        for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
        L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
      }
    const u = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) {
      let s = b[i]!;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * u[k]!;
      u[i] = s / L[i]![i]!;
    }
    const x = new Array<number>(dim).fill(0);
    for (let i = dim - 1; i >= 0; i--) {
      let s = u[i]!;
      for (let k = i + 1; k < dim; k++) s -= L[k]![i]! * x[k]!;
      x[i] = s / L[i]![i]!;
    }
    return x;
  };
  let beta = new Array<number>(dim).fill(0);
  let current = loss(beta);
  let it = 0;
  for (; it < 100; it++) {
    const p = zOf(beta).map((z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))));
    const g = new Array<number>(dim).fill(0);
    const H = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
    for (let i = 0; i < n; i++) {
      const rw = wy[i]! * (p[i]! - y[i]!);
      const hw = wy[i]! * p[i]! * (1 - p[i]!);
      for (let j = 0; j < dim; j++) {
        g[j]! += rw * col(j, i);
        for (let k = 0; k <= j; k++) H[j]![k]! += hw * col(j, i) * col(k, i);
      }
    }
    for (let j = 0; j < dim; j++) for (let k = j + 1; k < dim; k++) H[j]![k] = H[k]![j]!;
    for (let j = 1; j < dim; j++) {
      H[j]![j]! += l2;
      g[j]! += l2 * beta[j]!;
    }
    const step = solve(H, g);
    let t = 1;
    let next = beta;
    let nextLoss = current;
    for (let half = 0; half < 30; half++, t /= 2) {
      const cand = beta.map((b, j) => b - t * step[j]!);
      const l = loss(cand);
      if (l <= current) {
        next = cand;
        nextLoss = l;
        break;
      }
    }
    const maxStep = Math.max(...next.map((b, j) => Math.abs(b - beta[j]!)));
    beta = next;
    const improved = current - nextLoss;
    current = nextLoss;
    if (maxStep < 1e-10 || improved <= 1e-14 * Math.max(1, Math.abs(current))) {
      it++;
      break;
    }
  }
  return { intercept: beta[0]!, coef: beta.slice(1), iterations: it };
}

describe('LogisticModel.fit against the plain scalar IRLS, bit for bit', () => {
  it('intercept, coefficients and iterations, over row counts (odd, a block and more), widths and class weights', () => {
    const rng = createRng(81);
    const cases = [
      [10, 0, 1, undefined],
      [11, 1, 0, undefined],
      [257, 3, 1, 'balanced'],
      [600, 8, 0.5, { 0: 1, 1: 5 }],
      [1001, 12, 1, 'balanced'],
      [513, 23, 0, { 0: 0.3, 1: 2 }],
    ] as const;
    for (const [n, d, l2, classWeight] of cases) {
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
      if (d > 2) for (const r of X) r[d - 1] = 2 * r[0]! + 1e-6 * rng.normal(); // nearly collinear
      const y = X.map((r) => (rng.next() < 1 / (1 + Math.exp(1 - (r[0] ?? 0))) ? 1 : 0));
      const m = new LogisticModel({ l2, ...(classWeight ? { classWeight } : {}) }).fit(X, y);
      const want = plainFit(X, y, l2, classWeight);
      expect(m.iterations, `n=${n} d=${d}`).toBe(want.iterations);
      [m.intercept, ...m.coef].forEach((v, j) => expect(Object.is(v, [want.intercept, ...want.coef][j]), `n=${n} d=${d} beta ${j}: ${v}`).toBe(true));
    }
  });
});
