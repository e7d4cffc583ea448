import { describe, expect, it } from 'vitest';
import type { MarketSnapshot, TradeStats } from '../../src/domain/market.js';
import { FeatureEngine } from '../../src/alpha/feature-engine.js';
import { allFeatureNames, featureNames, inputOf, TRADE_FEATURES } from '../../src/alpha/features.js';

const H = 3_600_000;
const opts = (inputs: Set<'trades' | 'sentiment' | 'marketCap'>) => ({
  barMs: H,
  order: [1, 0, 1] as [number, number, number],
  windowBars: 100,
  refitEveryBars: 24,
  refitMethod: 'css' as const,
  rollingSumBars: [3, 6],
  sentimentChangeBars: 6,
  exclude: ['BTC'],
  inputs,
});

/** Bar t of one asset: a mild wave in price and volume, trades as given. */
function snapshot(t: number, trades: TradeStats | null): MarketSnapshot {
  const close = 1 + 0.01 * Math.sin(t / 3);
  return {
    cycle: 400_000 + t,
    closeMs: (400_000 + t + 1) * H,
    bars: { ABC: { openMs: (400_000 + t) * H, open: close, high: close * 1.01, low: close * 0.99, close, volumeBase: 1000 + 100 * Math.cos(t / 5), volumeUsd: (1000 + 100 * Math.cos(t / 5)) * close } },
    liquidity: { ABC: { marketCapUsd: null, advUsd: 24_000, spreadBps: 20 } },
    sentiment: {},
    realizedVol: {},
    ...(trades === null ? {} : { tradeStats: { ABC: trades } }),
  };
}

describe('trade features (bars built from trades)', () => {
  it('are kept only for data with trades, last in the vector, and need the trades input', () => {
    const names = featureNames([3, 6], new Set(['trades']));
    expect(names.slice(-6)).toEqual(['log_trades', 'buy_share', 'log_rush_orders', 'z_trades', 'z_buy_share', 'z_rush_orders']);
    expect(featureNames([3, 6], new Set())).not.toContain('log_trades');
    expect(allFeatureNames([3]).slice(-6)).toEqual([...TRADE_FEATURES]);
    expect(TRADE_FEATURES.map(inputOf)).toEqual(Array(6).fill('trades'));
  });

  it('levels, and surprises against the previous bars (0 for the first 24), exactly', () => {
    const e = new FeatureEngine(opts(new Set(['trades'])));
    const stats = (t: number): TradeStats => ({ trades: 10 + (t % 5), buyShare: 0.4 + 0.02 * (t % 6), rushOrders: t % 3 });
    let rows = new Map<string, number[]>();
    const seen: number[][] = [];
    for (let t = 0; t < 140; t++) {
      rows = e.update(snapshot(t, stats(t)));
      seen.push([Math.log1p(stats(t).trades), stats(t).buyShare, Math.log1p(stats(t).rushOrders)]);
      const row = rows.get('ABC');
      if (row === undefined) continue;
      const tail = row.slice(-6);
      expect(tail.slice(0, 3)).toEqual(seen[t]);
      // the surprise of bar t: against the (up to) 100 bars before it
      const prev = seen.slice(Math.max(0, t - 100), t);
      for (let k = 0; k < 3; k++) {
        const xs = prev.map((r) => r[k]!);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
        expect(tail[3 + k], `bar ${t} series ${k}`).toBeCloseTo(Math.max(-10, Math.min(10, (seen[t]![k]! - mean) / sd)), 9);
      }
    }
    expect(rows.get('ABC')).toHaveLength(featureNames([3, 6], new Set(['trades'])).length);
  });

  it('a bar without trade columns reads as no trades, an even buy share and no surprise', () => {
    const e = new FeatureEngine(opts(new Set(['trades'])));
    let row: number[] | undefined;
    for (let t = 0; t < 120; t++) row = e.update(snapshot(t, null)).get('ABC') ?? row;
    expect(row!.slice(-6)).toEqual([0, 0.5, 0, 0, 0, 0]);
    // and a model without the trades input never sees those columns
    const plain = new FeatureEngine(opts(new Set()));
    let r2: number[] | undefined;
    for (let t = 0; t < 120; t++) r2 = plain.update(snapshot(t, { trades: 5, buyShare: 0.5, rushOrders: 1 })).get('ABC') ?? r2;
    expect(r2).toHaveLength(featureNames([3, 6], new Set()).length);
    expect(r2).toEqual(row!.slice(0, -6));
  });
});
