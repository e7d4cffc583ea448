import { describe, expect, it } from 'vitest';
import { DataQualityStep } from '../../src/agent/steps/data-quality-step.js';
import { UniverseStep } from '../../src/agent/steps/universe-step.js';
import { warmUpMemory } from '../../src/agent/warm-up.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { freshState, makeContext } from './context.js';

const H = 3_600_000;
const RULES = { barMs: H, maxStaleBars: 3, maxGapBars: 6, maxAbsLogReturn: 2.5 };
const UNIVERSE = { majors: ['BTC'], maxAssets: 10, minMarketCapUsd: 1e6, maxMarketCapUsd: 1e9, minAdvUsd: 1e4, maxSpreadBps: 100, minHistoryDays: 0, exclude: [] };

function snap(cycle: number, caps: Record<string, number>, bad: string[] = []): MarketSnapshot {
  const s: MarketSnapshot = { cycle, closeMs: (cycle + 1) * H, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
  for (const [sym, cap] of Object.entries(caps)) {
    const px = bad.includes(sym) ? Number.NaN : 2;
    s.bars[sym] = { openMs: cycle * H, open: 2, high: 2, low: 2, close: px, volumeBase: 1, volumeUsd: 2 };
    s.liquidity[sym] = { marketCapUsd: cap, advUsd: 1e5, spreadBps: 20 };
  }
  return s;
}

function ctx(snapshot: MarketSnapshot, state = freshState()) {
  return makeContext({ snapshot, state });
}

describe('cycle steps', () => {
  it('data quality: keeps only good bars, records rejections as a meta event, updates memory', () => {
    const { c, events } = ctx(snap(10, { BTC: 1e12, AAA: 5e7, BAD: 5e7 }, ['BAD']));
    new DataQualityStep(RULES).run(c);
    expect(Object.keys(c.snapshot.bars)).toEqual(['BTC', 'AAA']);
    expect(c.rejected).toEqual([{ symbol: 'BAD', reason: 'non-finite close (NaN)' }]);
    expect(events).toEqual([{ log: 'meta', type: 'data_rejected', fields: { rejected: [{ symbol: 'BAD', reason: 'non-finite close (NaN)' }] } }]);
    expect(Object.keys(c.state.assetMemory)).toEqual(['BTC', 'AAA']);
  });

  it('universe: selects on refresh cycles, only drops failed assets in between, and logs changes', () => {
    const step = new UniverseStep(UNIVERSE, 24);
    const first = ctx(snap(24, { BTC: 1e12, AAA: 5e7, BBB: 5e7, TINY: 1e5 }));
    step.run(first.c);
    expect(first.c.universe!.tradable).toEqual(['AAA', 'BBB']);
    expect(first.c.universe!.reference).toEqual(['BTC']);
    expect(first.events).toEqual([{ log: 'meta', type: 'universe_changed', fields: { tradable: 2, added: ['AAA', 'BBB'], removed: [], removedReasons: {} } }]);
    // between refreshes: BBB's cap falls out of the band but it stays; AAA has no clean bar and leaves
    const mid = ctx(snap(25, { BTC: 1e12, BBB: 1e5 }), first.c.state);
    step.run(mid.c);
    expect(mid.c.universe!.tradable).toEqual(['BBB']);
    expect(mid.events[0]!.fields).toEqual({ tradable: 1, added: [], removed: ['AAA'], removedReasons: { AAA: 'data failed the quality gate' } });
    // refresh: BBB now fails the band, AAA is back
    const next = ctx(snap(48, { BTC: 1e12, AAA: 5e7, BBB: 1e5 }), mid.c.state);
    step.run(next.c);
    expect(next.c.universe!.tradable).toEqual(['AAA']);
    expect(next.events[0]!.fields).toEqual({ tradable: 1, added: ['AAA'], removed: ['BBB'], removedReasons: { BBB: 'market cap 100000 below 1000000' } });
    const quiet = ctx(snap(49, { BTC: 1e12, AAA: 5e7 }), next.c.state);
    step.run(quiet.c);
    expect(quiet.events).toEqual([]);
  });

  it('warm-up runs the gate over history: first seen at the first bar, last close from the last', () => {
    const memory = warmUpMemory([snap(1, { AAA: 5e7 }), snap(2, { AAA: 5e7, BBB: 5e7 })], RULES);
    expect(memory).toEqual({
      AAA: { firstSeenMs: 1 * H, lastOpenMs: 2 * H, lastClose: 2, jumpStreak: 0 },
      BBB: { firstSeenMs: 2 * H, lastOpenMs: 2 * H, lastClose: 2, jumpStreak: 0 },
    });
    expect(warmUpMemory([], RULES)).toEqual({});
  });
});
