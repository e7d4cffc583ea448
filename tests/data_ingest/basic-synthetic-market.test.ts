import { describe, expect, it } from 'vitest';
import { BasicSyntheticMarket, type BasicSyntheticMarketOptions } from '../../src/data_ingest/basic-synthetic-market.js';

const FIRST = 490_896; // 2026-01-01T00:00Z in hourly cycles
const opts = (o: Partial<BasicSyntheticMarketOptions> = {}): BasicSyntheticMarketOptions => ({
  seed: 1,
  firstCycle: FIRST,
  barMs: 3_600_000,
  majors: ['BTC', 'ETH'],
  microCaps: 3,
  btcVolAnnualPct: 70,
  ethVolAnnualPct: 85,
  microCapVolAnnualPct: [80, 220],
  ...o,
});

describe('BasicSyntheticMarket', () => {
  it('serves majors first, then numbered micro-caps', () => {
    expect(new BasicSyntheticMarket(opts()).symbols()).toEqual(['BTC', 'ETH', 'MC001', 'MC002', 'MC003']);
  });

  it('gives the pinned first bar for seed 1 (regression)', async () => {
    const s = await new BasicSyntheticMarket(opts()).snapshot(FIRST);
    expect(s.cycle).toBe(FIRST);
    expect(s.closeMs).toBe(Date.parse('2026-01-01T01:00:00Z'));
    expect(s.bars.BTC!.openMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(s.bars.BTC!.open).toBe(60_000);
    expect(s.bars.BTC!.close.toFixed(6)).toBe('60114.696212');
    expect(s.bars.BTC!.high.toFixed(6)).toBe('60336.477158');
    expect(s.bars.BTC!.low.toFixed(6)).toBe('59779.455854');
    expect(s.liquidity.MC001!.advUsd.toFixed(2)).toBe('12688587.98');
    expect(s.liquidity.MC001!.spreadBps.toFixed(6)).toBe('20.939019');
    expect(s.sentiment.MC001).toEqual({ mentions: 48, score: -0.39692170326695153 });
  });

  it('keeps bars consistent: open is the previous close, high/low bracket them, volumes agree', async () => {
    const m = new BasicSyntheticMarket(opts());
    let prev = await m.snapshot(FIRST);
    for (let c = FIRST + 1; c < FIRST + 50; c++) {
      const s = await m.snapshot(c);
      for (const [sym, bar] of Object.entries(s.bars)) {
        expect(bar.open).toBe(prev.bars[sym]!.close);
        expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
        expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
        expect(bar.volumeBase * bar.close).toBeCloseTo(bar.volumeUsd, 6);
        expect(s.sentiment[sym]!.score).toBeGreaterThan(-1);
        expect(s.sentiment[sym]!.score).toBeLessThan(1);
      }
      prev = s;
    }
  });

  it('depends only on (seed, cycle): asking again, or for an earlier cycle, gives the same snapshot', async () => {
    const a = new BasicSyntheticMarket(opts());
    const s10 = await a.snapshot(FIRST + 10);
    expect(await a.snapshot(FIRST + 10)).toBe(s10);
    await a.snapshot(FIRST + 20);
    expect(await a.snapshot(FIRST + 10)).toEqual(s10);
    expect(await new BasicSyntheticMarket(opts()).snapshot(FIRST + 10)).toEqual(s10);
    const other = await new BasicSyntheticMarket(opts({ seed: 2 })).snapshot(FIRST + 10);
    expect(other.bars.BTC!.close).not.toBe(s10.bars.BTC!.close);
  });

  it('rejects a cycle before the first one', async () => {
    await expect(new BasicSyntheticMarket(opts()).snapshot(FIRST - 1)).rejects.toThrow(
      `cycle ${FIRST - 1} is before the market's first cycle ${FIRST}`,
    );
  });

  it('realises roughly the configured BTC and ETH volatility', async () => {
    const m = new BasicSyntheticMarket(opts({ microCaps: 0, seed: 5 }));
    const rets: Record<string, number[]> = { BTC: [], ETH: [] };
    const n = 24 * 365;
    for (let c = FIRST; c < FIRST + n; c++) {
      const s = await m.snapshot(c);
      for (const sym of ['BTC', 'ETH']) rets[sym]!.push(Math.log(s.bars[sym]!.close / s.bars[sym]!.open));
    }
    const annualVolPct = (r: number[]) => {
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      const v = r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1);
      return 100 * Math.sqrt(v * 24 * 365);
    };
    // One year of hourly bars: sampling error of the volatility estimate is about 0.75 %.
    expect(Math.abs(annualVolPct(rets.BTC!) - 70)).toBeLessThan(2.5);
    expect(Math.abs(annualVolPct(rets.ETH!) - 85)).toBeLessThan(3);
  });
});
