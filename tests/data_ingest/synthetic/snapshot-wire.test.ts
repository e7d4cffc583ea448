import { describe, expect, it } from 'vitest';
import { syntheticOptions } from '../../../src/agent/build-engine.js';
import { FeatureWireRows, packFeatures } from '../../../src/agent/feature-wire.js';
import { packSnapshot, unpackSnapshot } from '../../../src/data_ingest/synthetic/snapshot-wire.js';
import { SyntheticMarket } from '../../../src/data_ingest/synthetic/synthetic-market.js';
import type { MarketSnapshot } from '../../../src/data_ingest/market-data-source.js';
import { cycleOfOpenMs } from '../../../src/utils/time.js';
import { baseConfig } from '../../helpers.js';

const H = 3_600_000;
const FIRST = cycleOfOpenMs(Date.parse('2026-01-01T00:00:00Z'), H);

/** Deep equality including each record's key order and each object's field order (what JSON lines would print). */
const same = (a: unknown, b: unknown) => {
  expect(a).toStrictEqual(b);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
};

describe('snapshot wire (the back-test market worker\'s messages)', () => {
  it('carries every snapshot the synthetic market makes exactly, pumps and stress included', () => {
    const m = new SyntheticMarket({ ...syntheticOptions(baseConfig(), 3, FIRST, H), microCaps: 40, pumpsPerMonth: 80, stressRegimeProbPerDay: 0.3 });
    const symbols = m.symbols();
    const index = new Map(symbols.map((s, i) => [s, i]));
    for (let c = FIRST; c < FIRST + 24 * 10; c++) {
      const s = m.snapshotSync(c);
      same(unpackSnapshot(packSnapshot(s, index), symbols), s);
    }
  });

  it('keeps subsets, key order, null market caps, -0, NaN and trade statistics', () => {
    const symbols = ['AAA', 'BBB', 'CCC'];
    const index = new Map(symbols.map((s, i) => [s, i]));
    const bar = (close: number) => ({ openMs: 0, open: 1, high: 2, low: -0, close, volumeBase: Number.NaN, volumeUsd: 5 });
    const s: MarketSnapshot = {
      cycle: 7,
      closeMs: 3_600_000,
      bars: { CCC: bar(3), AAA: bar(1) },
      liquidity: { AAA: { marketCapUsd: null, advUsd: 1, spreadBps: 2 }, CCC: { marketCapUsd: 0, advUsd: 3, spreadBps: 4 } },
      sentiment: { CCC: { mentions: 3, score: -0.5 } },
      realizedVol: {},
      tradeStats: { AAA: { trades: 10, buyShare: 0.25, rushOrders: 1 } },
    };
    const back = unpackSnapshot(packSnapshot(s, index), symbols);
    same(back, s);
    expect(Object.is(back.bars.CCC!.low, -0)).toBe(true);
    const noTrades = { ...s };
    delete noTrades.tradeStats;
    same(unpackSnapshot(packSnapshot(noTrades, index), symbols), noTrades);
    expect(() => packSnapshot({ ...s, bars: { ZZZ: bar(1) } }, index)).toThrow('packSnapshot: ZZZ is not in the symbol list');
  });

  it('carries feature rows in their order, bit for bit, read by symbol', () => {
    const symbols = ['AAA', 'BBB', 'CCC'];
    const index = new Map(symbols.map((s, i) => [s, i]));
    const rows = new Map<string, number[]>([
      ['CCC', [1.5, -0, Number.NaN, 1e-300]],
      ['AAA', [0.1 + 0.2, Number.MAX_VALUE, -Infinity, 7]],
    ]);
    const wire = packFeatures(rows, index);
    expect([...wire.symbols]).toEqual([2, 0]); // the map's order
    const back = new FeatureWireRows(wire, index);
    for (const s of symbols) {
      expect(back.has(s)).toBe(rows.has(s));
      same(back.get(s), rows.get(s));
    }
    expect(Object.is(back.get('CCC')![1], -0)).toBe(true);
    expect(back.get('ZZZ')).toBeUndefined();
    expect(() => packFeatures(new Map([['ZZZ', [1]]]), index)).toThrow('packFeatures: ZZZ is not in the symbol list');
  });
});
