import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticOptions } from '../../../src/agent/build-engine.js';
import { HOUR_OF_DAY_COUNTS } from '../../../src/data_ingest/synthetic/pump-calibration.js';
import { SyntheticMarket, type SyntheticMarketOptions } from '../../../src/data_ingest/synthetic/synthetic-market.js';
import { baseConfig } from '../../helpers.js';

const H = 3_600_000;
const FIRST = 490_896; // 2026-01-01T00:00Z
const DAYS = 180;
const opts = (o: Partial<SyntheticMarketOptions> = {}): SyntheticMarketOptions => ({
  ...syntheticOptions(baseConfig(), 1, FIRST, H),
  ...o,
});

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const kurtosis = (a: number[]) => {
  const m = mean(a);
  const v = mean(a.map((x) => (x - m) ** 2));
  return mean(a.map((x) => (x - m) ** 4)) / v ** 2;
};
const autocorr = (a: number[], lag: number) => {
  const m = mean(a);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    den += (a[i]! - m) ** 2;
    if (i >= lag) num += (a[i]! - m) * (a[i - lag]! - m);
  }
  return num / den;
};
const corr = (a: number[], b: number[]) => {
  const ma = mean(a);
  const mb = mean(b);
  let n = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return n / Math.sqrt(da * db);
};

describe('SyntheticMarket: determinism', () => {
  it('gives the pinned first bar for seed 1 and 3 micro-caps (regression)', async () => {
    const s = await new SyntheticMarket(opts({ microCaps: 3 })).snapshot(FIRST);
    expect(s.bars.BTC!.open.toFixed(6)).toBe('60490.295452');
    expect(s.bars.BTC!.close.toFixed(6)).toBe('60894.789673');
    expect(s.bars.MC001!.close.toFixed(10)).toBe('0.0172304155');
    expect(s.liquidity.MC001!.advUsd.toFixed(2)).toBe('469523.23');
    expect(s.sentiment.MC001).toEqual({ mentions: 12, score: 0.43330418823861483 });
    expect(s.realizedVol.BTC!.toFixed(6)).toBe('0.647674');
  });

  it('depends only on (options, cycle); history() equals the sequential snapshots', async () => {
    const a = new SyntheticMarket(opts({ microCaps: 10 }));
    const s50 = await a.snapshot(FIRST + 50);
    await a.snapshot(FIRST + 60);
    expect(await a.snapshot(FIRST + 50)).toEqual(s50);
    const hist = await a.history(FIRST + 51, 5);
    expect(hist.map((h) => h.cycle)).toEqual([FIRST + 46, FIRST + 47, FIRST + 48, FIRST + 49, FIRST + 50]);
    expect(hist[4]).toEqual(s50);
    expect((await a.history(FIRST, 10_000)).length).toBe(30 * 24); // the warm-up
    const b = await new SyntheticMarket(opts({ microCaps: 10, seed: 2 })).snapshot(FIRST + 50);
    expect(b.bars.BTC!.close).not.toBe(s50.bars.BTC!.close);
    await expect(a.snapshot(a.historyStartCycle() - 1)).rejects.toThrow("before the synthetic market's history starts");
  });

  it('replays the history on itself before its first bar, so the run continues from there with the same bars', async () => {
    const fresh = new SyntheticMarket(opts({ microCaps: 10 }));
    const reference = new SyntheticMarket(opts({ microCaps: 10 }));
    const gate = await fresh.history(FIRST, 48);
    const warm = await fresh.history(FIRST, 10_000); // the same replay, served again
    expect(gate).toEqual(warm.slice(-48));
    expect(await fresh.history(FIRST, 0)).toEqual([]);
    fresh.historyDone();
    for (let c = FIRST; c < FIRST + 30; c++) expect(await fresh.snapshot(c)).toStrictEqual(reference.snapshotSync(c));
    expect(fresh.pumpEvents()).toStrictEqual(reference.pumpEvents());
    expect(await fresh.history(FIRST, 5)).toStrictEqual(warm.slice(-5)); // a market past its first bar replays apart
  });

  it('rejects a non-stationary GARCH', () => {
    expect(() => new SyntheticMarket(opts({ garchAlpha: 0.2, garchBeta: 0.8 }))).toThrow('garch alpha + beta must be below 1');
  });
});

describe('SyntheticMarket: stylised facts over 180 days (seed 1, default config)', () => {
  const m = new SyntheticMarket(opts());
  const symbols = m.symbols();
  const rets: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  const volumes: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  const mentions: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  const closes: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  const highs: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  let last: Awaited<ReturnType<SyntheticMarket['snapshot']>>;
  const micro = symbols.filter((s) => s.startsWith('MC'));

  beforeAll(async () => {
    for (let c = FIRST; c < FIRST + DAYS * 24; c++) {
      last = await m.snapshot(c);
      for (const s of symbols) {
        const b = last.bars[s]!;
        rets[s]!.push(Math.log(b.close / b.open));
        volumes[s]!.push(b.volumeUsd);
        mentions[s]!.push(last.sentiment[s]!.mentions);
        closes[s]!.push(b.close);
        highs[s]!.push(b.high);
      }
    }
  });

  it('has 80 micro-caps plus BTC and ETH with consistent bars', () => {
    expect(symbols).toHaveLength(82);
    expect(symbols.slice(0, 3)).toEqual(['BTC', 'ETH', 'MC001']);
    for (const s of symbols) {
      const b = last.bars[s]!;
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.low).toBeGreaterThan(0);
      expect(Math.abs(last.sentiment[s]!.score)).toBeLessThan(1);
    }
  });

  it('fat tails: kurtosis of hourly returns > 5 for BTC and for the median micro-cap', () => {
    expect(kurtosis(rets.BTC!)).toBeGreaterThan(5);
    const k = micro.map((s) => kurtosis(rets[s]!)).sort((a, b) => a - b);
    expect(k[Math.floor(k.length / 2)]!).toBeGreaterThan(5);
  });

  it('volatility clustering: |returns| are positively autocorrelated at every lag 1..24', () => {
    for (let lag = 1; lag <= 24; lag++) {
      expect(autocorr(rets.BTC!.map(Math.abs), lag)).toBeGreaterThan(0.05);
      const avg = mean(micro.map((s) => autocorr(rets[s]!.map(Math.abs), lag)));
      expect(avg).toBeGreaterThan(0.02);
    }
  });

  it('clusters: average within-sector correlation is clearly above between-sector', () => {
    const truth = m.truth().filter((t) => t.sector >= 0);
    const within: number[] = [];
    const between: number[] = [];
    for (let i = 0; i < truth.length; i++) {
      for (let j = i + 1; j < truth.length; j++) {
        (truth[i]!.sector === truth[j]!.sector ? within : between).push(corr(rets[truth[i]!.symbol]!, rets[truth[j]!.symbol]!));
      }
    }
    expect(new Set(truth.map((t) => t.sector)).size).toBe(6);
    expect(mean(within)).toBeGreaterThan(0.22);
    expect(mean(between)).toBeLessThan(0.2); // the market factor; pumps, now smaller, decorrelate less than they did
    expect(mean(within) - mean(between)).toBeGreaterThan(0.1);
  });

  it('BTC and ETH have realistic volatility, exposed as 30-day realised volatility', () => {
    const annual = (r: number[]) => Math.sqrt(mean(r.map((x) => x * x)) * 24 * 365);
    for (const s of ['BTC', 'ETH']) {
      expect(annual(rets[s]!)).toBeGreaterThan(0.55);
      expect(annual(rets[s]!)).toBeLessThan(0.95);
      expect(last.realizedVol[s]!).toBeGreaterThan(0.3);
      expect(last.realizedVol[s]!).toBeLessThan(1.5);
    }
    expect(corr(rets.BTC!, rets.ETH!)).toBeGreaterThan(0.7);
  });

  it('pump events match the configured frequency and the calibrated hour-of-day profile', () => {
    const startMs = FIRST * H;
    const endMs = (FIRST + DAYS * 24) * H;
    const events = m.pumpEvents().filter((e) => e.pumpStartMs >= startMs && e.pumpStartMs < endMs);
    // 26.4 a month over 180 days: 156.2 expected, Poisson sd 12.5
    const expected = (26.4 * DAYS * 12) / 365;
    expect(Math.abs(events.length - expected)).toBeLessThan(3 * Math.sqrt(expected));
    const hours = Array.from({ length: 24 }, () => 0);
    for (const e of events) hours[new Date(e.pumpStartMs).getUTCHours()]!++;
    // The data set puts 91.6 % of starts in the hours 15..20 UTC (1,017 of 1,110)
    const dataShare = HOUR_OF_DAY_COUNTS.slice(15, 21).reduce((a, b) => a + b, 0) / 1110;
    const share = hours.slice(15, 21).reduce((a, b) => a + b, 0) / events.length;
    expect(dataShare).toBeCloseTo(0.9162, 4);
    expect(Math.abs(share - dataShare)).toBeLessThan(0.08);
    expect(hours.indexOf(Math.max(...hours))).toBeGreaterThanOrEqual(16);
    expect(hours.indexOf(Math.max(...hours))).toBeLessThanOrEqual(18);
    // hourly bars: every start on a bar boundary; coins are pumped repeatedly (data: 84.5 %)
    for (const e of events) expect(e.pumpStartMs % H).toBe(0);
    const perCoin = new Map<string, number>();
    for (const e of events) perCoin.set(e.symbol, (perCoin.get(e.symbol) ?? 0) + 1);
    expect(events.filter((e) => perCoin.get(e.symbol)! >= 2).length / events.length).toBeGreaterThan(0.7);
  });

  it('pumps show in the bars as on Binance: the volume jumps, the high of the peak bar reaches the magnitude, a day later the coin is below the start', () => {
    const startMs = FIRST * H;
    const events = m.pumpEvents().filter((e) => e.accumulationStartMs >= startMs + 24 * H && e.endMs + 24 * H < (FIRST + DAYS * 24) * H);
    expect(events.length).toBeGreaterThan(100);
    let volumeHits = 0;
    let priceHits = 0;
    let dumpHits = 0;
    const dayLater: number[] = [];
    for (const e of events) {
      const i = (e.pumpStartMs - startMs) / H;
      const peak = (e.peakMs - startMs) / H;
      const v = volumes[e.symbol]!;
      const before = [...v.slice(i - 24 - 48, i - 48)].sort((a, b) => a - b)[12]!; // median of a quiet day
      if (v[i]! / before > 2) volumeHits++;
      const pre = closes[e.symbol]![i - 1]!;
      // the bar holding the peak: its high, not its close (the close is often well into the dump)
      if (Math.log(highs[e.symbol]![peak]! / pre) > 0.5 * Math.log1p(e.magnitude)) priceHits++;
      if (closes[e.symbol]![i + 24]! < pre * (1 + 0.5 * e.magnitude)) dumpHits++;
      dayLater.push(closes[e.symbol]![i + 24]! / pre - 1);
      expect(e.magnitude).toBeGreaterThanOrEqual(0.03);
      expect(e.magnitude).toBeLessThanOrEqual(0.45);
      expect(e.volumeMultiple).toBeGreaterThanOrEqual(4);
      expect(e.volumeMultiple).toBeLessThanOrEqual(30);
      expect(e.peakAtMs! - e.pumpStartMs).toBeGreaterThanOrEqual(2 * 60_000);
      expect(e.peakAtMs! - e.pumpStartMs).toBeLessThanOrEqual(3 * H);
      expect(e.peakMs).toBe(Math.floor(e.peakAtMs! / H) * H);
    }
    expect(volumeHits / events.length).toBeGreaterThan(0.85);
    expect(priceHits / events.length).toBeGreaterThan(0.75);
    // a day's idiosyncratic noise (about 5 %) blurs the smaller pumps' dumps; the median sits below the start
    expect(dumpHits / events.length).toBeGreaterThan(0.75);
    expect(dayLater.sort((a, b) => a - b)[dayLater.length >> 1]).toBeLessThan(0);
  });

  it('hype bursts come with the call (a coin stays secret until then, at most an hour leaks): mentions in the start hour well above the coin\'s usual level', () => {
    const startMs = FIRST * H;
    const events = m.pumpEvents().filter((e) => e.hypeStartMs !== null && e.hypeStartMs >= startMs + 72 * H && e.pumpStartMs < (FIRST + DAYS * 24) * H);
    const withHype = m.pumpEvents().filter((e) => e.hypeStartMs !== null).length / m.pumpEvents().length;
    expect(Math.abs(withHype - 0.8)).toBeLessThan(0.1);
    let hits = 0;
    const earlier: number[] = [];
    // the usual level of an hour: the same hour of the three days before last (mentions follow the intraday profile)
    const usual = (mm: number[], h: number) => mean([2, 3, 4].map((k) => mm[h - 24 * k]!));
    for (const e of events) {
      const i = (e.pumpStartMs - startMs) / H;
      const mm = mentions[e.symbol]!;
      if (mm[i]! > 1.5 * usual(mm, i)) hits++;
      earlier.push((mm[i - 3]! + mm[i - 2]!) / (usual(mm, i - 3) + usual(mm, i - 2)));
      expect(e.pumpStartMs - e.hypeStartMs!).toBeLessThanOrEqual(H);
    }
    expect(hits / events.length).toBeGreaterThan(0.7);
    // two to three hours before the call the coin is talked about as usual (the accumulation's volume adds a little)
    expect(earlier.sort((a, b) => a - b)[earlier.length >> 1]).toBeLessThan(1.3);
    const falseLeads = m.hypeBursts().filter((b) => b.pumpId === null);
    // 8 a month over 180 + 30 warm-up + 3 scheduled-ahead days
    expect(falseLeads.length).toBeGreaterThan(30);
  });

  it('liquidity: market cap = supply x price, ADV near 30 days of dollar volume, wider spreads for thinner coins', () => {
    const s = micro[0]!;
    const v = volumes[s]!;
    const lastDays = v.slice(-30 * 24);
    // window: 30 completed days + the current day so far (the last bar opens at 23:00, so today has 24 bars)
    const adv = (mean(v.slice(-31 * 24)) * 24);
    expect(last.liquidity[s]!.advUsd / adv).toBeCloseTo(1, 6);
    expect(lastDays.length).toBe(720);
    const bySpread = micro.map((x) => [last.liquidity[x]!.advUsd, last.liquidity[x]!.spreadBps] as const).sort((a, b) => a[0] - b[0]);
    const thin = mean(bySpread.slice(0, 20).map((x) => x[1]));
    const thick = mean(bySpread.slice(-20).map((x) => x[1]));
    expect(thin).toBeGreaterThan(2 * thick);
  });
});

describe('SyntheticMarket: 5-minute bars', () => {
  it('runs on 5-minute bars with pump starts on 5-minute boundaries, most on the hour', async () => {
    const barMs = 300_000;
    const first = (FIRST * H) / barMs;
    const m = new SyntheticMarket({ ...syntheticOptions(baseConfig(), 3, first, barMs), microCaps: 20, warmupDays: 1 });
    const s = await m.snapshot(first + 12 * 24 * 20);
    expect(s.closeMs - s.bars.BTC!.openMs).toBe(barMs);
    const events = m.pumpEvents();
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(e.pumpStartMs % barMs).toBe(0);
    expect(events.filter((e) => e.pumpStartMs % H === 0).length / events.length).toBeGreaterThan(0.6);
  });
});
