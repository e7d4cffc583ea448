import { resolve } from 'node:path';
import { PrefetchedSyntheticMarket } from '../data_ingest/synthetic/prefetched-market.js';
import { SyntheticMarket, type SyntheticMarketOptions } from '../data_ingest/synthetic/synthetic-market.js';
import type { CompanionSpec } from '../data_ingest/synthetic/market-worker.js';
import type { MarketDataSource } from '../data_ingest/market-data-source.js';
import type { Config } from '../utils/config.js';
import type { Mode } from '../utils/env.js';
import { CcxtSpotFeed, createCcxtExchange, type SpotExchange } from '../data_ingest/live/ccxt-spot-feed.js';
import { CoinGeckoClient } from '../data_ingest/live/coingecko-client.js';
import { LiveMarket } from '../data_ingest/live/live-market.js';
import { TwitterClient } from '../data_ingest/live/twitter-client.js';
import type { Env } from '../utils/env.js';
import { DataFileError, UsageError } from '../utils/errors.js';
import type { Logger } from '../utils/logger.js';
import type { Sleep as RetrySleep } from '../utils/with-retry.js';
import { RecordedMarket } from '../data_ingest/recorded/recorded-market.js';
import { timeframeOf } from '../data_ingest/recorded/market-files.js';
import { SimClock, WallClock, type Clock } from './clock.js';
import type { CycleContext, CycleStep } from './cycle-step.js';
import type { QualityRules } from '../data_ingest/quality-gate.js';
import type { UniverseRules } from '../universe/select-universe.js';
import { barMsOf, DAY_MS } from '../utils/time.js';
import { DataQualityStep } from './steps/data-quality-step.js';
import { MarkToMarketStep } from './steps/mark-to-market-step.js';
import { AllocationStep } from './steps/allocation-step.js';
import { ClusterStep } from './steps/cluster-step.js';
import { HistoryStep } from './steps/history-step.js';
import { GuardrailStep } from './steps/guardrail-step.js';
import { MetaStep } from './steps/meta-step.js';
import { ExitStep } from './steps/exit-step.js';
import { OperatorStep } from './steps/operator-step.js';
import type { ControlQueue } from '../ops/console/operator-controls.js';
import { alphaBars, hoursToBars } from './alpha-bars.js';
import type { AlphaStep } from './steps/alpha-step.js';
import type { PumpModel } from '../alpha/pump-model.js';
import { spikeSell, stopLoss, takeProfit, timeLimit, trailingStop, type ExitRule, type SpikeSettings } from '../exits/index.js';
import { AdvCap } from '../risk_guardrails/adv-cap.js';
import { CorrelationSpike } from '../risk_guardrails/correlation-spike.js';
import { DrawdownGuard } from '../risk_guardrails/drawdown-guard.js';
import type { Guardrail } from '../risk_guardrails/guardrail.js';
import { VarFloor } from '../risk_guardrails/var-floor.js';
import type { ReturnHistory } from './return-history.js';
import { UniverseStep } from './steps/universe-step.js';
import { ConvexController, type ConvexSettings } from './convex-controller.js';
import { PaperOptionsVenue, type OptionsVenue } from '../options/options-venue.js';
import type { SleeveChoice } from '../utils/env.js';
import { OrderSyncStep } from './steps/order-sync-step.js';
import { ExecutionStep } from './steps/execution-step.js';
import { PaperVenue } from '../execution/paper-venue.js';
import { CcxtVenue, type TradingExchange } from '../execution/ccxt-venue.js';
import type { Venue } from '../execution/venue.js';
import type { CostModelSettings } from '../execution/cost-model.js';
import { MemoryOrderJournal, type OrderJournal } from '../state/order-journal.js';
import type { EngineState } from '../state/schema.js';

/** The only place that branches on mode: it picks the clock and the adapters; the steps are the same for all. */
export const isExchangeMode = (mode: Mode): boolean => mode === 'testnet' || mode === 'live';

/** The recorded folder a sim/backtest replays: --data, else market.recorded_dir when market.source is recorded. */
export function recordedDirFor(cfg: Config, dataDir: string | undefined, cwd: string): string | null {
  if (dataDir !== undefined) return resolve(cwd, dataDir);
  return cfg.market.source === 'recorded' && cfg.market.recordedDir !== null ? resolve(cwd, cfg.market.recordedDir) : null;
}

export function openRecordedMarket(dir: string, barMs: number): RecordedMarket {
  const m = new RecordedMarket(dir);
  if (m.meta.barMs !== barMs) {
    throw new DataFileError(`${dir} holds ${m.meta.timeframe} bars but schedule.bar_interval is ${timeframeOf(barMs)}: set schedule.bar_interval: ${m.meta.timeframe} in the config to run on it`);
  }
  return m;
}

/** `companion`: work a back-test's market worker does beside each bar (the pump model's features, alpha-setup.ts). */
export function buildMarket(cfg: Config, mode: Mode, seed: number, firstCycle: number, barMs: number, companion?: CompanionSpec): MarketDataSource {
  if (isExchangeMode(mode) || cfg.market.source === 'live') {
    throw new UsageError(`market.source live needs --mode testnet or live (this run is ${mode})`);
  }
  const options = syntheticOptions(cfg, seed, firstCycle, barMs);
  // a back-test asks for every bar in order as fast as it can: they are made ahead on a worker thread
  return mode === 'backtest' ? new PrefetchedSyntheticMarket(options, companion === undefined ? {} : { companion }) : new SyntheticMarket(options);
}

/**
 * testnet/live: the configured spot exchange through ccxt (sandbox on testnet), with the keys from the environment.
 * One instance serves the market feed and the venue: markets are loaded once, and one rate limiter paces both.
 */
export function createSpotExchange(cfg: Config, mode: Mode, env: Env): Promise<SpotExchange> {
  const src = cfg.market.sources;
  return createCcxtExchange({
    exchangeId: cfg.universe.exchange,
    sandbox: mode === 'testnet',
    apiKey: env.secrets.EXCHANGE_API_KEY,
    secret: env.secrets.EXCHANGE_API_SECRET,
    apiUrl: src.exchangeApiUrl,
    timeoutMs: src.requestTimeoutMs,
  });
}

/** testnet/live: bars and quotes from the spot exchange, caps and volumes from CoinGecko, sentiment from X. */
export async function buildLiveMarket(cfg: Config, exchange: SpotExchange, env: Env, log: Logger, sleep: RetrySleep): Promise<MarketDataSource> {
  const src = cfg.market.sources;
  const barMs = barMsOf(cfg.schedule.barInterval);
  const retry = { retries: src.maxRetries, baseDelayMs: cfg.execution.retries.baseDelayMs, maxDelayMs: cfg.execution.retries.maxDelayMs, sleep };
  const nowMs = () => Date.now();
  const market = new LiveMarket(
    new CcxtSpotFeed(exchange, { quote: cfg.universe.quote, barMs, ...retry, log: log.child({ component: 'ccxt' }) }),
    new CoinGeckoClient({ baseUrl: src.coingeckoBaseUrl, apiKey: env.secrets.COINGECKO_API_KEY, timeoutMs: src.requestTimeoutMs, nowMs, retry: { ...retry, log } }),
    env.secrets.TWITTER_BEARER === undefined
      ? null
      : new TwitterClient({ baseUrl: src.twitterBaseUrl, bearer: env.secrets.TWITTER_BEARER, timeoutMs: src.requestTimeoutMs, nowMs, retry: { ...retry, log } }),
    {
      name: `live:${cfg.universe.exchange}`,
      barMs,
      majors: cfg.universe.majors,
      maxTracked: src.maxTrackedAssets,
      minMarketCapUsd: cfg.universe.minMarketCapUsd,
      maxMarketCapUsd: cfg.universe.maxMarketCapUsd,
      coingeckoPages: src.coingeckoPages,
      liquidityRefreshMs: src.liquidityRefreshHours * 3_600_000,
      sentimentTexts: src.sentimentTexts,
      nowMs,
      log: log.child({ component: 'live-market' }),
    },
  );
  await market.init();
  return market;
}

export function syntheticOptions(cfg: Config, seed: number, firstCycle: number, barMs: number): SyntheticMarketOptions {
  const { microCaps, ...rest } = cfg.market.synthetic;
  return { seed, firstCycle, barMs, majors: cfg.universe.majors, microCaps, ...rest };
}

/** Backtest runs unpaced; sim is paced by --speed (0 = unpaced); exchange modes follow the wall clock. */
export function buildClock(mode: Mode, startMs: number, speed: number): Clock {
  if (isExchangeMode(mode)) return new WallClock();
  return new SimClock(startMs, mode === 'backtest' ? 0 : speed);
}

/** Bars of returns kept: the cluster windows (shifted back for each consensus window), the VaR lookback, the long correlation window. */
export const returnHistoryBars = (cfg: Config): number =>
  Math.max(
    cfg.clusters.windowBars + (cfg.clusters.consensusWindows - 1) * cfg.clusters.rebalanceEveryBars + 1,
    cfg.risk.var.lookbackDays * (DAY_MS / barMsOf(cfg.schedule.barInterval)),
    cfg.risk.corrSpike.longWindowBars,
  );

/** The guardrails in their fixed order (see risk_guardrails/pipeline.ts). */
export function buildGuardrails(cfg: Config): Guardrail[] {
  const r = cfg.risk;
  return [
    new DrawdownGuard({
      softLevels: r.drawdownSoftLevels.map((l) => ({ drawdown: l.drawdownPct / 100, grossScale: l.grossScale })),
      maxDrawdown: r.maxDrawdownPct / 100,
      onMax: r.onMaxDrawdown,
      reduceFraction: r.reduceFraction,
    }),
    new CorrelationSpike({ threshold: r.corrSpike.threshold, grossScale: r.corrSpike.grossScale }),
    new VarFloor({ level: r.var.level, maxVar: r.var.maxVarPct / 100, minDays: Math.ceil(r.var.lookbackDays / 4) }),
    new AdvCap({ orderCap: r.advCapPct / 100, positionCap: r.maxPositionAdvMultiple }),
  ];
}

/** What execution needs from the run: the venue, the order journal, time, and the assets the market serves. */
export interface ExecutionDeps {
  venue: Venue;
  journal: OrderJournal;
  nowMs: () => number;
  /** Waits between slices; a no-op on the simulated clock. */
  wait: (ms: number) => Promise<void>;
  tracked: ReadonlySet<string>;
  log: Logger;
  /** Paper venues: write the venue's own book into the cycle's state (saved with it, restored on restart). */
  saveVenueBook?: (state: EngineState) => void;
}

/**
 * Paper venue for sim and back-tests, seeded from the book it had when state was saved (or, in states without one,
 * from state's book); the exchange through ccxt for testnet and live.
 */
export function buildPaperVenue(cfg: Config, state: EngineState): PaperVenue {
  return new PaperVenue(
    costModelOf(cfg),
    state.paperVenue ?? { cashUsd: state.cashUsd, assets: Object.fromEntries(Object.entries(state.positions).map(([s, p]) => [s, p.qty])) },
  );
}

/** Execution for sim and back-tests: the paper venue, an in-memory journal, no waiting on the simulated clock. */
export function paperExecution(cfg: Config, state: EngineState, market: MarketDataSource, clock: Clock, log: Logger): ExecutionDeps {
  const venue = buildPaperVenue(cfg, state);
  return {
    venue,
    saveVenueBook: (s) => {
      s.paperVenue = venue.book();
    },
    journal: new MemoryOrderJournal(),
    nowMs: () => clock.nowMs(),
    wait: () => Promise.resolve(),
    tracked: new Set(market.symbols()),
    log: log.child({ component: 'execution' }),
  };
}

/** testnet/live: orders on the spot exchange the market feed reads (the same ccxt instance). */
export function buildExchangeVenue(cfg: Config, exchange: SpotExchange, log: Logger): Venue {
  return new CcxtVenue(exchange as unknown as TradingExchange, { quote: cfg.universe.quote, takerFeeBps: cfg.execution.takerFeeBps, buyFeeAsset: cfg.execution.buyFeeAsset, log: log.child({ component: 'ccxt-venue' }) });
}

export function costModelOf(cfg: Config): CostModelSettings {
  const e = cfg.execution;
  return { impactCoefficient: e.impactCoefficient, makerFeeBps: e.makerFeeBps, takerFeeBps: e.takerFeeBps, maxBarVolumeFraction: e.maxBarVolumePct / 100 };
}

/** The cycle pipeline, in order (see DESIGN.md "Cycle"). */
/** The options sleeve of a run: which books trade, and the venue its options trade on. */
export interface SleeveDeps {
  choice: SleeveChoice;
  venue: OptionsVenue;
}

export function convexSettings(cfg: Config): Omit<ConvexSettings, 'trading'> {
  const v = cfg.sleeve;
  return {
    budgetFraction: v.budgetPctNav / 100,
    budgetPeriodMs: v.budgetPeriodDays * DAY_MS,
    underlyings: v.underlyings,
    minDteDays: v.minDteDays,
    maxDteDays: v.maxDteDays,
    deltaMin: v.deltaMin,
    deltaMax: v.deltaMax,
    includePuts: v.includePuts,
    maxSpread: v.maxSpreadPct / 100,
    minOpenInterest: v.minOpenInterest,
    rollDteDays: v.rollDteDays,
    takeProfitMultiple: v.takeProfitMultiple,
    runEveryBars: v.runEveryBars,
  };
}

export function buildSteps(cfg: Config, alpha: AlphaStep | null, history: ReturnHistory, exec: ExecutionDeps, sleeve: SleeveDeps = { choice: 'core', venue: new PaperOptionsVenue() }, controls: ControlQueue | null = null): CycleStep[] {
  const p = cfg.portfolio;
  const e = cfg.execution;
  const place = { retries: e.retries.max, baseDelayMs: e.retries.baseDelayMs, maxDelayMs: e.retries.maxDelayMs, sleep: exec.wait, log: exec.log };
  const dustUsd = p.minTradeNotionalUsd / 25;
  const core = sleeve.choice !== 'convex';
  // the sleeve trades when asked for and enabled; otherwise the controller only settles and marks what is still held
  const convex = [new ConvexController(sleeve.venue, { ...convexSettings(cfg), trading: sleeve.choice !== 'core' && cfg.sleeve.enabled })];
  const steps = [
    new DataQualityStep(qualityRules(cfg)),
    new HistoryStep(history),
    new OrderSyncStep(exec.venue, exec.journal, {
      prefix: e.clientOrderPrefix,
      orderTtlMs: e.orderTtlMs,
      reconcileTolerance: e.reconcileTolerancePct / 100,
      dustUsd,
      tracked: exec.tracked,
      place,
      nowMs: exec.nowMs,
    }),
    new UniverseStep(universeRules(cfg), cfg.universe.refreshEveryBars),
    ...(alpha === null ? [] : [alpha]),
    new ExitStep(() => exitRules(cfg, alpha?.model ?? null), {
      barsPerDay: DAY_MS / barMsOf(cfg.schedule.barInterval),
      cooldownBars: hoursToBars(cfg, cfg.exits.cooldownHours),
      dustUsd,
      spike: () => spikeSettings(cfg, alpha?.model ?? null),
      noEntryAfterSpikeBars: hoursToBars(cfg, cfg.alpha.noEntryAfterSpikeHours),
    }),
    // the operator's requests (with a console): after the exits, so a flattening sells like an exit
    ...(controls === null ? [] : [new OperatorStep(controls)]),
    new ClusterStep(history, { ...cfg.clusters }),
    new AllocationStep(history, {
      linkage: p.linkage,
      maxAssetWeight: p.maxAssetWeightPct / 100,
      maxClusterWeight: p.maxClusterWeightPct / 100,
      maxGrossExposure: p.maxGrossExposurePct / 100,
      maxTurnover: p.maxTurnoverPct / 100,
      minTradeNotionalUsd: p.minTradeNotionalUsd,
      fullSizeProbability: p.fullSizeProbability,
      volTargetAnnual: p.entryVolTargetAnnualPct === null ? null : p.entryVolTargetAnnualPct / 100,
      maxPositionAdvMultiple: cfg.risk.maxPositionAdvMultiple,
      rebalanceEveryBars: p.rebalanceEveryBars,
      covarianceBars: cfg.clusters.windowBars,
    }),
    new MetaStep({ ...cfg.meta, barMs: barMsOf(cfg.schedule.barInterval) }),
    new GuardrailStep(buildGuardrails(cfg), history, {
      barsPerDay: DAY_MS / barMsOf(cfg.schedule.barInterval),
      varLookbackDays: cfg.risk.var.lookbackDays,
      corrShortBars: cfg.risk.corrSpike.shortWindowBars,
      corrLongBars: cfg.risk.corrSpike.longWindowBars,
      varLevel: cfg.risk.var.level,
    }),
    new ExecutionStep(exec.venue, exec.journal, {
      prefix: e.clientOrderPrefix,
      orderType: e.orderType,
      maxSlippageBps: e.maxSlippageBps,
      minTradeNotionalUsd: p.minTradeNotionalUsd,
      dustUsd,
      advCap: cfg.risk.advCapPct / 100,
      maxVar: cfg.risk.var.maxVarPct / 100,
      slicesPerCycle: e.slicesPerCycle,
      orderTtlMs: e.orderTtlMs,
      takerFeeBps: e.takerFeeBps,
      restingTakeProfitPct: cfg.exits.takeProfitOnExchange ? cfg.exits.takeProfitPct : null,
      place,
      nowMs: exec.nowMs,
      wait: exec.wait,
    }),
    ...convex,
    new MarkToMarketStep(cfg.schedule.equityCurveMaxPoints, cfg.notify.slack.dailySummaryHourUtc, [...cfg.risk.drawdownSoftLevels.map((l) => l.drawdownPct / 100), cfg.risk.maxDrawdownPct / 100], cfg.universe.majors),
    ...(exec.saveVenueBook === undefined ? [] : [{ name: 'venue-book', run: (ctx: CycleContext) => exec.saveVenueBook!(ctx.state) }]),
  ];
  // --sleeve convex: the sleeve alone (the core book is neither allocated nor traded, only valued and audited)
  const coreOnly = new Set(['universe', 'alpha', 'exits', 'clusters', 'allocation', 'guardrails', 'execution']);
  return core ? steps : steps.filter((s) => !coreOnly.has(s.name));
}

/** What a spike is (exits.spike): the in-pump detector's own threshold when asked for and the model has one. */
export function spikeSettings(cfg: Config, model: PumpModel | null): SpikeSettings | null {
  const x = cfg.exits.spike;
  if (x === null) return null;
  return { inPumpProbability: x.inPumpDetector ? (model?.file.inPump?.threshold ?? null) : null, surgeReturnPct: x.surgeReturnPct, surgeVolumeMultiple: x.surgeVolumeMultiple };
}

/**
 * The exit rules the config switches on. The time limit counts from the model's own horizon (the one it was trained
 * on; the config's without a model); selling into the spike on the in-pump detector needs a model trained with one.
 */
export function exitRules(cfg: Config, model: PumpModel | null): ExitRule[] {
  const x = cfg.exits;
  const rules: ExitRule[] = [];
  if (x.stopLossPct !== null) rules.push(stopLoss(x.stopLossPct));
  if (x.takeProfitPct !== null) rules.push(takeProfit(x.takeProfitPct));
  const spike = spikeSettings(cfg, model);
  if (spike !== null) rules.push(spikeSell(spike));
  if (x.trailingStop !== null) rules.push(trailingStop(x.trailingStop.activatePct, x.trailingStop.trailPct));
  if (x.timeLimitGraceHours !== null) {
    const horizonBars = model?.file.horizonBars ?? alphaBars(cfg).horizonBars;
    rules.push(timeLimit({ maxBars: horizonBars + hoursToBars(cfg, x.timeLimitGraceHours), minGainPct: x.timeLimitMinGainPct, patienceBars: hoursToBars(cfg, x.timeLimitPatienceHours) }));
  }
  return rules;
}

export function qualityRules(cfg: Config): QualityRules {
  return { barMs: barMsOf(cfg.schedule.barInterval), ...cfg.market.quality };
}

export function universeRules(cfg: Config): UniverseRules {
  const { exchange: _exchange, quote: _quote, refreshEveryBars: _refresh, ...rules } = cfg.universe;
  return rules;
}
