import { describe, expect, it } from 'vitest';
import { applyCaps, applyClusterCap, clipToCaps, dropSmallTrades, enforceMinTrade, limitTurnover, scaleToGross, turnover } from '../../src/portfolio/constraints.js';

const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);

describe('applyCaps', () => {
  it('caps an asset and gives the excess to the others in proportion', () => {
    // A 0.7 -> 0.5; excess 0.2 to B (0.2) and C (0.1) as 2 : 1 -> B 0.3333, C 0.1667
    const r = applyCaps({ A: 0.7, B: 0.2, C: 0.1 }, {}, 0.5, 1);
    expect(r.weights.A).toBeCloseTo(0.5, 15);
    expect(r.weights.B).toBeCloseTo(0.2 + 0.2 * (2 / 3), 15);
    expect(r.weights.C).toBeCloseTo(0.1 + 0.2 / 3, 15);
    expect(r.cash).toBe(0);
    // an asset already at its cap takes nothing: A 0.5 -> 0.3, B at 0.3 full, C 0.2 -> 0.3 (cap), 0.1 to cash
    const full = applyCaps({ A: 0.5, B: 0.3, C: 0.2 }, {}, 0.3, 1);
    expect(full.weights).toEqual({ A: 0.3, B: 0.3, C: 0.3 });
    expect(full.cash).toBeCloseTo(0.1, 15);
  });

  it('caps a cluster, redistributes to uncapped clusters, and keeps both caps after redistribution', () => {
    // cluster 0 = A + B = 0.7 -> 0.4 (A 0.2286, B 0.1714); excess 0.3 to cluster 1 (C 0.2, D 0.1) -> C 0.4, D 0.2
    const clusters = { A: 0, B: 0, C: 1, D: 1 };
    const r = applyClusterCap({ A: 0.4, B: 0.3, C: 0.2, D: 0.1 }, clusters, 0.6);
    expect(r.weights.A! + r.weights.B!).toBeCloseTo(0.6, 15);
    expect(r.weights.A! / r.weights.B!).toBeCloseTo(4 / 3, 12);
    expect(r.weights.C! + r.weights.D!).toBeCloseTo(0.4, 15);
    const both = applyCaps({ A: 0.4, B: 0.3, C: 0.2, D: 0.1 }, clusters, 0.25, 0.45);
    for (const v of Object.values(both.weights)) expect(v).toBeLessThanOrEqual(0.25 + 1e-12);
    expect(both.weights.A! + both.weights.B!).toBeLessThanOrEqual(0.45 + 1e-12);
    expect(both.weights.C! + both.weights.D!).toBeLessThanOrEqual(0.45 + 1e-12);
    expect(sum(both.weights) + both.cash).toBeCloseTo(1, 12);
  });

  it('leaves excess in cash when no asset or cluster can take it', () => {
    const r = applyCaps({ A: 0.6, B: 0.4 }, { A: 0, B: 0 }, 1, 0.5);
    expect(sum(r.weights)).toBeCloseTo(0.5, 15);
    expect(r.cash).toBeCloseTo(0.5, 15);
    const single = applyCaps({ A: 1 }, {}, 0.1, 1);
    expect(single.weights.A).toBe(0.1);
    expect(single.cash).toBeCloseTo(0.9, 15);
  });
});

describe('scaleToGross, limitTurnover, dropSmallTrades, clipToCaps', () => {
  it('scales down to the allowed gross, never up', () => {
    expect(scaleToGross({ A: 0.6, B: 0.4 }, 0.5)).toEqual({ A: 0.3, B: 0.2 });
    expect(scaleToGross({ A: 0.3 }, 0.9)).toEqual({ A: 0.3 });
    expect(scaleToGross({}, 0.5)).toEqual({});
  });

  it('moves only part of the way when turnover exceeds the limit', () => {
    // current {A .5}, target {B .5}: turnover 1.0; limit .3 -> move 30 %: A .35, B .15
    const r = limitTurnover({ A: 0.5 }, { B: 0.5 }, 0.3);
    expect(r.fraction).toBeCloseTo(0.3, 15);
    expect(r.weights.A).toBeCloseTo(0.35, 15);
    expect(r.weights.B).toBeCloseTo(0.15, 15);
    expect(turnover({ A: 0.5 }, r.weights)).toBeCloseTo(0.3, 15);
    expect(limitTurnover({ A: 0.5 }, { A: 0.4 }, 0.3)).toEqual({ weights: { A: 0.4 }, fraction: 1 });
  });

  it('skips trades below the minimum unless needed to get within the asset cap', () => {
    // NAV 10 000: A moves 0.001 (10 USD < 25) -> kept at 0.2; B moves 0.1 -> traded; C is over cap 0.25 -> always traded
    expect(dropSmallTrades({ A: 0.2, B: 0.1, C: 0.2501 }, { A: 0.201, B: 0.2, C: 0.25 }, 10_000, 25, 0.25)).toEqual({ A: 0.2, B: 0.2, C: 0.25 });
  });

  it('enforces the minimum trade last: undo small changes that keep caps, round cap-forced sales up', () => {
    const o = { navUsd: 10_000, minTradeUsd: 25, clusters: { A: 0, B: 0, C: 1 }, assetCap: 0.3, clusterCap: 0.5 };
    // A: +0.001 (10 USD) undone; B: -0.001 needed for cluster 0 (0.3 + 0.201 > 0.5) -> sold 25 USD; C untouched
    const r = enforceMinTrade({ A: 0.3, B: 0.201, C: 0.1 }, { A: 0.299, B: 0.2, C: 0.1 }, o);
    expect(r.weights.A).toBe(0.3);
    expect(r.weights.B).toBeCloseTo(0.201 - 0.0025, 15);
    expect(r.weights.C).toBe(0.1);
    expect(r.forced).toBe(1);
    // a forced sale that would leave dust closes the position
    expect(enforceMinTrade({ B: 0.003 }, { B: 0.0029 }, { ...o, clusters: { B: 0 }, clusterCap: 0.001 }).weights).toEqual({});
  });

  it('clips to caps without redistribution', () => {
    const w = clipToCaps({ A: 0.5, B: 0.3, C: 0.3 }, { A: 0, B: 0, C: 1 }, 0.4, 0.6);
    // A capped at .4; cluster 0 = .7 > .6 -> scaled by 6/7
    expect(w.A).toBeCloseTo((0.4 * 6) / 7, 15);
    expect(w.B).toBeCloseTo((0.3 * 6) / 7, 15);
    expect(w.C).toBe(0.3);
  });
});
