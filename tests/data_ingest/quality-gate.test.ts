import { describe, expect, it } from 'vitest';
import type { Bar, MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { qualityGate, type AssetMemory } from '../../src/data_ingest/quality-gate.js';

const H = 3_600_000;
const RULES = { barMs: H, maxStaleBars: 3, maxGapBars: 6, maxAbsLogReturn: 2.5 };
const bar = (cycle: number, close: number, o: Partial<Bar> = {}): Bar => ({
  openMs: cycle * H,
  open: close,
  high: close * 1.01,
  low: close * 0.99,
  close,
  volumeBase: 10,
  volumeUsd: 10 * close,
  ...o,
});
const snap = (cycle: number, bars: Record<string, Bar>): MarketSnapshot => ({
  cycle,
  closeMs: (cycle + 1) * H,
  bars,
  liquidity: Object.fromEntries(Object.keys(bars).map((s) => [s, { marketCapUsd: 1e7, advUsd: 1e6, spreadBps: 30 }])),
  sentiment: Object.fromEntries(Object.keys(bars).map((s) => [s, { mentions: 5, score: 0.2 }])),
  realizedVol: Object.fromEntries(Object.keys(bars).map((s) => [s, 0.9])),
});
const mem = (lastCycle: number, lastClose: number, jumpStreak = 0): AssetMemory => ({
  firstSeenMs: 0,
  lastOpenMs: lastCycle * H,
  lastClose,
  jumpStreak,
});

describe('qualityGate', () => {
  it('passes good bars and remembers them', () => {
    const r = qualityGate(snap(10, { A: bar(10, 2) }), { A: mem(9, 1.9) }, RULES);
    expect(r.rejected).toEqual([]);
    expect(Object.keys(r.clean.bars)).toEqual(['A']);
    expect(r.clean.sentiment.A).toEqual({ mentions: 5, score: 0.2 });
    expect(r.memory.A).toEqual({ firstSeenMs: 0, lastOpenMs: 10 * H, lastClose: 2, jumpStreak: 0 });
    expect(qualityGate(snap(10, { N: bar(10, 2) }), {}, RULES).memory.N!.firstSeenMs).toBe(10 * H);
  });

  it.each([
    ['NaN close', bar(10, 2, { close: Number.NaN }), 'non-finite close (NaN)'],
    ['Infinity volume', bar(10, 2, { volumeUsd: Infinity }), 'non-finite volumeUsd (Infinity)'],
    ['zero price', bar(10, 2, { low: 0 }), 'non-positive price'],
    ['negative price', bar(10, 2, { open: -1 }), 'non-positive price'],
    ['negative volume', bar(10, 2, { volumeBase: -1 }), 'negative volume'],
    ['high below close', bar(10, 2, { high: 1.5 }), 'inconsistent bar (high 1.5 low 1.98 open 2 close 2)'],
    ['misaligned', bar(10, 2, { openMs: 10 * H + 5 }), `bar open ${10 * H + 5} is not on a bar boundary`],
    ['duplicated', bar(9, 2), 'duplicated bar (same open time as the last accepted bar)'],
    ['out of order', bar(7, 2), 'out-of-order bar (opens before the last accepted bar by 2 bars)'],
    ['future', bar(12, 2), 'bar from the future (opens 2 bars after this cycle)'],
  ])('rejects %s with its reason and keeps the memory', (_name, b, reason) => {
    const memory = { A: mem(9, 2) };
    const r = qualityGate(snap(10, { A: b }), memory, RULES);
    expect(r.rejected).toEqual([{ symbol: 'A', reason }]);
    expect(r.clean.bars).toEqual({});
    expect(r.memory.A).toEqual(memory.A);
  });

  it('rejects a stale bar and reports an asset with no bar, until it is too stale to mention', () => {
    const r = qualityGate(snap(10, { A: bar(8, 2) }), { A: mem(7, 2), B: mem(9, 1), C: mem(2, 1) }, RULES);
    expect(r.rejected).toEqual([
      { symbol: 'A', reason: 'stale bar (2 bars old)' },
      { symbol: 'B', reason: 'no bar this cycle' },
    ]);
  });

  it('rejects zero or missing ADV', () => {
    const s = snap(10, { A: bar(10, 2), B: bar(10, 2) });
    s.liquidity.A!.advUsd = 0;
    delete s.liquidity.B;
    expect(qualityGate(s, {}, RULES).rejected).toEqual([
      { symbol: 'A', reason: 'missing or invalid liquidity (ADV 0)' },
      { symbol: 'B', reason: 'missing or invalid liquidity (ADV none)' },
    ]);
  });

  it('restarts history after a long gap: the bar anchors memory but is skipped this cycle', () => {
    const r = qualityGate(snap(20, { A: bar(20, 5) }), { A: mem(10, 2) }, RULES);
    expect(r.rejected).toEqual([{ symbol: 'A', reason: 'gap of 9 bars exceeds market.quality.max_gap_bars 6' }]);
    expect(r.memory.A).toEqual({ firstSeenMs: 0, lastOpenMs: 20 * H, lastClose: 5, jumpStreak: 0 });
    // a short gap is fine
    expect(qualityGate(snap(15, { A: bar(15, 2.5) }), { A: mem(10, 2) }, RULES).rejected).toEqual([]);
  });

  it('rejects absurd jumps as bad prints, then accepts a level that persists (cycle after cycle)', () => {
    // log(30 / 2) = 2.708 > 2.5; fed bar after bar as a run does
    let memory: Record<string, AssetMemory> = { A: mem(9, 2) };
    const results: string[][] = [];
    for (let c = 10; c <= 13; c++) {
      const r = qualityGate(snap(c, { A: bar(c, 30) }), memory, RULES);
      memory = r.memory;
      results.push(r.rejected.map((x) => x.reason));
    }
    expect(results).toEqual([
      ['jump |log return| 2.708 exceeds market.quality.max_abs_log_return 2.5'],
      ['jump |log return| 2.708 exceeds market.quality.max_abs_log_return 2.5'],
      [], // third bar at the new level: accepted (max_stale_bars 3)
      [],
    ]);
    expect(memory.A).toEqual({ firstSeenMs: 0, lastOpenMs: 13 * H, lastClose: 30, jumpStreak: 0 });
  });

  it('checks jumps across a short gap too, against the last accepted close', () => {
    const r = qualityGate(snap(12, { A: bar(12, 50) }), { A: mem(10, 2) }, RULES);
    expect(r.rejected).toEqual([{ symbol: 'A', reason: 'jump |log return| 3.219 exceeds market.quality.max_abs_log_return 2.5' }]);
    expect(r.memory.A).toEqual({ firstSeenMs: 0, lastOpenMs: 12 * H, lastClose: 2, jumpStreak: 1 });
    expect(qualityGate(snap(13, { A: bar(13, 2.2) }), r.memory, RULES).rejected).toEqual([]);
  });

  it('cleans sentiment and drops a bad realised volatility without rejecting the bar', () => {
    const s = snap(10, { A: bar(10, 2), B: bar(10, 2) });
    s.sentiment.A = { mentions: Number.NaN, score: 3 };
    s.sentiment.B = { mentions: 4, score: 3 };
    s.realizedVol.A = Number.NaN;
    const r = qualityGate(s, {}, RULES);
    expect(r.rejected).toEqual([]);
    // an invalid one is left out, never filled in (the features read absent sentiment as none)
    expect(r.clean.sentiment).toEqual({ B: { mentions: 4, score: 1 } });
    expect(r.clean.realizedVol).toEqual({ B: 0.9 });
  });
});

describe('qualityGate clean records', () => {
  // The records the gate hands on, built the plain way: every accepted bar's entries, in the bars' order.
  const plainClean = (raw: MarketSnapshot, accepted: readonly string[]) => {
    const bars: MarketSnapshot['bars'] = {};
    const liquidity: MarketSnapshot['liquidity'] = {};
    const realizedVol: MarketSnapshot['realizedVol'] = {};
    for (const s of accepted) {
      bars[s] = raw.bars[s]!;
      liquidity[s] = raw.liquidity[s]!;
      const rv = raw.realizedVol[s];
      if (rv !== undefined && Number.isFinite(rv) && rv >= 0) realizedVol[s] = rv;
    }
    return { bars, liquidity, realizedVol };
  };

  it('are the source\'s own records where every bar passed, and otherwise equal, key order included, to the plain ones', () => {
    const symbols = ['A', 'B', 'C', 'D'];
    const base = snap(10, Object.fromEntries(symbols.map((s, i) => [s, bar(10, 1 + i)])));
    const memory = Object.fromEntries(symbols.map((s, i) => [s, mem(9, 1 + i)]));
    const all = qualityGate(base, memory, RULES);
    expect(all.clean.bars).toBe(base.bars);
    expect(all.clean.liquidity).toBe(base.liquidity);
    expect(all.clean.realizedVol).toBe(base.realizedVol);
    const cases: MarketSnapshot[] = [
      { ...base, bars: { ...base.bars, C: bar(10, Number.NaN) } }, // C rejected
      { ...base, liquidity: { D: base.liquidity.D!, A: base.liquidity.A!, B: base.liquidity.B!, C: base.liquidity.C! } }, // another key order
      { ...base, liquidity: { ...base.liquidity, Z: base.liquidity.A! } }, // an entry without a bar
      { ...base, realizedVol: { ...base.realizedVol, B: Number.NaN } }, // one invalid optional value
      { ...base, realizedVol: { A: 0.5, B: 0.5 } }, // some missing
    ];
    for (const raw of cases) {
      const r = qualityGate(raw, memory, RULES);
      const accepted = symbols.filter((s) => !r.rejected.some((x) => x.symbol === s));
      const want = plainClean(raw, accepted);
      for (const key of ['bars', 'liquidity', 'realizedVol'] as const) {
        expect(r.clean[key]).toStrictEqual(want[key]);
        expect(JSON.stringify(r.clean[key])).toBe(JSON.stringify(want[key]));
      }
    }
  });
});
