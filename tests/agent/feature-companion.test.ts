import { afterEach, describe, expect, it } from 'vitest';
import { qualityRules, syntheticOptions, universeRules } from '../../src/agent/build-engine.js';
import { nextUniverse } from '../../src/universe/select-universe.js';
import { PrecomputedFeatures } from '../../src/agent/alpha-setup.js';
import { createCompanion, type FeatureCompanionData } from '../../src/agent/feature-companion.js';
import type { FeatureWire } from '../../src/agent/feature-wire.js';
import { warmUpMemory } from '../../src/agent/warm-up.js';
import { FeatureEngine, type FeatureEngineOptions, type FeatureRows } from '../../src/alpha/feature-engine.js';
import { qualityGate, type AssetMemory } from '../../src/data_ingest/quality-gate.js';
import { PrefetchedSyntheticMarket } from '../../src/data_ingest/synthetic/prefetched-market.js';
import { SyntheticMarket } from '../../src/data_ingest/synthetic/synthetic-market.js';
import { compiledModule } from '../../src/utils/compiled-module.js';
import { cycleOfOpenMs } from '../../src/utils/time.js';
import { baseConfig } from '../helpers.js';

const H = 3_600_000;
const FIRST = cycleOfOpenMs(Date.parse('2026-01-01T00:00:00Z'), H);
const cfg = baseConfig();
const options = { ...syntheticOptions(cfg, 5, FIRST, H), microCaps: 10, warmupDays: 4, pumpsPerMonth: 40 };
const features: FeatureEngineOptions = {
  barMs: H,
  order: [1, 0, 1],
  windowBars: 80,
  refitEveryBars: 24,
  refitMethod: 'css',
  rollingSumBars: [3, 6, 12],
  sentimentChangeBars: 6,
  exclude: cfg.universe.majors,
};
// a universe of the micro-caps with spreads under 60 bps (three of them hover near it), re-picked every 6 bars:
// assets come and go, so some are caught up late
const universe = { ...universeRules(cfg), maxAssets: 10, minHistoryDays: 1, minAdvUsd: 0, minMarketCapUsd: 0, maxMarketCapUsd: 1e15, maxSpreadBps: 60 };
const data: FeatureCompanionData = { features, quality: qualityRules(cfg), firstCycle: FIRST, historyBars: 90, gateWarmupBars: 48, universe, refreshEveryBars: 6 };

/**
 * What the engine itself does (every asset through its filters every bar): the history gated from a fresh memory,
 * then each cycle from the warm-up memory; and the universe the universe step picks from them.
 */
function localFeatures(upTo: number): Map<number, { rows: Map<string, number[]>; tradable: string[] }> {
  const market = new SyntheticMarket(options);
  const engine = new FeatureEngine(features);
  let memory: Record<string, AssetMemory> = {};
  for (const snap of market.historySync(FIRST, data.historyBars)) {
    const g = qualityGate(snap, memory, data.quality);
    memory = g.memory;
    engine.update(g.clean);
  }
  let run = warmUpMemory(market.historySync(FIRST, data.gateWarmupBars), data.quality);
  const out = new Map<number, { rows: Map<string, number[]>; tradable: string[] }>();
  let tradable: string[] = [];
  for (let c = FIRST; c <= upTo; c++) {
    const g = qualityGate(market.snapshotSync(c), run, data.quality);
    run = g.memory;
    tradable = nextUniverse(tradable, c, g.clean, run, universe, data.refreshEveryBars).tradable;
    out.set(c, { rows: engine.update(g.clean), tradable });
  }
  return out;
}

let open: PrefetchedSyntheticMarket[] = [];
afterEach(async () => {
  for (const m of open) await m.close();
  open = [];
});

describe('feature companion (the pump model\'s features made on the back-test market\'s worker)', () => {
  const module = compiledModule(new URL('../../src/agent/alpha-setup.ts', import.meta.url).href, 'feature-companion.js');

  it('sends with each snapshot exactly the features the engine would make, also after a restart mid-run', async () => {
    expect(module).not.toBeNull(); // npm test builds dist/ first
    const market = new PrefetchedSyntheticMarket(options, { ahead: 4, companion: { module: module!, data } });
    open.push(market);
    expect(market.hasCompanion).toBe(true);
    const feed = new PrecomputedFeatures(market);
    const want = localFeatures(FIRST + 80);
    const symbols = market.symbols();
    // every tradable asset's row is the all-assets engine's; an asset run before and no longer tradable may have one too
    const tradableEver = new Set<string>();
    const same = (got: FeatureRows, c: number) => {
      const { rows, tradable } = want.get(c)!;
      for (const s of tradable) tradableEver.add(s);
      let n = 0;
      for (const s of symbols) {
        if (tradable.includes(s)) expect(got.has(s), `cycle ${c} ${s}`).toBe(rows.has(s));
        if (got.has(s)) {
          expect(got.get(s), `cycle ${c} ${s}`).toStrictEqual(rows.get(s));
          n++;
        }
      }
      return n;
    };
    let served = 0;
    for (let c = FIRST; c <= FIRST + 60; c++) served += same(feed.update(await market.snapshot(c), want.get(c)!.tradable), c);
    expect(served).toBeGreaterThan(150); // rows for the tradable and some formerly tradable micro-caps
    expect(tradableEver.size).toBeGreaterThan(5); // the universe changed: some assets were caught up late
    // a restart at a later cycle: the worker replays the cycles before it through the features first
    for (const c of [FIRST + 75, FIRST + 76, FIRST + 30]) same(feed.update(await market.snapshot(c), want.get(c)!.tradable), c);
    const last = await market.snapshot(FIRST + 31);
    expect(() => feed.update({ ...last, cycle: FIRST + 40 })).toThrow(/no companion value for cycle \d+ \(last served: \d+\)/);
    // asked for another universe than the one the worker picked: refused, naming the cycle
    expect(() => feed.update(last, ['MC001'])).toThrow(/made features for another universe than the engine's at cycle \d+/);
  });

  it('goes on from a resumed run\'s saved universe (settings may have changed since)', () => {
    const market = new SyntheticMarket(options);
    const saved = ['MC002', 'MC004'];
    const c = createCompanion({ ...data, resumeFrom: { cycle: FIRST + 10, tradable: saved } }, market.symbols());
    for (let cycle = market.historyStartCycle(); cycle < FIRST; cycle++) c.history(market.snapshotSync(cycle), FIRST - cycle);
    const index = new Map(market.symbols().map((sym, i) => [sym, i]));
    const wanted = (w: unknown) => [...(w as FeatureWire).wanted].map((i) => market.symbols()[i]);
    for (let cycle = FIRST; cycle < FIRST + 10; cycle++) c.see(market.snapshotSync(cycle));
    expect(wanted(c.see(market.snapshotSync(FIRST + 10)))).toEqual(saved);
    // the next bar is no refresh (every 6): the saved assets that still have a bar
    expect(wanted(c.see(market.snapshotSync(FIRST + 11)))).toEqual(saved.filter((sym) => index.has(sym)));
  });

  it('makes nothing when snapshots are made on this thread', () => {
    const market = new PrefetchedSyntheticMarket(options, { workerFile: null, companion: { module: module!, data } });
    open.push(market);
    expect(market.hasCompanion).toBe(false);
  });
});
