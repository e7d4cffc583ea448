import type { Dataset } from '../alpha/dataset.js';
import { evaluateBaselines, evaluateDetector, type DetectorReport } from '../alpha/evaluate.js';
import type { FeatureEngineOptions } from '../alpha/feature-engine.js';
import { featureNames } from '../alpha/features.js';
import type { PumpModel} from '../alpha/pump-model.js';
import { type PumpModelFile } from '../alpha/pump-model.js';
import { trainPumpModel } from '../alpha/train.js';
import { SyntheticMarket } from '../data_ingest/synthetic/synthetic-market.js';
import type { Config } from '../utils/config.js';
import { barMsOf, cycleOfOpenMs, DAY_MS } from '../utils/time.js';
import { qualityRules, syntheticOptions } from './build-engine.js';
import { modelFeatureOptions } from './alpha-setup.js';
import { buildDataset } from './pump-dataset.js';
import type { ArimaOrder } from '../alpha/arima/fit-arima.js';
import { selectOrder } from '../alpha/arima/order-selection.js';

export function featureEngineOptions(cfg: Config): FeatureEngineOptions {
  const a = cfg.alpha;
  return {
    barMs: barMsOf(cfg.schedule.barInterval),
    order: a.arima.order,
    windowBars: a.arima.windowBars,
    refitEveryBars: a.arima.refitEveryBars,
    refitMethod: a.arima.refitMethod,
    rollingSumBars: a.features.rollingSumBars,
    sentimentChangeBars: a.features.sentimentChangeBars,
    exclude: cfg.universe.majors,
  };
}

/** The synthetic market of (config, seed) over `days` from sim.start, through the gate and the feature engine. */
export async function pumpDataset(cfg: Config, seed: number, days: number, features: FeatureEngineOptions = featureEngineOptions(cfg)): Promise<Dataset> {
  const barMs = barMsOf(cfg.schedule.barInterval);
  const first = cycleOfOpenMs(Date.parse(cfg.sim.start), barMs);
  const market = new SyntheticMarket(syntheticOptions(cfg, seed, first, barMs));
  return buildDataset(market, first, first + days * (DAY_MS / barMs) - 1, {
    features,
    quality: qualityRules(cfg),
    horizonBars: cfg.alpha.classifier.horizonBars,
  });
}

/**
 * With alpha.arima.auto_order, the order is chosen on the training market's warm-up history (log volume, log return
 * and log(1 + mentions) of up to 8 micro-caps) before the dataset is built with it.
 */
export async function chooseOrder(cfg: Config, seed: number): Promise<{ order: ArimaOrder; scores: { order: ArimaOrder; mse: number }[] }> {
  const barMs = barMsOf(cfg.schedule.barInterval);
  const first = cycleOfOpenMs(Date.parse(cfg.sim.start), barMs);
  const market = new SyntheticMarket(syntheticOptions(cfg, seed, first, barMs));
  const history = await market.history(first, cfg.alpha.arima.windowBars);
  const symbols = market.symbols().filter((s) => !cfg.universe.majors.includes(s)).slice(0, 8);
  const series: number[][] = [];
  for (const s of symbols) {
    const bars = history.map((h) => h.bars[s]).filter((b) => b !== undefined);
    series.push(bars.map((b) => Math.log(b.volumeUsd)));
    series.push(bars.slice(1).map((b, i) => Math.log(b.close / bars[i]!.close)));
    series.push(history.map((h) => Math.log1p(h.sentiment[s]?.mentions ?? 0)));
  }
  const r = selectOrder(series, cfg.alpha.arima.candidateOrders);
  return { order: r.best, scores: r.scores };
}

export async function trainFromConfig(cfg0: Config, seed: number, days: number): Promise<PumpModelFile> {
  const selection = cfg0.alpha.arima.autoOrder ? await chooseOrder(cfg0, seed) : null;
  const cfg: Config = selection === null ? cfg0 : { ...cfg0, alpha: { ...cfg0.alpha, arima: { ...cfg0.alpha.arima, order: selection.order } } };
  const ds = await pumpDataset(cfg, seed, days);
  const c = cfg.alpha.classifier;
  const file = trainPumpModel(
    ds,
    {
      l2: c.l2,
      classWeight: c.classWeight === 'balanced' ? 'balanced' : null,
      horizonBars: c.horizonBars,
      precisionTarget: c.precisionTarget,
      purgeBars: c.purgeBars,
      trainShare: c.trainShare,
      walkForwardFolds: c.walkForwardFolds,
    },
    {
      seed,
      days,
      barMs: barMsOf(cfg.schedule.barInterval),
      features: featureNames(cfg.alpha.features.rollingSumBars),
      arima: { order: cfg.alpha.arima.order, windowBars: cfg.alpha.arima.windowBars, refitEveryBars: cfg.alpha.arima.refitEveryBars },
      featureSettings: { rollingSumBars: cfg.alpha.features.rollingSumBars, sentimentChangeBars: cfg.alpha.features.sentimentChangeBars },
    },
  );
  if (selection !== null) file.metrics.orderSelection = selection.scores;
  return file;
}

export interface EvalReport {
  seed: number;
  days: number;
  rows: number;
  events: number;
  model: DetectorReport;
  baselines: DetectorReport[];
}

/** The model and the three Kamps & Kleinberg settings side by side on the market of (config, seed). */
export async function evaluateFromConfig(model: PumpModel, cfg: Config, seed: number, days: number, label = 'the model'): Promise<EvalReport> {
  const barMs = barMsOf(cfg.schedule.barInterval);
  // features exactly as the model was trained (its file), not as today's config says
  const ds = await pumpDataset(cfg, seed, days, modelFeatureOptions(model, cfg, barMs, label));
  const p = model.score(ds.rows.map((r) => r.x));
  const h = model.file.horizonBars;
  return {
    seed,
    days,
    rows: ds.rows.length,
    events: ds.events.length,
    model: evaluateDetector('pump model', ds, p.map((v) => v >= model.threshold), p, h, barMs),
    baselines: evaluateBaselines(ds, h, barMs),
  };
}
