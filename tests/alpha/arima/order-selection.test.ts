import { describe, expect, it } from 'vitest';
import { selectOrder } from '../../../src/alpha/arima/order-selection.js';
import { createRng } from '../../../src/utils/rng.js';

describe('selectOrder (arima package)', () => {
  it('prefers AR(1) for AR(1) data and a random walk model for a random walk', () => {
    const rng = createRng(4);
    const ar: number[][] = [];
    const walk: number[][] = [];
    for (let s = 0; s < 3; s++) {
      let x = 0;
      let w = 0;
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 300; i++) {
        x = 0.85 * x + rng.normal();
        w += rng.normal();
        a.push(x);
        b.push(w);
      }
      ar.push(a);
      walk.push(b);
    }
    const r = selectOrder(ar, [[0, 0, 0], [1, 0, 0]]);
    expect(r.best).toEqual([1, 0, 0]);
    expect(r.scores[1]!.mse).toBeLessThan(r.scores[0]!.mse);
    expect(selectOrder(walk, [[0, 0, 0], [0, 1, 1]]).best).toEqual([0, 1, 1]);
    expect(selectOrder([[1, 2, 3]], [[1, 0, 0]]).scores[0]!.mse).toBe(Infinity); // too short to score
  });
});
