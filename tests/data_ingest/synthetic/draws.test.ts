import { describe, expect, it } from 'vitest';
import { cumulative, gamma, negativeBinomial, pickWeighted, poisson, studentT } from '../../../src/data_ingest/synthetic/draws.js';
import { createRng } from '../../../src/utils/rng.js';

const moments = (xs: number[]) => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const kurtosis = xs.reduce((a, b) => a + (b - mean) ** 4, 0) / n / variance ** 2;
  return { mean, variance, kurtosis };
};
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('draws', () => {
  it('gamma(shape) has mean and variance equal to the shape, also below 1', () => {
    const rng = createRng(11);
    for (const shape of [0.5, 2.5, 9]) {
      const m = moments(draw(100_000, () => gamma(rng, shape)));
      expect(Math.abs(m.mean - shape) / shape).toBeLessThan(0.02);
      expect(Math.abs(m.variance - shape) / shape).toBeLessThan(0.05);
    }
  });

  it('studentT has unit variance and the fat tails of its degrees of freedom', () => {
    // t with 8 d.o.f.: excess kurtosis 6 / (8 - 4) = 1.5, so kurtosis 4.5
    const m = moments(draw(200_000, () => studentT(createRngOnce, 8)));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.02);
    expect(m.kurtosis).toBeGreaterThan(4);
    expect(m.kurtosis).toBeLessThan(5.2);
  });

  it('poisson matches its mean for small and large lambda, and 0 for lambda <= 0', () => {
    const rng = createRng(5);
    expect(moments(draw(50_000, () => poisson(rng, 3))).mean).toBeCloseTo(3, 1);
    const big = moments(draw(50_000, () => poisson(rng, 200)));
    expect(Math.abs(big.mean - 200)).toBeLessThan(0.5);
    expect(Math.abs(big.variance - 200) / 200).toBeLessThan(0.05);
    expect(poisson(rng, 0)).toBe(0);
  });

  it('negativeBinomial is overdispersed: variance = mean + mean^2 / k', () => {
    const rng = createRng(6);
    const m = moments(draw(100_000, () => negativeBinomial(rng, 20, 3)));
    // 20 + 400 / 3 = 153.3
    expect(Math.abs(m.mean - 20)).toBeLessThan(0.3);
    expect(Math.abs(m.variance - 153.3) / 153.3).toBeLessThan(0.05);
  });

  it('pickWeighted follows the weights', () => {
    const rng = createRng(8);
    const cdf = cumulative([1, 0, 3]);
    expect(cdf).toEqual([1, 1, 4]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[pickWeighted(rng, cdf)]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0]! / 40_000 - 0.25)).toBeLessThan(0.01);
  });
});

const createRngOnce = createRng(9);
