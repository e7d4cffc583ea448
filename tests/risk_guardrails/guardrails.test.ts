import { describe, expect, it } from 'vitest';
import { averageCorrelation } from '../../src/network_analysis/correlation.js';
import { AdvCap } from '../../src/risk_guardrails/adv-cap.js';
import { CorrelationSpike } from '../../src/risk_guardrails/correlation-spike.js';
import { DrawdownGuard } from '../../src/risk_guardrails/drawdown-guard.js';
import type { GuardrailInput } from '../../src/risk_guardrails/guardrail.js';
import { runGuardrails } from '../../src/risk_guardrails/pipeline.js';
import { bookPnl, VarFloor } from '../../src/risk_guardrails/var-floor.js';

const input = (o: Partial<GuardrailInput> = {}): GuardrailInput => ({
  cycle: 1,
  navUsd: 100_000,
  current: {},
  proposed: {},
  advUsd: {},
  dailyReturns: () => [],
  peakEquityUsd: 100_000,
  avgCorrelationShort: 0.2,
  avgCorrelationLong: 0.2,
  ...o,
});

describe('AdvCap', () => {
  const g = new AdvCap({ orderCap: 0.01, positionCap: 0.05 });
  it('cuts orders above 1 % of ADV and positions above 5 % of ADV, listing each cut', () => {
    // NAV 100 k; A: ADV 1 M -> order <= 10 k (0.1), position <= 50 k (0.5); wants 0 -> 0.3: cut to 0.1
    // B: ADV 100 k -> order <= 1 k (0.01), position <= 5 k (0.05); holds 0.06, wants 0.2: sold toward the cap, 0.05
    // C: sell 0.2 -> 0 with ADV 5 M: order cap 50 k (0.5) -> fine
    const r = g.check(input({ current: { B: 0.06, C: 0.2 }, proposed: { A: 0.3, B: 0.2 }, advUsd: { A: 1e6, B: 1e5, C: 5e6 } }));
    expect(r.weights.A).toBeCloseTo(0.1, 15);
    expect(r.weights.B).toBeCloseTo(0.05, 15);
    expect(r.weights.C).toBeUndefined();
    expect(r.trip!.reason).toBe('2 order(s) cut to the ADV limits');
    expect(r.trip!.values.cuts).toBe('A: 30000 -> 10000 USD (ADV 1000000); B: 20000 -> 5000 USD (ADV 100000)');
  });
  it('cannot trade an asset without ADV, and says nothing when all orders fit', () => {
    expect(g.check(input({ current: { Z: 0.1 }, proposed: { Z: 0.3 }, advUsd: {} })).weights).toEqual({ Z: 0.1 });
    expect(g.check(input({ proposed: { A: 0.05 }, advUsd: { A: 1e6 } })).trip).toBeNull();
  });
});

describe('DrawdownGuard', () => {
  const g = new DrawdownGuard({ softLevels: [{ drawdown: 0.05, grossScale: 0.75 }, { drawdown: 0.1, grossScale: 0.5 }], maxDrawdown: 0.15, onMax: 'reduce', reduceFraction: 0.5 });
  it('scales gross at the soft levels and stops entries at the max, reducing holdings', () => {
    expect(g.check(input({ navUsd: 96_000, proposed: { A: 0.4 } })).trip).toBeNull(); // 4 %
    const soft = g.check(input({ navUsd: 92_000, proposed: { A: 0.4 } })); // 8 %: x0.75
    expect(soft.weights.A).toBeCloseTo(0.3, 15);
    expect(soft.trip!.reason).toBe('drawdown 8.00 % past 5 %: gross x0.75');
    expect(g.check(input({ navUsd: 88_000, proposed: { A: 0.4 } })).weights.A).toBeCloseTo(0.2, 15); // 12 %: x0.5
    // a held book (between rebalances, or halted holding) is not scaled again every bar
    expect(g.check(input({ navUsd: 92_000, current: { A: 0.4 }, proposed: { A: 0.4 }, holding: true }))).toEqual({ weights: { A: 0.4 }, trip: null });
    const max = g.check(input({ navUsd: 84_000, current: { A: 0.2 }, proposed: { A: 0.4, B: 0.1 } }));
    expect(max.weights).toEqual({ A: 0.1 });
    expect(max.blockEntries).toBe(true);
    expect(max.trip!.values).toEqual({ drawdown: 0.16, max: 0.15, action: 'reduce' });
    expect(new DrawdownGuard({ softLevels: [], maxDrawdown: 0.15, onMax: 'flatten', reduceFraction: 0 }).check(input({ navUsd: 80_000, current: { A: 0.2 } })).weights).toEqual({});
    expect(new DrawdownGuard({ softLevels: [], maxDrawdown: 0.15, onMax: 'hold', reduceFraction: 0 }).check(input({ navUsd: 80_000, current: { A: 0.2 } })).weights).toEqual({ A: 0.2 });
    expect(g.describe()).toBe('drawdown: scale at 5 % -> x0.75, 10 % -> x0.5; at 15 % stop entries and reduce');
  });
});

describe('VarFloor', () => {
  it('scales the book so its 1-day historical VaR fits the limit', () => {
    // one asset, daily returns -10 % .. +8 % (10 days); weight 0.5: P&L -5 % .. +4 %; VaR95 = 0.5 x 9.1 % = 4.55 %
    const rets = [-0.1, -0.08, -0.06, -0.04, -0.02, 0, 0.02, 0.04, 0.06, 0.08];
    const g = new VarFloor({ level: 0.95, maxVar: 0.03, minDays: 5 });
    const r = g.check(input({ proposed: { A: 0.5 }, dailyReturns: () => rets }));
    expect(r.trip!.values.var).toBeCloseTo(0.0455, 12);
    expect(r.weights.A).toBeCloseTo(0.5 * (0.03 / 0.0455), 12);
    expect(g.check(input({ proposed: { A: 0.2 }, dailyReturns: () => rets })).trip).toBeNull(); // 1.82 %
    expect(bookPnl({ A: 0.5, B: 1 }, (s) => (s === 'A' ? [0.02, 0.04] : [0.01]))).toEqual([0.01, 0.03]);
    // a new listing (2 real days of 10) is not bought; what is held stays
    const young = g.check(input({ current: { N: 0.01 }, proposed: { A: 0.2, N: 0.1, M: 0.05 }, dailyReturns: (s) => (s === 'A' ? rets : [Number.NaN, Number.NaN, 0.1, -0.2]) }));
    expect(young.weights).toEqual({ A: 0.2, N: 0.01 });
    expect(young.trip!.reason).toBe('2 asset(s) with under 5 days of returns not increased: M, N');
  });
});

describe('CorrelationSpike', () => {
  it('cuts gross and blocks entries when short-window correlation jumps', () => {
    const g = new CorrelationSpike({ threshold: 0.25, grossScale: 0.5 });
    expect(g.check(input({ avgCorrelationShort: 0.4, avgCorrelationLong: 0.2, proposed: { A: 0.2 } })).trip).toBeNull();
    const r = g.check(input({ avgCorrelationShort: 0.6, avgCorrelationLong: 0.2, current: { A: 0.2 }, proposed: { A: 0.3, B: 0.1 } }));
    expect(r.weights).toEqual({ A: 0.1 }); // no increase, no new B, then x0.5
    expect(r.blockEntries).toBe(true);
    const held = g.check(input({ avgCorrelationShort: 0.6, avgCorrelationLong: 0.2, current: { A: 0.2 }, proposed: { A: 0.2 }, holding: true }));
    expect(held.weights).toEqual({ A: 0.2 }); // held, not halved again each bar
    expect(held.blockEntries).toBe(true);
    expect(r.trip!.values.spike).toBeCloseTo(0.4, 15);
  });

  it('average correlation in O(n T) equals the mean of the pairwise ones', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 9];
    const c = [4, 1, 3, 2];
    const pair = (x: number[], y: number[]) => {
      const mx = x.reduce((s, v) => s + v) / 4;
      const my = y.reduce((s, v) => s + v) / 4;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < 4; i++) {
        sxy += (x[i]! - mx) * (y[i]! - my);
        sxx += (x[i]! - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(averageCorrelation([a, b, c])).toBeCloseTo((pair(a, b) + pair(a, c) + pair(b, c)) / 3, 12);
    expect(averageCorrelation([a])).toBeNaN();
  });
});

describe('runGuardrails: recheck', () => {
  it('reports a book still above the VaR limit when the ADV cap slowed its sales', () => {
    const rets = [-0.1, -0.08, -0.06, -0.04, -0.02, 0, 0.02, 0.04, 0.06, 0.08];
    // holds A 0.5 (VaR 4.55 %); the VaR floor wants 0.33; the ADV cap (1 % of 1 M = 10 k = 0.1 of NAV) sells 0.1
    const r = runGuardrails([new VarFloor({ level: 0.95, maxVar: 0.03, minDays: 5 }), new AdvCap({ orderCap: 0.01, positionCap: 100 })], input({ current: { A: 0.5 }, proposed: { A: 0.5 }, advUsd: { A: 1e6 }, dailyReturns: () => rets }));
    expect(r.weights.A).toBeCloseTo(0.4, 15);
    expect(r.trips.map((t) => t.guardrail)).toEqual(['var', 'adv-cap', 'var']);
    expect(r.trips[2]!.reason).toBe('book still at 1-day VaR 3.64 % > 3.00 % after the ADV cap slowed its sales'); // 0.4 x 9.1 %
  });
});

describe('runGuardrails', () => {
  it('runs in order, collects every trip, and keeps entries blocked to the end', () => {
    const guards = [
      new DrawdownGuard({ softLevels: [], maxDrawdown: 0.5, onMax: 'hold', reduceFraction: 0 }),
      new CorrelationSpike({ threshold: 0.25, grossScale: 0.5 }),
      new VarFloor({ level: 0.95, maxVar: 1, minDays: 0 }),
      new AdvCap({ orderCap: 0.01, positionCap: 1 }),
    ];
    const r = runGuardrails(guards, input({ current: { A: 0.2 }, proposed: { A: 0.5, B: 0.3 }, advUsd: { A: 1e5, B: 1e7 }, avgCorrelationShort: 0.9, avgCorrelationLong: 0.1 }));
    // spike: A capped at 0.2 then x0.5 -> 0.1; B blocked. ADV A: order cap 1 k (0.01): 0.2 -> 0.19
    expect(r.weights).toEqual({ A: 0.19 });
    expect(r.trips.map((t) => t.guardrail)).toEqual(['correlation-spike', 'adv-cap']);
    expect(r.entriesBlocked).toBe(true);
  });
});
