import { describe, expect, it } from 'vitest';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { exclusionReason, selectUniverse, type UniverseRules } from '../../src/universe/select-universe.js';

const H = 3_600_000;
const DAY = 24 * H;
const RULES: UniverseRules = {
  majors: ['BTC', 'ETH'],
  maxAssets: 3,
  minMarketCapUsd: 2e6,
  maxMarketCapUsd: 3e8,
  minAdvUsd: 1e5,
  maxSpreadBps: 150,
  minHistoryDays: 14,
  exclude: ['BAD'],
};

function market(assets: Record<string, [capUsd: number, advUsd: number, spreadBps: number]>): MarketSnapshot {
  const bar = { openMs: 99 * DAY, open: 1, high: 1, low: 1, close: 1, volumeBase: 1, volumeUsd: 1 };
  return {
    cycle: 99 * 24,
    closeMs: 100 * DAY,
    bars: Object.fromEntries(Object.keys(assets).map((s) => [s, bar])),
    liquidity: Object.fromEntries(Object.entries(assets).map(([s, [marketCapUsd, advUsd, spreadBps]]) => [s, { marketCapUsd, advUsd, spreadBps }])),
    sentiment: {},
    realizedVol: {},
  };
}

describe('selectUniverse', () => {
  it('keeps majors as reference, filters by band, ADV, spread, age and exclusions, and keeps the most liquid', () => {
    const snap = market({
      ETH: [3e11, 1e10, 1],
      BTC: [1e12, 3e10, 1],
      AAA: [1e7, 5e5, 40],
      BBB: [1e7, 9e5, 40],
      CCC: [1e7, 7e5, 40],
      DDD: [1e7, 6e5, 40], // fourth most liquid: beyond max_assets
      TINY: [1e6, 5e5, 40],
      HUGE: [5e8, 5e5, 40],
      THIN: [1e7, 5e4, 40],
      WIDE: [1e7, 5e5, 200],
      NEW: [1e7, 5e5, 40],
      BAD: [1e7, 5e5, 40],
      USDC: [1e7, 5e5, 1],
      WBTC: [1e7, 5e5, 1],
      BTCUP: [1e7, 5e5, 1],
    });
    const memory = Object.fromEntries(Object.keys(snap.bars).map((s) => [s, { firstSeenMs: s === 'NEW' ? 90 * DAY : 0, lastOpenMs: 0, lastClose: 1, jumpStreak: 0 }]));
    const u = selectUniverse(snap, memory, RULES);
    expect(u.reference).toEqual(['BTC', 'ETH']);
    expect(u.tradable).toEqual(['BBB', 'CCC', 'DDD']);
    expect(Object.fromEntries(u.excluded.map((e) => [e.symbol, e.reason]))).toEqual({
      AAA: 'beyond universe.max_assets 3',
      BAD: 'in universe.exclude',
      BTCUP: 'leveraged token',
      HUGE: 'market cap 500000000 above 300000000',
      NEW: 'listed 10.0 days, needs 14',
      THIN: 'ADV 50000 below 100000',
      TINY: 'market cap 1000000 below 2000000',
      USDC: 'stablecoin',
      WBTC: 'wrapped or staked token',
      WIDE: 'spread 200.0 bps above 150',
    });
  });

  it('recognises leveraged tokens without catching ordinary tickers', () => {
    for (const s of ['BTCUP', 'ETHDOWN', 'XRPBULL', 'EOSBEAR', 'BTC3L', 'ETH5S']) expect(exclusionReason(s, [])).toBe('leveraged token');
    for (const s of ['JUP', 'PEPE', 'SUPER', 'GALA', 'L3', 'C98', 'WOO', 'SYRUP', 'SETUP', 'CHESSUP']) expect(exclusionReason(s, [])).toBeNull();
    for (const s of ['USD0', 'BFUSD', 'EURI']) expect(exclusionReason(s, [])).toBe('stablecoin');
  });
});
