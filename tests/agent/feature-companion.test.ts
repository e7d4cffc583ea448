import { afterEach, describe, expect, it } from 'vitest';
import { qualityRules, syntheticOptions } from '../../src/agent/build-engine.js';
import { PrecomputedFeatures } from '../../src/agent/alpha-setup.js';
import type { FeatureCompanionData } from '../../src/agent/feature-companion.js';
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
const data: FeatureCompanionData = { features, quality: qualityRules(cfg), firstCycle: FIRST, historyBars: 90, gateWarmupBars: 48 };

/** What the engine itself does: the history gated from a fresh memory, then each cycle from the warm-up memory. */
function localFeatures(upTo: number): Map<number, Map<string, number[]>> {
  const market = new SyntheticMarket(options);
  const engine = new FeatureEngine(features);
  let memory: Record<string, AssetMemory> = {};
  for (const snap of market.historySync(FIRST, data.historyBars)) {
    const g = qualityGate(snap, memory, data.quality);
    memory = g.memory;
    engine.update(g.clean);
  }
  let run = warmUpMemory(market.historySync(FIRST, data.gateWarmupBars), data.quality);
  const out = new Map<number, Map<string, number[]>>();
  for (let c = FIRST; c <= upTo; c++) {
    const g = qualityGate(market.snapshotSync(c), run, data.quality);
    run = g.memory;
    out.set(c, engine.update(g.clean));
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
    const same = (got: FeatureRows, c: number) => {
      for (const s of symbols) {
        expect(got.has(s), `cycle ${c} ${s}`).toBe(want.get(c)!.has(s));
        expect(got.get(s), `cycle ${c} ${s}`).toStrictEqual(want.get(c)!.get(s));
      }
      return want.get(c)!.size;
    };
    let rows = 0;
    for (let c = FIRST; c <= FIRST + 60; c++) rows += same(feed.update(await market.snapshot(c)), c);
    expect(rows).toBeGreaterThan(300); // warm filters for most of the 10 micro-caps
    // a restart at a later cycle: the worker replays the cycles before it through the features first
    for (const c of [FIRST + 75, FIRST + 76, FIRST + 30]) same(feed.update(await market.snapshot(c)), c);
    const served = await market.snapshot(FIRST + 31);
    expect(() => feed.update({ ...served, cycle: FIRST + 40 })).toThrow(/no companion value for cycle \d+ \(last served: \d+\)/);
  });

  it('makes nothing when snapshots are made on this thread', () => {
    const market = new PrefetchedSyntheticMarket(options, { workerFile: null, companion: { module: module!, data } });
    open.push(market);
    expect(market.hasCompanion).toBe(false);
  });
});
