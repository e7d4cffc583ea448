import { describe, expect, it } from 'vitest';
import { covariance, hrpWeights } from '../../src/portfolio/hrp.js';
import { leavesOrder, linkage } from '../../src/portfolio/linkage.js';
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
