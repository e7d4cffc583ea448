import { describe, expect, it } from 'vitest';
import { correlationMatrix, WindowCorrelations } from '../../src/network_analysis/correlation.js';
import { createRng } from '../../src/utils/rng.js';

describe('correlationMatrix with a window memo (the cluster step\'s changing universes)', () => {
  const rng = createRng(41);
  const all = new Map<string, number[]>();
  for (let a = 0; a < 30; a++) {
    const r = Array.from({ length: 150 }, (_, t) => Math.sin(t * ((a % 4) + 1)) * 0.01 + 0.02 * rng.normal());
    if (a === 3 || a === 17) r[40] = Number.NaN; // gappy: the pairwise-overlap path
    all.set(`S${String(a).padStart(2, '0')}`, a === 11 ? r.slice(20) : a === 12 ? r.slice(100) : r); // a short one, and one excluded
  }
  const pick = (names: number[]) => new Map(names.map((a) => [`S${String(a).padStart(2, '0')}`, all.get(`S${String(a).padStart(2, '0')}`)!]));

  it('gives, universe after universe, exactly the result of a call without it, and computes only new pairs', () => {
    const memo = new WindowCorrelations();
    const o = { minOverlap: 60, shrinkage: 0.1 };
    const universes = [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], // one added
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], // some gone, some new
      [29, 28, 27, 3, 17, 0], // mostly new, order of the map changed
    ];
    for (const u of universes) expect(correlationMatrix(pick(u), o, memo)).toStrictEqual(correlationMatrix(pick(u), o));
    // pairs of the included symbols seen so far (S12 is excluded: 50 bars), none twice
    const seen = new Set(universes.flat().filter((a) => a !== 12));
    const pairs = [...memo.pairs.values()].reduce((a, m) => a + m.size, 0);
    expect(pairs).toBeLessThanOrEqual((seen.size * (seen.size - 1)) / 2);
    expect(pairs).toBeGreaterThan(100);
  });

  it('starts afresh when the overlap rule changes', () => {
    const memo = new WindowCorrelations();
    correlationMatrix(pick([0, 1, 2, 3, 17]), { minOverlap: 60, shrinkage: 0 }, memo);
    const stricter = { minOverlap: 149, shrinkage: 0 };
    expect(correlationMatrix(pick([0, 1, 2, 3, 17]), stricter, memo)).toStrictEqual(correlationMatrix(pick([0, 1, 2, 3, 17]), stricter));
    expect(memo.minOverlap).toBe(149);
  });
});
