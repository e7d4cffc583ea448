import { describe, expect, it } from 'vitest';
import { syntheticOptions } from '../../src/agent/build-engine.js';
import { FeatureEngine, type FeatureEngineOptions } from '../../src/alpha/feature-engine.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { SyntheticMarket } from '../../src/data_ingest/synthetic/synthetic-market.js';
import { createRng } from '../../src/utils/rng.js';
import { cycleOfOpenMs } from '../../src/utils/time.js';
import { baseConfig } from '../helpers.js';

const H = 3_600_000;
const FIRST = cycleOfOpenMs(Date.parse('2026-01-01T00:00:00Z'), H);
const options = (o: Partial<FeatureEngineOptions> = {}): FeatureEngineOptions => ({
  barMs: H,
  order: [1, 0, 1],
  windowBars: 96,
  refitEveryBars: 12,
  refitMethod: 'css',
  rollingSumBars: [3, 6, 12],
  sentimentChangeBars: 6,
  exclude: ['BTC', 'ETH'],
  inputs: new Set(['sentiment', 'marketCap', 'trades']),
  lazy: {},
  ...o,
});

/**
 * Snapshots of the synthetic market with what real data has and it lacks: bars missing now and then (rejected by the
 * gate, or a late listing: MC012 from bar 150) and trade statistics on some bars.
 */
function bars(n: number): MarketSnapshot[] {
  const market = new SyntheticMarket({ ...syntheticOptions(baseConfig(), 8, FIRST, H), microCaps: 12, warmupDays: 1 });
  const rng = createRng(81);
  const out: MarketSnapshot[] = [];
  for (let c = FIRST; c < FIRST + n; c++) {
    const s = market.snapshotSync(c);
    const keep = Object.keys(s.bars).filter((sym) => !(sym === 'MC012' && c < FIRST + 150) && rng.next() > 0.03);
    const pick = <T>(r: Record<string, T>) => Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]!]));
    const trades = keep.filter(() => rng.next() < 0.5).map((k) => [k, { trades: rng.int(50), buyShare: rng.next(), rushOrders: rng.int(5) }] as const);
    out.push({ ...s, bars: pick(s.bars), liquidity: pick(s.liquidity), sentiment: pick(s.sentiment), realizedVol: pick(s.realizedVol), tradeStats: Object.fromEntries(trades) });
  }
  return out;
}

describe('FeatureEngine with a wanted set (lazy assets, caught up when wanted)', () => {
  it('gives every wanted asset the row of an engine that ran every asset every bar, as the set changes', () => {
    const snaps = bars(400);
    const symbols = Object.keys(snaps.at(-1)!.bars).filter((s) => s !== 'BTC' && s !== 'ETH');
    const eager = new FeatureEngine(options());
    const lazy = new FeatureEngine(options());
    const rng = createRng(82);
    let want: string[] = [];
    let rows = 0;
    let caughtUp = 0;
    const seen = new Set<string>();
    snaps.forEach((snap, t) => {
      // a new wanted set every 20 bars, from nothing (the warm-up) to most of the assets
      if (t % 20 === 0) want = t < 100 ? [] : symbols.filter(() => rng.next() < 0.4);
      for (const s of want) {
        if (seen.has(s)) continue;
        seen.add(s);
        caughtUp++;
      }
      const a = eager.update(snap);
      const b = lazy.update(snap, want);
      for (const s of symbols) {
        if (want.includes(s)) expect(b.has(s), `bar ${t} ${s}`).toBe(a.has(s));
        if (b.has(s)) {
          expect(b.get(s), `bar ${t} ${s}`).toStrictEqual(a.get(s));
          rows++;
        }
      }
    });
    expect(rows).toBeGreaterThan(1500);
    expect(caughtUp).toBeGreaterThan(8); // most assets were caught up, some long after their first bar
    expect(lazy.stats.fits).toBeLessThan(eager.stats.fits); // assets never wanted were never fitted
  });

  it('catches up the unwanted assets a few a call, as the daemon does: then the same rows as an eager engine, for every asset', () => {
    const snaps = bars(300);
    const eager = new FeatureEngine(options());
    const lazy = new FeatureEngine(options());
    const left: number[] = [];
    let compared = 0;
    let last: [string[], string[]] = [[], []];
    snaps.forEach((snap, t) => {
      // the warm-up replay wants nothing; from bar 150 two assets are wanted and the others caught up 3 a bar
      const want = t < 150 ? [] : ['MC003', 'MC007'];
      const a = eager.update(snap);
      const b = lazy.update(snap, want);
      for (const [s, row] of b) {
        expect(row, `bar ${t} ${s}`).toStrictEqual(a.get(s));
        compared++;
      }
      if (t >= 150) left.push(lazy.catchUpLazy(3));
      last = [[...b.keys()].sort(), [...a.keys()].sort()];
    });
    // 12 micro-caps, MC012 listed at bar 150: 2 wanted, 10 caught up 3 a bar, then none lazy
    expect(left.slice(0, 5)).toEqual([7, 4, 1, 0, 0]);
    // from then on every asset's row is there, as the eager engine's
    expect(last[0]).toEqual(last[1]);
    expect(last[0].length).toBeGreaterThan(8);
    expect(compared).toBeGreaterThan(1000);
    expect(lazy.stats.fits).toBe(eager.stats.fits); // the same fits, some later
  });

  it('without a wanted set runs every asset (what training needs), and a window too short to fit never warms', () => {
    const snaps = bars(120);
    const a = new FeatureEngine(options());
    const b = new FeatureEngine(options());
    for (const snap of snaps) expect(b.update(snap)).toStrictEqual(a.update(snap, undefined));
    // an engine without the lazy option runs every asset whatever is wanted (the daemon's)
    const plain = new FeatureEngine(options({ lazy: undefined }));
    const all = new FeatureEngine(options());
    for (const snap of snaps) expect(plain.update(snap, ['MC001'])).toStrictEqual(all.update(snap));
    const short = new FeatureEngine(options({ windowBars: 60 }));
    const lazyShort = new FeatureEngine(options({ windowBars: 60 }));
    for (const snap of snaps) {
      expect(short.update(snap).size).toBe(0);
      expect(lazyShort.update(snap, ['MC001']).size).toBe(0);
    }
  });
});
