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
    // two uncorrelated assets: inverse variance, 25 : 100
    coce.hrpWeights([[0.04, 0], [0, 0.01]], { linkage: 'single' }).forEach((w, i) => expect(w).toBeCloseTo([0.2, 0.8][i]!, 15));
    expect(coce.louvainCommunities([{ source: 'a', target: 'b', weight: 1 }], { resolution: 1, seed: 1 }).communities).toEqual({ a: 0, b: 0 });
    expect(coce.limitTurnover({ A: 1 }, { B: 1 }, 1).fraction).toBe(0.5);
    expect(coce.applyClusterCap({ A: 0.6, B: 0.4 }, { A: 0, B: 0 }, 0.5).cash).toBeCloseTo(0.5, 15);
    expect(Object.keys(coce.consensusClusters([[{ source: 'a', target: 'b' }]], ['a', 'b'], { resolution: 1, runs: 2, seed: 1 }).communities)).toEqual(['a', 'b']);
  });
});
