import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../utils/package-root.js';
import { FeatureEngine, type FeatureEngineOptions, type FeatureFeed, type FeatureRows } from '../alpha/feature-engine.js';
import type { PrefetchedSyntheticMarket } from '../data_ingest/synthetic/prefetched-market.js';
import type { CompanionSpec } from '../data_ingest/synthetic/market-worker.js';
import { compiledModule } from '../utils/compiled-module.js';
import { DAY_MS } from '../utils/time.js';
import { qualityRules, returnHistoryBars, universeRules } from './build-engine.js';
import type { FeatureCompanionData } from './feature-companion.js';
import { FeatureWireRows, type FeatureWire } from './feature-wire.js';
import { modelVersion, readModelFile } from '../alpha/model-file.js';
import type { PumpModel } from '../alpha/pump-model.js';
import type { MarketDataSource, MarketSnapshot } from '../data_ingest/market-data-source.js';
import { qualityGate, type AssetMemory, type QualityRules } from '../data_ingest/quality-gate.js';
import type { Config } from '../utils/config.js';
import { ModelError, UsageError } from '../utils/errors.js';
import type { MarketInput } from '../domain/market.js';
import type { EngineState } from '../state/schema.js';
import { AlphaStep } from './steps/alpha-step.js';
import { warmUpMemory } from './warm-up.js';
import { hoursToBars } from './alpha-bars.js';

export interface AlphaSetup {
  engine: FeatureEngine;
  /** The options `engine` was made with (the model's ARIMA and feature settings). */
  featureOptions: FeatureEngineOptions;
  model: PumpModel;
  /** sha256 prefix of the model file, recorded in state.versions.model. */
  modelHash: string;
  /** The alpha step's settings from the config. */
  settings: { entryProbability: number; maxCandidates: number; confirmBars: number };
}

/** The alpha step of a run: features from `features` (the setup's own engine, or ones made ahead elsewhere). */
export function alphaStep(a: AlphaSetup, features: FeatureFeed = a.engine): AlphaStep {
  return new AlphaStep(features, a.model, a.settings);
}

/** Bars of history a start-up reads: for the run's gate memory, and for the filters and return history to warm up on. */
export function warmUpBars(cfg: Config, alpha: AlphaSetup | null, barMs: number): { gate: number; replay: number } {
  return {
    gate: (cfg.universe.minHistoryDays + 1) * (DAY_MS / barMs),
    replay: Math.max(returnHistoryBars(cfg), alpha === null ? 0 : 2 * alpha.model.file.arima.windowBars),
  };
}

/**
 * For a back-test on the synthetic market: the pump model's features made on the market's worker thread, beside the
 * bars (feature-companion.ts). Undefined when no compiled companion exists (then the engine makes them itself).
 */
export function featureCompanion(a: AlphaSetup, cfg: Config, firstCycle: number, barMs: number, resumed: Pick<EngineState, 'lastCompletedCycle' | 'universe'> | null = null): CompanionSpec | undefined {
  const module = compiledModule(import.meta.url, 'feature-companion.js');
  if (module === null) return undefined;
  const bars = warmUpBars(cfg, a, barMs);
  const data: FeatureCompanionData = {
    features: a.featureOptions,
    quality: qualityRules(cfg),
    firstCycle,
    historyBars: bars.replay,
    gateWarmupBars: bars.gate,
    universe: universeRules(cfg),
    refreshEveryBars: cfg.universe.refreshEveryBars,
    // a resumed run goes on from its saved universe (the same as the worker's own, unless the settings changed since)
    ...(resumed?.lastCompletedCycle == null ? {} : { resumeFrom: { cycle: resumed.lastCompletedCycle, tradable: resumed.universe } }),
  };
  return { module, data };
}

/** Features the market's worker made of each cycle's snapshot (a back-test market with a feature companion). */
export class PrecomputedFeatures implements FeatureFeed {
  private readonly index: ReadonlyMap<string, number>;

  constructor(private readonly market: PrefetchedSyntheticMarket) {
    this.index = new Map(market.symbols().map((s, i) => [s, i]));
  }

  update(clean: MarketSnapshot, want: readonly string[] = []): FeatureRows {
    const f = this.market.companionOf(clean.cycle) as FeatureWire | undefined;
    if (!(f?.values instanceof Float64Array)) throw new Error(`the market's worker sent no features for cycle ${clean.cycle}`);
    // the worker made rows for the universe it picked from the same bars: it must be the one asked for
    if (f.wanted.length !== want.length || want.some((s, i) => this.index.get(s) !== f.wanted[i])) {
      throw new Error(`the market's worker made features for another universe than the engine's at cycle ${clean.cycle} (${f.wanted.length} and ${want.length} assets): both follow the universe step's rule on the same bars, so this is a bug`);
    }
    return new FeatureWireRows(f, this.index);
  }
}

/** The feature engine a model was trained with (its ARIMA and feature settings), refusing another bar size. */
export function modelFeatureOptions(model: PumpModel, cfg: Config, barMs: number, label: string): FeatureEngineOptions {
  if (model.file.training.barMs !== barMs) {
    throw new UsageError(`${label} was trained on ${model.file.training.barMs / 60_000}-minute bars; schedule.bar_interval is ${barMs / 60_000} minutes`);
  }
  return {
    barMs,
    order: model.file.arima.order,
    windowBars: model.file.arima.windowBars,
    refitEveryBars: model.file.arima.refitEveryBars,
    refitMethod: cfg.alpha.arima.refitMethod,
    rollingSumBars: model.file.featureSettings.rollingSumBars,
    sentimentChangeBars: model.file.featureSettings.sentimentChangeBars,
    exclude: cfg.universe.majors,
    inputs: new Set(model.file.inputs),
  };
}

/** A model needs every input it was trained with: refuse one the data cannot feed (say what is missing). */
export function assertModelInputs(model: PumpModel, has: ReadonlySet<MarketInput>, source: string, label: string): void {
  const missing = model.file.inputs.filter((i) => !has.has(i));
  if (missing.length > 0) {
    throw new ModelError(`${label} needs ${missing.join(' and ')}, which ${source} does not have: train a model on this data (coce train --data ...), whose features use only what it has`);
  }
}

/** Where a config without alpha.model_path looks for the pump model (and `coce train` writes it): under the working directory. */
export const DEFAULT_MODEL_PATH = 'data/model.json';

/**
 * The model the package ships: trained by `npm run ship-model` on the embedded market with the default config (CI
 * checks it equals what `coce train` makes), so a fresh install trades before its first `coce train`.
 */
export const SHIPPED_MODEL_PATH = join(PACKAGE_ROOT, 'models', 'pump-model.json');

/** The model file a config means: alpha.model_path (relative to `cwd`), or the default location when it is null. */
export function modelLocation(cfg: Config, cwd: string): { file: string; explicit: boolean } {
  return { file: resolve(cwd, cfg.alpha.modelPath ?? DEFAULT_MODEL_PATH), explicit: cfg.alpha.modelPath !== null };
}

/** The model a run uses: the config's, else data/model.json when `coce train` has written one, else the shipped one. */
export function modelInUse(cfg: Config, cwd: string): { file: string; explicit: boolean; shipped: boolean } {
  const at = modelLocation(cfg, cwd);
  if (at.explicit || existsSync(at.file)) return { ...at, shipped: false };
  return { file: SHIPPED_MODEL_PATH, explicit: false, shipped: true };
}

/**
 * The pump model of the config, with a feature engine configured as the model was trained (its ARIMA order, window
 * and feature settings come from the file, not from today's config). A model the config names explicitly must
 * exist; without alpha.model_path it is data/model.json when `coce train` wrote one, else the shipped model (null
 * only in a checkout without models/: the engine then runs without probabilities, and the caller says so).
 */
export function loadAlpha(cfg: Config, cwd: string, barMs: number): AlphaSetup | null {
  const { file, explicit } = modelInUse(cfg, cwd);
  if (!existsSync(file)) {
    if (!explicit) return null;
    throw new UsageError(`alpha.model_path names ${file}, which does not exist: train it with \`coce train --out ${file}\`, or set alpha.model_path: null to use data/model.json (written by coce train) or the model shipped with coce`);
  }
  const model = readModelFile(file);
  const featureOptions = modelFeatureOptions(model, cfg, barMs, file);
  const modelHash = modelVersion(readFileSync(file));
  return {
    // lazy: the warm-up replay logs every asset's bars and the first cycle runs only the tradable ones' filters; the
    // alpha step catches the others up a few a cycle (rows are the same either way; start-up time, issue 16's goal)
    engine: new FeatureEngine({ ...featureOptions, lazy: {} }),
    featureOptions,
    model,
    modelHash,
    settings: { entryProbability: cfg.alpha.entryProbability, maxCandidates: cfg.alpha.maxCandidates, confirmBars: Math.max(1, hoursToBars(cfg, cfg.alpha.confirmHours)) },
  };
}

/** Anything that must see every clean bar from the start to be in step (feature engine, return history). */
export interface BarConsumer {
  /** `want`: the rows wanted of this bar (none during a replay: a lazy feature engine only logs it). */
  update(clean: MarketSnapshot, want?: readonly string[]): unknown;
}

const NO_ROWS: readonly string[] = [];

/**
 * Bring bar consumers to where the run stands, from data alone, so a restarted sim or back-test is exactly like an
 * uninterrupted one: first `historyBars` of the source's history before the run (gated from a fresh memory), then,
 * when resuming, every completed cycle re-gated from the same warm-up memory the run started with.
 */
export async function replayBars(
  consumers: readonly BarConsumer[],
  market: MarketDataSource,
  o: { firstCycle: number; lastCompletedCycle: number | null; quality: QualityRules; gateWarmupBars: number; historyBars: number; replayCompleted: boolean },
): Promise<void> {
  if (consumers.length === 0) return;
  let memory: Record<string, AssetMemory> = {};
  for (const snap of (await market.history?.(o.firstCycle, o.historyBars)) ?? []) {
    const g = qualityGate(snap, memory, o.quality);
    memory = g.memory;
    for (const c of consumers) c.update(g.clean, NO_ROWS);
  }
  // Exchange modes do not replay past cycles (that would re-ask the network for every bar): they restart from the
  // source's history, so a restarted live run is close to, not identical with, an uninterrupted one.
  if (o.lastCompletedCycle === null || !o.replayCompleted) return;
  let runMemory = warmUpMemory((await market.history?.(o.firstCycle, o.gateWarmupBars)) ?? [], o.quality);
  for (let c = o.firstCycle; c <= o.lastCompletedCycle; c++) {
    const g = qualityGate(await market.snapshot(c), runMemory, o.quality);
    runMemory = g.memory;
    for (const k of consumers) k.update(g.clean, NO_ROWS);
  }
}
