import { describe, expect, it } from 'vitest';
import { ReturnHistory } from '../../src/agent/return-history.js';
import { AllocationStep } from '../../src/agent/steps/allocation-step.js';
import { averageCorrelation } from '../../src/network_analysis/correlation.js';
import { createRng } from '../../src/utils/rng.js';
import { freshState, makeContext } from './context.js';

const settings = { linkage: 'single' as const, maxAssetWeight: 0.1, maxClusterWeight: 0.12, maxGrossExposure: 1, maxTurnover: 0.05, minTradeNotionalUsd: 1, fullSizeProbability: 0.5, volTargetAnnual: null, maxPositionAdvMultiple: 1, rebalanceEveryBars: 1, covarianceBars: 3 };

function ctx(current: Record<string, number>, clusters: Record<string, number>, candidates: string[] = []) {
  const state = freshState(100_000);
  state.approvedWeights = current;
  state.clusters = clusters;
  const r = makeContext({ state, candidates, currentWeights: current, pumpProbabilities: Object.fromEntries(candidates.map((s) => [s, 0.5])) });
  return r;
}

const bar = (close: number) => ({ openMs: 0, open: close, high: close, low: close, close, volumeBase: 1, volumeUsd: close });
function history(symbols: string[]) {
  const h = new ReturnHistory(10);
  [1, 2, 3, 4].forEach((k) => h.update({ cycle: k, closeMs: k, bars: Object.fromEntries(symbols.map((s, i) => [s, bar(1 + k * (k + i) * 0.01)])), liquidity: {}, sentiment: {}, realizedVol: {} }));
  return h;
}

describe('AllocationStep', () => {
  it('holds what is held (clipped to a new cluster cap), sells what exits, and enters within the turnover budget', () => {
    // A and B now share a cluster: 0.20 > 0.12 cap -> 0.06 each; C exits; N (a candidate) gets the 0.05 budget
    const { c, events } = ctx({ A: 0.1, B: 0.1, C: 0.05 }, { A: 0, B: 0, C: 1 }, ['N', 'A']);
    c.exiting.add('C');
    c.snapshot.liquidity.N = { marketCapUsd: null, advUsd: 1e9, spreadBps: 10 };
    new AllocationStep(history(['N', 'A']), settings).run(c);
    // A is a candidate too, but its cluster is full: it is held at 0.06, not topped up
    expect(c.targetWeights.A).toBeCloseTo(0.06, 12);
    expect(c.targetWeights.B).toBeCloseTo(0.06, 12);
    expect(c.targetWeights.C).toBeUndefined();
    expect(c.targetWeights.N).toBeCloseTo(0.05, 12);
    expect(c.proposalIsHeld).toBe(true);
    expect(events[0]!.fields).toMatchObject({ hrpAssets: 2, exiting: ['C'], entries: [{ symbol: 'N', limit: 'turnover' }] });
  });

  it('enters nothing in cool-down, and nothing between rebalances (exits still act)', () => {
    const { c } = ctx({ A: 0.1 }, {}, ['N']);
    c.noEntry.add('N');
    c.snapshot.liquidity.N = { marketCapUsd: null, advUsd: 1e9, spreadBps: 10 };
    new AllocationStep(history(['N']), settings).run(c);
    expect(c.targetWeights).toEqual({ A: 0.1 });
    const later = ctx({ A: 0.1 }, {}, ['N']).c;
    later.exiting.add('A');
    new AllocationStep(history(['N']), { ...settings, rebalanceEveryBars: 7 }).run(later); // cycle 10: no rebalance
    expect(later.targetWeights).toEqual({});
  });

  it('leaves out a candidate with a flat price (no variance) instead of failing', () => {
    const h = new ReturnHistory(10);
    [1, 2, 3, 4].forEach((k) => h.update({ cycle: k, closeMs: k, bars: { FLAT: bar(1), UP: bar(1 + k * k * 0.01) }, liquidity: {}, sentiment: {}, realizedVol: {} }));
    const { c, events } = ctx({}, {}, ['UP', 'FLAT']);
    c.snapshot.liquidity.UP = { marketCapUsd: null, advUsd: 1e9, spreadBps: 10 };
    new AllocationStep(h, settings).run(c);
    expect(events[0]!.fields.hrpAssets).toBe(1);
    expect(Object.keys(c.targetWeights)).toEqual(['UP']);
  });
});

describe('ReturnHistory', () => {
  it('records one-bar returns only: after a missing bar the next return is NaN', () => {
    const h = new ReturnHistory(5);
    const snap = (k: number, bars: Record<string, number>) => ({ cycle: k, closeMs: k, bars: Object.fromEntries(Object.entries(bars).map(([s, c]) => [s, { openMs: 0, open: c, high: c, low: c, close: c, volumeBase: 1, volumeUsd: 1 }])), liquidity: {}, sentiment: {}, realizedVol: {} });
    h.update(snap(1, { A: 1 }));
    h.update(snap(2, { A: 2 }));
    h.update(snap(3, {}));
    h.update(snap(4, { A: 8 }));
    h.update(snap(5, { A: 16 }));
    const w = h.window('A', 5);
    expect(w[0]).toBeNaN();
    expect(w[1]).toBeCloseTo(Math.log(2), 12);
    expect(w[2]).toBeNaN(); // missing bar
    expect(w[3]).toBeNaN(); // spans two bars: not recorded
    expect(w[4]).toBeCloseTo(Math.log(2), 12);
    expect(h.window('NOPE', 3)).toEqual([]);
  });

  it('gives the average correlation of its windows bit-for-bit as averageCorrelation of the copied windows', () => {
    const rng = createRng(17);
    const h = new ReturnHistory(40);
    const closes: Record<string, number> = { A: 1, B: 1, C: 1, D: 1, E: 1 };
    for (let k = 0; k < 97; k++) {
      const bars: Record<string, { openMs: number; open: number; high: number; low: number; close: number; volumeBase: number; volumeUsd: number }> = {};
      for (const s of Object.keys(closes)) {
        if (s === 'D' && k === 80) continue; // a gap: NaN in D's recent windows
        if (s === 'E' && k < 70) continue; // listed late: a short history
        const common = 0.01 * Math.sin(k / 3);
        closes[s] = closes[s]! * Math.exp(common + 0.02 * rng.normal());
        bars[s] = { openMs: 0, open: closes[s], high: closes[s], low: closes[s], close: closes[s], volumeBase: 1, volumeUsd: 1 };
      }
      h.update({ cycle: k, closeMs: k, bars, liquidity: {}, sentiment: {}, realizedVol: {} });
      for (const universe of [['A', 'B', 'C', 'D', 'E'], ['E', 'A', 'B'], ['NOPE', 'A', 'B'], ['A'], []]) {
        for (const bars of [1, 2, 12, 24, 40, 60]) {
          const want = averageCorrelation(universe.map((s) => h.window(s, bars)));
          const got = h.averageCorrelation(universe, bars);
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(got).toBe(want);
        }
      }
    }
    expect(h.averageCorrelation(['A', 'B', 'C'], 24)).toBeGreaterThan(0.05); // the common factor shows
  });
});

