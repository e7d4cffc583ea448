import { describe, expect, it } from 'vitest';
import { covariance, hrpWeights } from '../../src/portfolio/hrp.js';
import { leavesOrder, linkage, singleLinkage } from '../../src/portfolio/linkage.js';
import { createRng } from '../../src/utils/rng.js';

const line = [0, 1, 3, 7];
const D = line.map((x) => line.map((y) => Math.abs(x - y)));

describe('linkage (hand-checked on points 0, 1, 3, 7 of a line)', () => {
  it('single: 1, then 2 (3 - 1), then 4 (7 - 3)', () => {
    expect(linkage(D, 'single')).toEqual([
      { a: 0, b: 1, height: 1, size: 2 },
      { a: 2, b: 4, height: 2, size: 3 },
      { a: 3, b: 5, height: 4, size: 4 },
    ]);
  });

  it('complete: 1, then max(3, 2) = 3, then max(7, 6, 4) = 7', () => {
    expect(linkage(D, 'complete').map((m) => m.height)).toEqual([1, 3, 7]);
  });

  it('average: 1, then (3 + 2) / 2, then (7 + 6 + 4) / 3', () => {
    const h = linkage(D, 'average').map((m) => m.height);
    expect(h[0]).toBe(1);
    expect(h[1]).toBeCloseTo(2.5, 12);
    expect(h[2]).toBeCloseTo(17 / 3, 12);
  });

  it('ward (Lance-Williams): 1, sqrt(25/3), then sqrt((169 + 32 - 25/3) / 4)', () => {
    const h = linkage(D, 'ward').map((m) => m.height);
    expect(h[0]).toBe(1);
    expect(h[1]).toBeCloseTo(Math.sqrt(25 / 3), 12);
    expect(h[2]).toBeCloseTo(Math.sqrt((169 + 32 - 25 / 3) / 4), 12);
  });

  it('orders leaves left to right by merge', () => {
    expect(leavesOrder(linkage(D, 'single'), 4)).toEqual([3, 2, 0, 1]);
    expect(leavesOrder([], 1)).toEqual([0]);
  });
});

describe('hrpWeights', () => {
  // Two tight pairs: A, B (sd 0.2, 0.3, rho 0.9) and C, D (sd 0.1, 0.4, rho 0.9); cross correlations 0.1.
  const sd = [0.2, 0.3, 0.1, 0.4];
  const rho = [
    [1, 0.9, 0.1, 0.1],
    [0.9, 1, 0.1, 0.1],
    [0.1, 0.1, 1, 0.9],
    [0.1, 0.1, 0.9, 1],
  ];
  const cov = rho.map((r, i) => r.map((c, j) => c * sd[i]! * sd[j]!));

  it('gives the hand-computed weights of the textbook two-pair case to 1e-12', () => {
    // inside a pair: inverse-variance weights; pair variance under them
    const ivp = (v1: number, v2: number) => [1 / v1 / (1 / v1 + 1 / v2), 1 / v2 / (1 / v1 + 1 / v2)];
    const [a, b] = ivp(0.04, 0.09);
    const [c, d] = ivp(0.01, 0.16);
    const vAB = a! * a! * 0.04 + b! * b! * 0.09 + 2 * a! * b! * 0.9 * 0.2 * 0.3;
    const vCD = c! * c! * 0.01 + d! * d! * 0.16 + 2 * c! * d! * 0.9 * 0.1 * 0.4;
    const toAB = 1 - vAB / (vAB + vCD);
    const expected = [toAB * (1 - 0.04 / 0.13), toAB * (0.04 / 0.13), (1 - toAB) * (1 - 0.01 / 0.17), (1 - toAB) * (0.01 / 0.17)];
    const w = hrpWeights(cov);
    w.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-12));
    expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    for (const m of ['ward', 'average', 'complete'] as const) hrpWeights(cov, { linkage: m }).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-12));
  });

  // HRP is not permutation-invariant in general (uneven subtrees split at floor(n / 2) depend on leaf order; the
  // allocation step therefore sorts its inputs); in this symmetric case it is.
  it('is invariant to permuting the input order in the two-pair case', () => {
    const base = hrpWeights(cov);
    for (const perm of [[3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]]) {
      const pc = perm.map((i) => perm.map((j) => cov[i]![j]!));
      const w = hrpWeights(pc);
      perm.forEach((orig, k) => expect(Math.abs(w[k]! - base[orig]!)).toBeLessThan(1e-12));
    }
  });

  it('gives positive weights summing to 1 on random covariances, and handles 0, 1 and bad input', () => {
    const rng = createRng(2);
    const rets = Array.from({ length: 30 }, () => Array.from({ length: 200 }, () => rng.normal() * (0.5 + rng.next())));
    const w = hrpWeights(covariance(rets));
    expect(w.every((v) => v > 0)).toBe(true);
    expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    expect(hrpWeights([])).toEqual([]);
    expect(hrpWeights([[0.04]])).toEqual([1]);
    expect(() => hrpWeights([[0, 0], [0, 1]])).toThrow('variance of asset 0 must be positive (got 0)');
  });

  it('covariance uses ddof 1', () => {
    // x = [1, 2, 3], y = [2, 4, 7]: var x = 1, cov = (-1 x -2.333 + 0 + 1 x 2.667) / 2 = 2.5
    const c = covariance([[1, 2, 3], [2, 4, 7]]);
    expect(c[0]![0]).toBe(1);
    expect(c[0]![1]).toBeCloseTo(2.5, 12);
  });
});

/**
 * The plain definitions the kernels must give bit for bit (expected numbers computed here, by the straightforward
 * loops: the formulas of the scalar code the WebAssembly kernel and the on-demand distances replaced).
 */
function plainCovariance(returns: number[][]): number[][] {
  const t = returns[0]?.length ?? 0;
  const X = returns.map((r) => {
    let m = 0;
    for (const v of r) m += v;
    m /= t;
    return r.map((v) => v - m);
  });
  const t4 = t - (t % 4);
  return X.map((xi) =>
    X.map((xj) => {
      const s = [0, 0, 0, 0];
      for (let k = 0; k < t4; k++) s[k % 4]! += xi[k]! * xj[k]!;
      for (let k = t4; k < t; k++) s[0]! += xi[k]! * xj[k]!;
      return (s[0]! + s[1]! + s[2]! + s[3]!) / (t - 1);
    }),
  );
}

function plainHrp(cov: number[][], method: 'single' | 'ward'): number[] {
  const n = cov.length;
  const sd = cov.map((r, i) => Math.sqrt(r[i]!));
  const dist = cov.map((r, i) => r.map((c, j) => (i === j ? 0 : Math.sqrt(Math.max(0, (1 - Math.max(-1, Math.min(1, c / (sd[i]! * sd[j]!)))) / 2)))));
  const w = new Array<number>(n).fill(1);
  const clusterVar = (items: number[]) => {
    const ivp = items.map((i) => 1 / cov[i]![i]!);
    const s = ivp.reduce((a, b) => a + b, 0);
    let v = 0;
    for (let a = 0; a < items.length; a++) for (let b = 0; b < items.length; b++) v += (ivp[a]! / s) * (ivp[b]! / s) * cov[items[a]!]![items[b]!]!;
    return v;
  };
  const stack = [leavesOrder(linkage(dist, method), n)];
  while (stack.length > 0) {
    const items = stack.pop()!;
    if (items.length < 2) continue;
    const left = items.slice(0, items.length >> 1);
    const right = items.slice(items.length >> 1);
    const alpha = 1 - clusterVar(left) / (clusterVar(left) + clusterVar(right));
    for (const i of left) w[i]! *= alpha;
    for (const i of right) w[i]! *= 1 - alpha;
    stack.push(left, right);
  }
  return w;
}

const expectSameBits = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Object.is(v, want[i]), `entry ${i}: ${v} vs ${want[i]}`).toBe(true));
};

describe('covariance and HRP kernels against their plain definitions, bit for bit', () => {
  // shapes: odd and even asset counts (the kernel pads to pairs), t = 0 .. 3 mod 4 (the tail goes to s0), a single
  // bar (t - 1 = 0), nearly collinear series
  const shapes = [[1, 1], [1, 5], [2, 4], [3, 7], [5, 2], [8, 9], [17, 30], [40, 203], [61, 720]] as const;

  it('covariance', () => {
    const rng = createRng(71);
    for (const [n, t] of shapes) {
      const base = Array.from({ length: t }, () => rng.normal());
      const rets = Array.from({ length: n }, (_, i) => base.map((b) => (i % 3 === 2 ? b * (1 + 1e-9 * rng.normal()) : 0.02 * rng.normal() + 0.001 * i)));
      const got = covariance(rets);
      const want = plainCovariance(rets);
      got.forEach((row, i) => expectSameBits(row, want[i]!));
    }
    expect(covariance([])).toEqual([]);
    expectSameBits(covariance([[], []]).flat(), [-0, -0, -0, -0]); // no bars: 0 / (0 - 1)
  });

  it('covariance beyond the kernel memory kept between calls (16 MiB), then a small one again', () => {
    const rng = createRng(72);
    const long = Array.from({ length: 2 }, () => Array.from({ length: 1_100_003 }, () => rng.normal()));
    expectSameBits(covariance(long).flat(), plainCovariance(long).flat());
    const small = long.map((r) => r.slice(0, 11));
    expectSameBits(covariance(small).flat(), plainCovariance(small).flat());
  });

  it('hrpWeights, single linkage (on-demand distances) and Ward (the full matrix)', () => {
    const rng = createRng(73);
    for (const [n, t] of [[2, 10], [3, 12], [9, 40], [64, 300], [151, 720]] as const) {
      const rets = Array.from({ length: n }, (_, i) => Array.from({ length: t }, () => rng.normal() * (0.5 + (i % 5))));
      const cov = covariance(rets);
      expectSameBits(hrpWeights(cov), plainHrp(cov, 'single'));
      expectSameBits(hrpWeights(cov, { linkage: 'ward' }), plainHrp(cov, 'ward'));
    }
  });

  it('singleLinkage from distance rows gives the merges of linkage on the matrix, ties included', () => {
    const pts = [0, 1, 1, 3, 4, 4, 4, 9];
    const dist = pts.map((x) => pts.map((y) => Math.abs(x - y)));
    const rows = singleLinkage(pts.length, (i, skip, out) => {
      for (let k = 0; k < pts.length; k++) if (!skip[k]) out[k] = Math.abs(pts[i]! - pts[k]!);
    });
    expect(rows).toEqual(linkage(dist, 'single'));
    expect(singleLinkage(1, () => undefined)).toEqual([]);
    expect(linkage([[0]], 'single')).toEqual([]);
  });
});
