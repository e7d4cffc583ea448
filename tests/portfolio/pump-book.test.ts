import { describe, expect, it } from 'vitest';
import { pumpBook, type EntryCandidate, type PumpBookSettings } from '../../src/portfolio/pump-book.js';

const S: PumpBookSettings = {
  maxAssetWeight: 0.1,
  maxClusterWeight: 0.25,
  maxGrossExposure: 1,
  maxTurnover: 0.3,
  fullSizeProbability: 0.3,
  maxPositionAdvMultiple: 0.05,
  minTradeNotionalUsd: 25,
  navUsd: 100_000,
  volTargetAnnual: null,
};
const cand = (symbol: string, probability: number, o: Partial<EntryCandidate> = {}): EntryCandidate => ({ symbol, probability, hrpWeight: 1, advUsd: 10_000_000, volAnnual: null, ...o });

describe('pumpBook: hold until an exit, size entries from probability and liquidity', () => {
  it('keeps held positions as they are, sells the exiting ones, tops up a held candidate to its size', () => {
    const b = pumpBook({ A: 0.07, B: 0.04, C: 0.02 }, new Set(['B']), [cand('A', 0.9), cand('B', 0.9)], {}, S);
    expect(b.weights).toEqual({ A: 0.1, C: 0.02 }); // A still alarmed: topped up by 0.03 to the cap; B exits
    expect(b.entries).toEqual([{ symbol: 'A', weight: 0.1 - 0.07, limit: 'probability', topUp: true }]);
    // a held candidate at its size already gets nothing, and no "skipped" line
    const full = pumpBook({ A: 0.1 }, new Set(), [cand('A', 0.9)], {}, S);
    expect(full).toEqual({ weights: { A: 0.1 }, entries: [], skipped: [] });
  });

  it('sizes an entry as the asset cap times probability / full-size probability, at most the cap', () => {
    const b = pumpBook({}, new Set(), [cand('LOW', 0.15), cand('HIGH', 0.6)], {}, S);
    expect(b.weights.HIGH).toBe(0.1);
    expect(b.weights.LOW).toBeCloseTo(0.05, 15); // 0.1 x 0.15 / 0.3
    expect(b.entries.map((e) => [e.symbol, e.limit])).toEqual([['HIGH', 'probability'], ['LOW', 'probability']]);
  });

  it('scales an entry in an asset more volatile than the target down to it, never up', () => {
    const s = { ...S, volTargetAnnual: 1 };
    const b = pumpBook({}, new Set(), [cand('WILD', 0.9, { volAnnual: 2.5 }), cand('CALM', 0.9, { volAnnual: 0.5 }), cand('NOVOL', 0.9)], {}, s);
    expect(b.weights.WILD).toBeCloseTo(0.04, 15); // 0.1 x 1 / 2.5
    expect(b.weights.CALM).toBe(0.1);
    expect(b.weights.NOVOL).toBe(0.1); // no figure: not scaled
  });

  it('caps an entry at the ADV multiple a position may reach, and skips one under the minimum trade', () => {
    // 0.05 x 1 000 000 ADV = 50 000 USD -> 0.5 of NAV is no limit; 0.05 x 60 000 = 3 000 USD = 0.03 of NAV is
    const b = pumpBook({}, new Set(), [cand('THIN', 0.9, { advUsd: 60_000 }), cand('DUST', 0.9, { advUsd: 400 })], {}, S);
    expect(b.weights.THIN).toBeCloseTo(0.03, 15);
    expect(b.entries[0]).toMatchObject({ symbol: 'THIN', limit: 'liquidity' });
    expect(b.weights.DUST).toBeUndefined(); // 20 USD < 25
    expect(b.skipped).toEqual([{ symbol: 'DUST', reason: '20.00 USD (set by liquidity) is under the minimum trade' }]);
  });

  it('fills the cluster and gross room left by the held book, most probable entries first', () => {
    // cluster 0 holds 0.2 of its 0.25: X (0.7) gets the 0.05 left, Y (0.5, same cluster) nothing; gross 0.93 held
    const held = { H1: 0.1, H2: 0.1, ...Object.fromEntries(Array.from({ length: 73 }, (_, i) => [`F${i}`, 0.01])) };
    const clusters = { H1: 0, H2: 0, X: 0, Y: 0, Z: 1 };
    const b = pumpBook(held, new Set(), [cand('Y', 0.5), cand('X', 0.7), cand('Z', 0.4)], clusters, S);
    expect(b.weights.X).toBeCloseTo(0.05, 12);
    expect(b.weights.Y).toBeUndefined();
    expect(b.weights.Z).toBeCloseTo(0.02, 12); // gross room: 1 - 0.93 - 0.05
    expect(b.entries.map((e) => e.limit)).toEqual(['cluster', 'gross']);
  });

  it('spends at most the turnover budget on entries, and splits a tight budget by HRP share', () => {
    const five = ['A', 'B', 'C', 'D', 'E'].map((s) => cand(s, 0.9));
    const b = pumpBook({}, new Set(), five, {}, S);
    expect(Object.values(b.weights).reduce((a, v) => a + v, 0)).toBeCloseTo(0.3, 12);
    // the third entry takes what is left of the budget (0.3 - 0.1 - 0.1 rounds just under 0.1); D and E get nothing
    expect(b.entries.map((e) => e.symbol)).toEqual(['A', 'B', 'C']);
    expect(b.skipped.map((e) => e.symbol)).toEqual(['D', 'E']);
    const hrp = pumpBook({ BIG: 0.1 }, new Set(), [cand('P', 0.9, { hrpWeight: 0.25 }), cand('Q', 0.9, { hrpWeight: 0.75 })], {}, { ...S, maxGrossExposure: 0.2 });
    expect(hrp.weights.P).toBeCloseTo(0.025, 12); // 0.25 of the 0.1 gross room
    expect(hrp.weights.Q).toBeCloseTo(0.075, 12);
  });

  it('clips a held position that a new clustering put over its cluster cap', () => {
    const b = pumpBook({ A: 0.1, B: 0.1, C: 0.1 }, new Set(), [], { A: 0, B: 0, C: 0 }, S);
    for (const s of ['A', 'B', 'C']) expect(b.weights[s]).toBeCloseTo(0.25 / 3, 12);
  });
});
