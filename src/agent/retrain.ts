import { featureNames, inputOf } from '../alpha/features.js';
import { modelText, modelVersion } from '../alpha/model-file.js';
import { modelProblems } from '../alpha/model-validation.js';
import { PumpModel, type PumpModelFile } from '../alpha/pump-model.js';
import { trainPumpModel } from '../alpha/train.js';
import { MARKET_INPUTS } from '../domain/market.js';
import { PrefetchedSyntheticMarket } from '../data_ingest/synthetic/prefetched-market.js';
import type { Config } from '../utils/config.js';
import { ModelError } from '../utils/errors.js';
import { DAY_MS } from '../utils/time.js';
import { alphaBars } from './alpha-bars.js';
import { modelFeatureOptions } from './alpha-setup.js';
import { openRecordedMarket, qualityRules, syntheticOptions } from './build-engine.js';
import { buildDataset, type LabelledMarket } from './pump-dataset.js';
import { trainSettings } from './pump-training.js';

/** Where a retrain reads its bars and pumps: the run's own market, opened afresh (never the one the engine reads). */
export interface RetrainSource {
  /** A fresh copy of the run's market: bars from its first (warm-up) bar, and the pumps it has labelled. */
  open(): LabelledMarket;
}

/** The run's synthetic market (same config and seed), or its recorded folder with its events. */
export function retrainSource(cfg: Config, seed: number, firstCycle: number, barMs: number, recordedDir: string | null): RetrainSource {
  if (recordedDir !== null) {
    return {
      open: () => {
        const m = openRecordedMarket(recordedDir, barMs);
        return { market: m, fromCycle: m.meta.historyStartCycle, events: () => m.pumps ?? [] };
      },
    };
  }
  return {
    open: () => {
      const m = new PrefetchedSyntheticMarket(syntheticOptions(cfg, seed, firstCycle, barMs), { lazy: true });
      return { market: m, fromCycle: m.local.historyStartCycle(), events: () => m.pumpEvents() };
    },
  };
}

export type RetrainResult = { model: PumpModel; file: PumpModelFile; hash: string } | { rejected: string[] };

/**
 * Retrains the pump model walk-forward at `cutoffCycle` (the close of the bar just completed), on what the run has
 * seen: bars up to that close and the pumps that had started by then, nothing later. Rows run from
 * alpha.classifier.retrain_window_days back to `horizonBars` before the cutoff (a later row's label would need bars
 * after it). The feature settings and inputs are the current model's, so the engine's features serve the new model
 * unchanged. A model that fails validation (modelProblems, as `coce train` checks) is rejected with its reasons.
 */
export async function retrainPumpModel(cfg: Config, current: PumpModel, source: RetrainSource, cutoffCycle: number, barMs: number, seed: number): Promise<RetrainResult> {
  const bars = alphaBars(cfg);
  const c = cfg.alpha.classifier;
  const src = source.open();
  const cutoffMs = (cutoffCycle + 1) * barMs;
  const lastRow = cutoffCycle - bars.horizonBars;
  const firstRow = Math.max(src.fromCycle, cutoffCycle - Math.round((c.retrainWindowDays * DAY_MS) / barMs) + 1);
  // only the pumps that had begun by the cutoff: a later one is not known yet (and labels no row before lastRow)
  const known: LabelledMarket = { ...src, events: () => src.events().filter((e) => e.pumpStartMs < cutoffMs) };
  const features = modelFeatureOptions(current, cfg, barMs, 'the running model');
  let file: PumpModelFile;
  try {
    const ds = await buildDataset(known, firstRow, lastRow, { features, quality: qualityRules(cfg), horizonBars: bars.horizonBars });
    const f = current.file;
    file = trainPumpModel(
      ds,
      trainSettings(cfg, f.horizonBars),
      {
        seed,
        days: ((lastRow - firstRow + 1) * barMs) / DAY_MS,
        barMs,
        features: featureNames(f.featureSettings.rollingSumBars, new Set(f.inputs)),
        inputs: MARKET_INPUTS.filter((i) => f.features.some((n) => inputOf(n) === i)),
        arima: f.arima,
        featureSettings: f.featureSettings,
      },
    );
  } catch (err) {
    if (err instanceof ModelError) return { rejected: [err.message] };
    throw err;
  } finally {
    await src.market.close?.();
  }
  const problems = modelProblems(file, { minValidationPumps: c.minValidationPumps, minValidationRocAuc: c.minValidationRocAuc });
  if (problems.length > 0) return { rejected: problems };
  const text = modelText(file);
  return { model: PumpModel.parse(JSON.parse(text), `the model retrained at cycle ${cutoffCycle}`), file, hash: modelVersion(text) };
}
