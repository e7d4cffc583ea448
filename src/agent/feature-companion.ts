/**
 * Runs on the back-test market's worker thread (market-worker.ts loads it): the pump model's features of every bar,
 * made beside the bars and ahead of the engine. The features depend on the bars alone (the quality gate and the
 * feature engine see no decision), so they are the engine's own: this module feeds them exactly as the engine's
 * start-up (alpha-setup.ts replayBars) and data-quality step would: the history gated from a fresh memory, then each
 * cycle gated from the warm-up memory a new run starts with (a resumed run's saved memory is that same sequence).
 */
import type { CreateCompanion } from '../data_ingest/synthetic/market-worker.js';
import { qualityGate, type AssetMemory, type QualityRules } from '../data_ingest/quality-gate.js';
import { FeatureEngine, type FeatureEngineOptions } from '../alpha/feature-engine.js';
import { warmUpMemory } from './warm-up.js';
import { packFeatures } from './feature-wire.js';

export interface FeatureCompanionData {
  features: FeatureEngineOptions;
  quality: QualityRules;
  firstCycle: number;
  /** Bars of history the feature engine warms up on (replayBars' historyBars). */
  historyBars: number;
  /** Bars of history the run's gate memory starts from. */
  gateWarmupBars: number;
}

export const createCompanion: CreateCompanion = (data, market) => {
  const d = data as FeatureCompanionData;
  const engine = new FeatureEngine(d.features);
  let memory: Record<string, AssetMemory> = {};
  for (const snap of market.historySync(d.firstCycle, d.historyBars)) {
    const g = qualityGate(snap, memory, d.quality);
    memory = g.memory;
    engine.update(g.clean);
  }
  let runMemory = warmUpMemory(market.historySync(d.firstCycle, d.gateWarmupBars), d.quality);
  market.historyDone();
  const index = new Map(market.symbols().map((s, i) => [s, i]));
  return {
    see(snapshot) {
      const g = qualityGate(snapshot, runMemory, d.quality);
      runMemory = g.memory;
      return packFeatures(engine.update(g.clean), index);
    },
  };
};
