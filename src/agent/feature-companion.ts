/**
 * Runs on the back-test market's worker thread (market-worker.ts loads it): the pump model's features of every bar,
 * made beside the bars and ahead of the engine. The features depend on the bars alone (the quality gate and the
 * feature engine see no decision), so they are the engine's own: this module feeds them exactly as the engine's
 * start-up (alpha-setup.ts replayBars) and data-quality step would: the history gated from a fresh memory, then each
 * cycle gated from the warm-up memory a new run starts with (a resumed run's saved memory is that same sequence).
 * Rows are made for the tradable universe only (nextUniverse, as the universe step picks it from the same clean bars
 * and memory); the engine checks that it asks for the same assets.
 */
import type { CreateCompanion } from '../data_ingest/synthetic/market-worker.js';
import { qualityGate, type AssetMemory, type QualityRules } from '../data_ingest/quality-gate.js';
import { FeatureEngine, type FeatureEngineOptions } from '../alpha/feature-engine.js';
import { packFeatures } from './feature-wire.js';
import { spilledBarLogs } from './spilled-bar-logs.js';
import { nextUniverse, type UniverseRules } from '../universe/select-universe.js';

const NONE: readonly string[] = [];

export interface FeatureCompanionData {
  features: FeatureEngineOptions;
  quality: QualityRules;
  firstCycle: number;
  /** Bars of history the feature engine warms up on (replayBars' historyBars). */
  historyBars: number;
  /** Bars of history the run's gate memory starts from. */
  gateWarmupBars: number;
  /** The universe step's rules: the features are made for the tradable assets, as the engine will ask. */
  universe: UniverseRules;
  refreshEveryBars: number;
  /** A resumed run's last completed cycle and the universe its state holds then: the worker's universe from there on. */
  resumeFrom?: { cycle: number; tradable: string[] };
}

export const createCompanion: CreateCompanion = (data, symbols) => {
  const d = data as FeatureCompanionData;
  // only the tradable assets run through their filters; the others' inputs wait on disk until they are tradable
  const engine = new FeatureEngine({ ...d.features, lazy: { logs: spilledBarLogs() } });
  const index = new Map(symbols.map((s, i) => [s, i]));
  let historyMemory: Record<string, AssetMemory> = {};
  let runMemory: Record<string, AssetMemory> = {};
  let tradable: string[] = [];
  return {
    history(snapshot, before) {
      // the last historyBars bars through the gate and the features (replayBars), the last gateWarmupBars through a
      // gate of their own: warmUpMemory's chain, the memory a new run starts its cycles with
      if (before <= d.historyBars) {
        const g = qualityGate(snapshot, historyMemory, d.quality);
        historyMemory = g.memory;
        engine.update(g.clean, NONE); // logged only: an asset is run through its filters when first tradable
      }
      if (before <= d.gateWarmupBars) runMemory = qualityGate(snapshot, runMemory, d.quality).memory;
    },
    see(snapshot) {
      const g = qualityGate(snapshot, runMemory, d.quality);
      runMemory = g.memory;
      tradable = snapshot.cycle === d.resumeFrom?.cycle ? d.resumeFrom.tradable : nextUniverse(tradable, snapshot.cycle, g.clean, runMemory, d.universe, d.refreshEveryBars).tradable;
      return packFeatures(engine.update(g.clean, tradable), index, tradable);
    },
  };
};
