import { describe, expect, it } from 'vitest';
import * as coce from '../src/index.js';

describe('library surface', () => {
  it('exports the building blocks with the documented signatures', () => {
    const f = coce.fitArima([1, 2, 1.5, 2.2, 1.8, 2.4, 2.1, 2.6, 2.2, 2.9, 2.5, 3.1], [1, 0, 0]);
    expect(Object.keys(f)).toEqual(expect.arrayContaining(['ar', 'ma', 'mean', 'sigma2', 'residuals', 'forecast']));
    expect(f.forecast(2)).toHaveLength(2);
    expect(new coce.LogisticModel({ l2: 1, classWeight: 'balanced' }).fit([[0], [1], [2], [3]], [0, 0, 1, 1]).predictProba([[3]])[0]).toBeGreaterThan(0.5);
    expect(coce.rocAuc([0, 1], [0.1, 0.9])).toBe(1);
    expect(coce.maxDrawdown([1, 2, 1])).toBe(0.5);
  });
});
