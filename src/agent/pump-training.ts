import type { Dataset } from '../alpha/dataset.js';
import { evaluateBaselines, evaluateDetector, type DetectorReport } from '../alpha/evaluate.js';
import type { FeatureEngineOptions } from '../alpha/feature-engine.js';
import { featureNames, FULL_INPUTS, inputOf } from '../alpha/features.js';
import type { PumpModel} from '../alpha/pump-model.js';
import { type PumpModelFile } from '../alpha/pump-model.js';
import { trainPumpModel, type TrainSettings } from '../alpha/train.js';
import { inPumpReport, inPumpScores, type InPumpReport } from '../alpha/in-pump.js';
import { PrefetchedSyntheticMarket } from '../data_ingest/synthetic/prefetched-market.js';
import type { Config } from '../utils/config.js';
import { barMsOf, cycleOfOpenMs, DAY_MS } from '../utils/time.js';
import { openRecordedMarket, qualityRules, syntheticOptions } from './build-engine.js';
import { assertModelInputs, modelFeatureOptions } from './alpha-setup.js';
import { buildDataset, type LabelledMarket } from './pump-dataset.js';
import { MARKET_INPUTS, type MarketInput } from '../domain/market.js';
import { DataFileError, ModelError } from '../utils/errors.js';
import type { ArimaOrder } from '../alpha/arima/fit-arima.js';
import { selectOrder } from '../alpha/arima/order-selection.js';
import { alphaBars } from './alpha-bars.js';

/** Feature engine options from the config (what `coce train` fits with), for the inputs the data has. */
export function featureEngineOptions(cfg: Config, inputs: ReadonlySet<MarketInput> = FULL_INPUTS): FeatureEngineOptions {
  const a = cfg.alpha;
  const bars = alphaBars(cfg);
  return {
    barMs: barMsOf(cfg.schedule.barInterval),
    order: a.arima.order,
    windowBars: bars.windowBars,
    refitEveryBars: bars.refitEveryBars,
    refitMethod: a.arima.refitMethod,
    rollingSumBars: bars.rollingSumBars,
    sentimentChangeBars: bars.sentimentChangeBars,
    exclude: cfg.universe.majors,
    inputs,
  };
}

/** The classifier's fitting settings from the config (`coce train` and retraining in the run), for a model horizon. */
export function trainSettings(cfg: Config, horizonBars: number): TrainSettings {
  const c = cfg.alpha.classifier;
  return {
    l2: c.l2,
    classWeight: c.classWeight === 'balanced' ? 'balanced' : null,
    horizonBars,
    precisionTarget: c.precisionTarget,
    maxFalseAlarmsPerAssetDay: c.maxFalseAlarmsPerAssetDay,
    purgeBars: alphaBars(cfg).purgeBars,
    trainShare: c.trainShare,
    walkForwardFolds: c.walkForwardFolds,
  };
}

/** Where a model learns or is scored: the synthetic market of (config, seed) over `days`, or a recorded folder. */
export interface LabelledData {
  src: LabelledMarket;
  firstCycle: number;
  lastCycle: number;
  /** Optional inputs the source serves (the features use those they can). */
  inputs: ReadonlySet<MarketInput>;
  /** The recorded folder, or null for the synthetic market. */
  dataDir: string | null;
}

/** A time split of a recorded folder: bars opening at or after `fromMs` and before `untilMs` (either optional). */
export interface DataWindow {
  fromMs?: number;
  untilMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The labelled market of a training or evaluation: the synthetic market of `seed` over `days` from sim.start, or a
 * recorded folder and its events (all of it, or its first `days` after its first cycle). A folder without labelled
 * pumps cannot train or score a model.
 */
export function labelledData(cfg: Config, seed: number, days: number | undefined, dataDir?: string, window: DataWindow = {}): LabelledData {
  const barMs = barMsOf(cfg.schedule.barInterval);
  if (dataDir === undefined) {
    const first = cycleOfOpenMs(Date.parse(cfg.sim.start), barMs);
    // the bars are made on a worker thread as the dataset asks for them, in order from the warm-up's first
    const market = new PrefetchedSyntheticMarket(syntheticOptions(cfg, seed, first, barMs), { lazy: true });
    return { src: { market, fromCycle: market.local.historyStartCycle(), events: () => market.pumpEvents() }, firstCycle: first, lastCycle: first + (days ?? 120) * (DAY_MS / barMs) - 1, inputs: market.inputs, dataDir: null };
  }
  const market = openRecordedMarket(dataDir, barMs);
  const pumps = market.pumps ?? [];
  if (pumps.length === 0) throw new ModelError(`${dataDir} has no labelled pumps (events.csv): import it with --pumps to train or score a model on it`);
  const m = market.meta;
  // a time split: bars opening from window.fromMs, and before window.untilMs (the features still warm up on all before)
  const firstCycle = window.fromMs === undefined ? m.firstCycle : Math.max(m.firstCycle, Math.ceil(window.fromMs / barMs));
  const endCycle = window.untilMs === undefined ? m.lastCycle : Math.min(m.lastCycle, Math.ceil(window.untilMs / barMs) - 1);
  const lastCycle = days === undefined ? endCycle : firstCycle + days * (DAY_MS / barMs) - 1;
  if (lastCycle > endCycle) throw new DataFileError(`${dataDir} covers ${(endCycle - firstCycle + 1) / (DAY_MS / barMs)} days from its first cycle${window.fromMs === undefined && window.untilMs === undefined ? '' : ' in the chosen window'}; --days ${days} asks for more`);
  if (lastCycle < firstCycle) throw new DataFileError(`${dataDir} has no bars between ${iso(window.fromMs ?? m.firstCycle * barMs)} and ${iso(window.untilMs ?? (m.lastCycle + 1) * barMs)}`);
  return { src: { market, fromCycle: m.historyStartCycle, events: () => pumps }, firstCycle, lastCycle, inputs: market.inputs, dataDir };
}

/** The dataset of labelled data with these feature settings. */
export async function pumpDatasetOf(cfg: Config, d: LabelledData, features: FeatureEngineOptions): Promise<Dataset> {
  try {
    return await buildDataset(d.src, d.firstCycle, d.lastCycle, { features, quality: qualityRules(cfg), horizonBars: alphaBars(cfg).horizonBars });
  } finally {
    await d.src.market.close?.(); // the synthetic market's worker thread
  }
}

/** The synthetic market of (config, seed) over `days` from sim.start, through the gate and the feature engine. */
export async function pumpDataset(cfg: Config, seed: number, days: number, features: FeatureEngineOptions = featureEngineOptions(cfg)): Promise<Dataset> {
  return pumpDatasetOf(cfg, labelledData(cfg, seed, days), features);
}

/**
 * With alpha.arima.auto_order, the order is chosen on the training data's first window (log volume, log return
 * and log(1 + mentions) of up to 8 micro-caps) before the dataset is built with it.
 */
export async function chooseOrder(cfg: Config, seed: number, dataDir?: string): Promise<{ order: ArimaOrder; scores: { order: ArimaOrder; mse: number }[] }> {
  const d = labelledData(cfg, seed, undefined, dataDir);
  const windowBars = alphaBars(cfg).windowBars;
  const history = dataDir === undefined ? await d.src.market.history!(d.firstCycle, windowBars) : await d.src.market.history!(d.src.fromCycle + windowBars, windowBars);
  const symbols = d.src.market.symbols().filter((s) => !cfg.universe.majors.includes(s) && history.some((h) => h.bars[s] !== undefined)).slice(0, 8);
  const series: number[][] = [];
  for (const s of symbols) {
    const bars = history.map((h) => h.bars[s]).filter((b) => b !== undefined);
    series.push(bars.map((b) => Math.log(Math.max(b.volumeUsd, 1e-9))));
    series.push(bars.slice(1).map((b, i) => Math.log(b.close / bars[i]!.close)));
    if (d.inputs.has('sentiment')) series.push(history.map((h) => Math.log1p(h.sentiment[s]?.mentions ?? 0)));
  }
  const r = selectOrder(series, cfg.alpha.arima.candidateOrders);
  return { order: r.best, scores: r.scores };
}

/** Train the pump model on the synthetic market of `seed` over `days`, or on a recorded folder's bars and events. */
export async function trainFromConfig(cfg0: Config, seed: number, days: number | undefined, dataDir?: string, o: { window?: DataWindow; inputs?: ReadonlySet<MarketInput> } = {}): Promise<PumpModelFile> {
  const selection = cfg0.alpha.arima.autoOrder ? await chooseOrder(cfg0, seed, dataDir) : null;
  const cfg: Config = selection === null ? cfg0 : { ...cfg0, alpha: { ...cfg0.alpha, arima: { ...cfg0.alpha.arima, order: selection.order } } };
  const data = labelledData(cfg, seed, days, dataDir, o.window);
  // the inputs the features may use: those the data has, narrowed by the caller (a candles-only model, say)
  const inputs = new Set([...data.inputs].filter((i) => o.inputs === undefined || o.inputs.has(i)));
  const ds = await pumpDatasetOf(cfg, data, featureEngineOptions(cfg, inputs));
  const bars = alphaBars(cfg);
  const features = featureNames(bars.rollingSumBars, inputs);
  const file = trainPumpModel(
    ds,
    trainSettings(cfg, bars.horizonBars),
    {
      seed,
      days: (data.lastCycle - data.firstCycle + 1) / (DAY_MS / barMsOf(cfg.schedule.barInterval)),
      barMs: barMsOf(cfg.schedule.barInterval),
      features,
      // the inputs the kept features need: a source without one of them cannot run the model
      inputs: MARKET_INPUTS.filter((i) => features.some((f) => inputOf(f) === i)),
      arima: { order: cfg.alpha.arima.order, windowBars: bars.windowBars, refitEveryBars: bars.refitEveryBars },
      featureSettings: { rollingSumBars: bars.rollingSumBars, sentimentChangeBars: bars.sentimentChangeBars },
    },
  );
  if (dataDir !== undefined) file.training.data = dataDir;
  if (selection !== null) file.metrics.orderSelection = selection.scores;
  return file;
}

export interface EvalReport {
  /** The synthetic market's seed, or null on a recorded folder. */
  seed: number | null;
  data: string | null;
  days: number;
  rows: number;
  events: number;
  model: DetectorReport;
  baselines: DetectorReport[];
  /** "A pump starts in this bar": the companion detector (when the model file has one) and the model's own alarms. */
  inPump: InPumpReport[];
}

/** The model and the three Kamps & Kleinberg settings side by side on the market of (config, seed), or a recorded folder. */
export async function evaluateFromConfig(model: PumpModel, cfg: Config, seed: number, days: number | undefined, label = 'the model', dataDir?: string, window: DataWindow = {}): Promise<EvalReport> {
  const barMs = barMsOf(cfg.schedule.barInterval);
  const data = labelledData(cfg, seed, days, dataDir, window);
  assertModelInputs(model, data.inputs, dataDir ?? 'the synthetic market', label);
  // features exactly as the model was trained (its file), not as today's config says
  const ds = await pumpDatasetOf(cfg, data, modelFeatureOptions(model, cfg, barMs, label));
  const p = model.score(ds.rows.map((r) => r.x));
  const h = model.file.horizonBars;
  const alarms = p.map((v) => v >= model.threshold);
  return {
    seed: dataDir === undefined ? seed : null,
    data: dataDir ?? null,
    days: (data.lastCycle - data.firstCycle + 1) / (DAY_MS / barMs),
    rows: ds.rows.length,
    events: ds.events.length,
    model: evaluateDetector('pump model', ds, alarms, p, h, barMs),
    baselines: evaluateBaselines(ds, h, barMs),
    inPump: [
      ...(model.file.inPump === undefined ? [] : [inPumpReport('in-pump detector', ds, inPumpScores(model.file.inPump, model.file.features, ds.rows).map((v) => v >= model.file.inPump!.threshold), barMs)]),
      inPumpReport('pump model', ds, alarms, barMs),
    ],
  };
}
