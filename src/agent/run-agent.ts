import { existsSync } from 'node:fs';
import type { CycleContext } from './cycle-step.js';
import { alphaBars } from './alpha-bars.js';
import { join, resolve } from 'node:path';
import { collectGarbage, enableGc } from '../utils/collect-garbage.js';
import { PrefetchedSyntheticMarket } from '../data_ingest/synthetic/prefetched-market.js';
import { SyntheticMarket } from '../data_ingest/synthetic/synthetic-market.js';
import type { PumpEvent } from '../data_ingest/synthetic/pump-schedule.js';
import type { MarketDataSource } from '../data_ingest/market-data-source.js';
import { EventLogs, type LogCut } from '../state/event-logs.js';
import { acquireRunLock } from '../state/run-lock.js';
import { initialState, type EngineState, type RunInfo } from '../state/schema.js';
import { FileStateStore } from '../state/state-store.js';
import { FileOrderJournal } from '../state/order-journal.js';
import { loadConfig, type Config } from '../utils/config.js';
import { assertSecrets, type Env, type Mode, type SleeveChoice } from '../utils/env.js';
import { DataFileError, StateError, UsageError } from '../utils/errors.js';
import type { Logger } from '../utils/logger.js';
import { barMsOf, cycleOfOpenMs, DAY_MS } from '../utils/time.js';
import { buildClock, buildExchangeVenue, createSpotExchange, buildLiveMarket, buildMarket, buildSteps, paperExecution, type ExecutionDeps, isExchangeMode, openRecordedMarket, qualityRules, recordedDirFor, returnHistoryBars } from './build-engine.js';
import { warmUpMemory } from './warm-up.js';
import { atStartup } from './exchange-startup.js';
import { configInQuote } from './quote-currency.js';
import { RetrainStep } from './steps/retrain-step.js';
import { retrainSource } from './retrain.js';
import { readModelFile } from '../alpha/model-file.js';
import { alphaStep, assertModelInputs, featureCompanion, loadAlpha, modelInUse, modelLocation, PrecomputedFeatures, replayBars, warmUpBars } from './alpha-setup.js';
import { ReturnHistory } from './return-history.js';
import { realSleep } from './clock.js';
import { Engine } from './engine.js';
import { PaperOptionsVenue, type OptionsVenue } from '../options/options-venue.js';
import { createDeribitExchange, DeribitOptionsVenue } from '../options/deribit-venue.js';
import { LogNotifier } from '../utils/notifier.js';
import { HealthServer } from '../ops/health-server.js';
import { ConsoleServer } from '../ops/console/console-server.js';
import { OperatorFeed } from '../ops/console/operator-feed.js';
import { ControlQueue, requestFileIn, type ControlRequest } from '../ops/console/operator-controls.js';
import type { ConsoleSnapshot } from '../ops/console/console-figures.js';
import type { TelegramControl } from '../ops/telegram/telegram-control.js';
import { FanOutNotifier, SlackNotifier } from '../ops/slack-notifier.js';
import { initSentry } from '../ops/sentry.js';
import { reportState, type StateReport } from './state-report.js';

export interface RunOptions {
  mode: Mode;
  configFile: string;
  /** null: the sleeve section is in the main config file. */
  sleeveConfigFile: string | null;
  sleeve: SleeveChoice;
  days?: number;
  /** Stop after this many cycles (overrides days). */
  cycles?: number;
  /** Serve /healthz and /metrics on this port (overrides notify.health). */
  healthPort?: number;
  /** Serve the operator console on this port (overrides notify.console). */
  consolePort?: number;
  seed?: number;
  speed?: number;
  stateDir: string;
  logDir: string;
  restoreBackup: boolean;
  confirmLive: boolean;
  /** Replay a recorded market folder (`coce data generate`) instead of the generator. */
  dataDir?: string;
  /** Base of relative paths inside the config (market.recorded_dir); the process's working directory by default. */
  cwd?: string;
}

export interface RunDeps {
  env: Env;
  log: Logger;
  signal: AbortSignal;
  /** Scrubs secrets from text written to the JSONL logs. */
  scrub: (line: string) => string;
  /** Called when a stop was requested but the running cycle did not finish within schedule.shutdown_timeout_ms. */
  forceExit: () => void;
  /** After each completed cycle: how many of the run's cycles are done (total null when it runs until stopped). */
  progress?: (done: number, total: number | null) => void;
  /** After every step of every cycle (`coce check lookahead` and `warmup` record the decisions). */
  onStep?: (step: string, ctx: CycleContext) => void;
}

export interface RunResult {
  report: StateReport;
  cyclesRun: number;
  stoppedBy: 'end' | 'signal';
  resumedFromCycle: number | null;
  statePath: string;
  logDir: string;
  /** What a back-test summary needs besides the logs. */
  run: { startNavUsd: number; barMs: number; horizonBars: number; seed: number; firstCycle: number; recordedDir: string | null; cfg: Config; assets: number; quote: string };
  /** The market's pumps (ground truth) when it has them: the generator's schedule, or a recorded folder's events. */
  groundTruthPumps: readonly PumpEvent[] | null;
}

function runInfoFor(opts: RunOptions, seed: number, market: MarketDataSource, barMs: number, firstCycle: number): RunInfo {
  return { mode: opts.mode, seed: isExchangeMode(opts.mode) ? null : seed, marketSource: market.name, barMs, firstCycle, quote: market.quote };
}

/**
 * A saved state must come from the same kind of run; anything else would mix two runs' books. The first cycle is
 * compared where the run fixes it (sim.start, or a recorded folder's first cycle); an exchange run's is the bar it
 * first started on.
 */
function assertSameRun(saved: RunInfo, wanted: RunInfo, statePath: string, firstCycleFixed: boolean): void {
  const diffs: string[] = [];
  for (const key of ['mode', 'seed', 'marketSource', 'barMs', ...(firstCycleFixed ? (['firstCycle'] as const) : [])] as const) {
    if (saved[key] !== wanted[key]) diffs.push(`${key} ${String(saved[key])} (this run: ${String(wanted[key])})`);
  }
  if (diffs.length > 0) {
    throw new StateError(
      `${statePath} belongs to another run: ${diffs.join(', ')}. Start a new run with another --state-dir and --log-dir, or resume this one with its settings.`,
      { statePath, saved, wanted },
    );
  }
}

/** Live money never resumes on its own after a halt: meta.auto_resume_after_days is for paper runs and back-tests. */
export function stepConfig(cfg: Config, mode: Mode, log: Logger): Config {
  if (mode !== 'live' || cfg.meta.autoResumeAfterDays === null) return cfg;
  log.warn({ autoResumeAfterDays: cfg.meta.autoResumeAfterDays }, 'meta.auto_resume_after_days does not apply in live mode: a halt waits for coce resume');
  return { ...cfg, meta: { ...cfg.meta, autoResumeAfterDays: null } };
}

/**
 * Start or resume a run: config, secrets, state, logs, the engine loop, a report. The same path serves every mode;
 * build-engine.ts picks the adapters.
 */
export async function runAgent(opts: RunOptions, deps: RunDeps): Promise<RunResult> {
  enableGc(); // before the market's worker thread starts (V8 flags are process-wide; see collect-garbage.ts)
  const log = deps.log.child({ component: 'run-agent' });
  const loaded = loadConfig(opts.configFile, opts.sleeveConfigFile);
  const hash = loaded.hash;
  let cfg = loaded.cfg;
  assertSecrets(deps.env, opts.mode, opts.sleeve);
  if (opts.mode === 'live' && !opts.confirmLive) {
    throw new UsageError('mode live trades real money: add --confirm-live to start it');
  }
  if (opts.speed !== undefined && opts.mode !== 'sim') throw new UsageError('--speed applies to --mode sim only');
  if (opts.sleeve !== 'core' && !cfg.sleeve.enabled) {
    log.warn({ sleeve: opts.sleeve }, 'sleeve.enabled is false: the convexity sleeve will not trade');
  }

  const barMs = barMsOf(cfg.schedule.barInterval);
  const simStartMs = Date.parse(cfg.sim.start);
  let seed = opts.seed ?? cfg.sim.seed;
  const days = opts.days ?? cfg.sim.days;

  // the model is checked before anything is written: a config that names a missing model stops here
  let alpha = loadAlpha(cfg, opts.cwd ?? process.cwd(), barMs);
  const retrainEvery = alpha === null ? null : cfg.alpha.classifier.retrainEveryDays;
  if (retrainEvery !== null && isExchangeMode(opts.mode)) {
    throw new UsageError(`alpha.classifier.retrain_every_days retrains on the run's labelled pumps, which ${opts.mode} data does not have yet: set it to null there (train offline with coce train --data on downloaded bars and a pump list)`);
  }
  const modelUsed = modelInUse(cfg, opts.cwd ?? process.cwd());
  const modelAt = modelUsed.file;

  const durable = opts.mode !== 'backtest';
  const store = new FileStateStore(opts.stateDir, durable);
  store.ensureWritable();
  const locks = [acquireRunLock(opts.stateDir)];
  const logs = new EventLogs(opts.logDir, deps.scrub, durable);
  let health: HealthServer | null = null;
  let operatorConsole: ConsoleServer | null = null;
  let telegram: TelegramControl | null = null;
  try {
    logs.ensureWritable();
    if (resolve(opts.logDir) !== resolve(opts.stateDir)) locks.push(acquireRunLock(opts.logDir));
    for (const l of locks) {
      if (l.tookOverFromPid !== null) log.warn({ pid: l.tookOverFromPid }, 'took over the lock of a coce process that is gone');
    }
    let state: EngineState | null;
    // the backup is only read here; it replaces state.json once every start-up check has passed
    state = opts.restoreBackup ? store.readBackup() : store.load();

    const recordedDir = recordedDirFor(cfg, opts.dataDir, opts.cwd ?? process.cwd());
    if (recordedDir !== null && isExchangeMode(opts.mode)) throw new UsageError(`recorded data (--data) is for sim and backtest, not ${opts.mode}`);
    const recorded = recordedDir === null ? null : openRecordedMarket(recordedDir, barMs);
    if (retrainEvery !== null && recorded !== null && recorded.pumps === null) {
      throw new UsageError(`alpha.classifier.retrain_every_days retrains on the run's labelled pumps, and ${recordedDir} has none (events.csv): import it with --pumps, or set it to null`);
    }
    // the data's quote currency is the run's: USD amounts of the config are converted to it
    if (recorded !== null) cfg = configInQuote(cfg, recorded.quote, recordedDir!);
    const recordedSeed = recorded?.meta.seed ?? null;
    if (recordedSeed !== null) {
      // A generated folder's seed is the run's seed: a resume on the generator must find the same market. Real data
      // has none; the run's seed then only seeds the engine's own random choices.
      if (opts.seed !== undefined && opts.seed !== recordedSeed) {
        throw new UsageError(`--seed ${opts.seed} does not match the recorded data's seed ${recordedSeed} (${recordedDir})`);
      }
      seed = recordedSeed;
    }
    // Exchange modes start with the last closed bar (their first cycle runs at once, as a trader would act on the bar
    // just closed); sim/backtest at sim.start (or the recorded data's start).
    const fixedFirstCycle = recorded?.meta.firstCycle ?? (isExchangeMode(opts.mode) ? null : cycleOfOpenMs(simStartMs, barMs));
    const firstCycle = state?.run.firstCycle ?? fixedFirstCycle ?? Math.floor(Date.now() / barMs) - 1;
    // exchange modes: every start-up call to a venue or source is retried on transient faults and, when it still
    // fails, stops the start with exit 2 naming the step (nothing is saved before the run begins)
    const retry = { retries: cfg.market.sources.maxRetries, baseDelayMs: cfg.execution.retries.baseDelayMs, maxDelayMs: cfg.execution.retries.maxDelayMs, sleep: (ms: number) => realSleep(ms, deps.signal), log };
    const startup = <T>(what: string, fn: () => Promise<T>, retries = retry.retries): Promise<T> => (isExchangeMode(opts.mode) ? atStartup(what, fn, { ...retry, retries }) : fn());
    const spot = isExchangeMode(opts.mode) ? await createSpotExchange(cfg, opts.mode, deps.env) : null;
    const market: MarketDataSource =
      recorded ??
      (spot !== null
        ? await startup(`the ${cfg.universe.exchange} market data (markets, CoinGecko)`, () => buildLiveMarket(cfg, spot, deps.env, deps.log, (ms) => realSleep(ms, deps.signal)))
        : buildMarket(cfg, opts.mode, seed, firstCycle, barMs, alpha === null ? undefined : featureCompanion(alpha, cfg, firstCycle, barMs, state)));
    if (alpha !== null && modelUsed.shipped && alpha.model.file.inputs.some((i) => !market.inputs.has(i))) {
      // the shipped model reads the embedded market's sentiment and market caps: data without them runs without it
      log.warn({ model: modelAt }, `the shipped pump model needs ${alpha.model.file.inputs.filter((i) => !market.inputs.has(i)).join(' and ')}, which ${recordedDir ?? market.name} does not have: no pump model (train one on this data with \`coce train --data ...\`)`);
      alpha = null;
    }
    // a back-test market that makes the model's features beside its bars: the engine takes them from there
    const features = alpha === null ? null : market instanceof PrefetchedSyntheticMarket && market.hasCompanion ? new PrecomputedFeatures(market) : alpha.engine;
    const wanted = runInfoFor(opts, seed, market, barMs, firstCycle);
    if (alpha !== null) assertModelInputs(alpha.model, market.inputs, recordedDir ?? market.name, modelAt);
    // the exchange is asked for the account before a new run's state exists (its book is the run's start)
    const optionsVenue: OptionsVenue =
      isExchangeMode(opts.mode) && (opts.sleeve !== 'core' || (state?.sleevePositions.length ?? 0) > 0)
        ? new DeribitOptionsVenue(
            await createDeribitExchange({
              sandbox: opts.mode === 'testnet',
              apiKey: deps.env.secrets.DERIBIT_CLIENT_ID,
              secret: deps.env.secrets.DERIBIT_CLIENT_SECRET,
              apiUrl: cfg.market.sources.deribitApiUrl,
              timeoutMs: cfg.market.sources.requestTimeoutMs,
            }),
          )
        : new PaperOptionsVenue();
    await startup('the Deribit options venue (markets)', async () => optionsVenue.init?.());
    const exchangeVenue = spot === null ? null : buildExchangeVenue(cfg, spot, deps.log);
    await startup(`the ${cfg.universe.exchange} venue (markets)`, async () => exchangeVenue?.init?.());
    const tracked = new Set(market.symbols());
    let resumedFromCycle: number | null = null;
    const newRun = state === null;
    let logCuts: LogCut[] = [];
    const warmUp = warmUpBars(cfg, alpha, barMs);
    if (state === null) {
      if (logs.totalBytes() > 0) {
        throw new StateError(
          `${opts.logDir} already holds the logs of another run, and ${store.path} does not exist: use a fresh --log-dir for a new run (or the --state-dir of that run to resume it)`,
          { logDir: opts.logDir },
        );
      }
      state = initialState(wanted, cfg.sim.initialCashUsd, hash, cfg.universe.majors[0]);
      if (isExchangeMode(opts.mode)) {
        // a new exchange run starts from the account as it is (not from sim.initial_cash_usd), saved before any
        // order can be sent; the assets COCE trades are sold at the first bar, those it does not trade are left alone
        // (the order sync reports them)
        const b = await startup(`the ${cfg.universe.exchange} account (balances)`, () => exchangeVenue!.balances());
        state.cashUsd = b.cashUsd;
        for (const [s, qty] of Object.entries(b.assets)) {
          if (!tracked.has(s) || !(qty > 0)) continue;
          state.positions[s] = { qty, avgEntryPriceUsd: 0, lastPriceUsd: 0, openedCycle: state.run.firstCycle, realizedPnlUsd: 0 };
          // no pump entry of COCE's bought it: it is sold at the first bar (priced there), as the allocation never wants it
          state.openTrades[s] = { highWaterUsd: 0, lastCloseUsd: null, exit: { reason: 'adopted', cycle: state.run.firstCycle, detail: 'in the account when the run started: no entry of COCE' } };
        }
        log.info({ cashUsd: b.cashUsd, positions: Object.keys(state.positions) }, 'new run: book taken from the venue');
      }
      state.assetMemory = warmUpMemory((await startup('the price history before the first cycle', async () => market.history?.(firstCycle, warmUp.gate))) ?? [], qualityRules(cfg));
    } else {
      assertSameRun(state.run, { ...wanted, firstCycle: fixedFirstCycle ?? wanted.firstCycle }, store.path, fixedFirstCycle !== null);
      resumedFromCycle = state.lastCompletedCycle;
      // checked now, cut only once every other start-up check has passed
      logCuts = logs.check({ offsets: state.logOffsets, tails: state.logTails }, state.lastCompletedCycle, store.path);
      if (state.versions.config !== hash) {
        log.warn({ was: state.versions.config, now: hash }, 'config changed since the state was written');
        state.versions.config = hash;
      }
      if (resumedFromCycle !== null) log.info({ lastCompletedCycle: resumedFromCycle }, 'resuming');
    }

    const history = new ReturnHistory(returnHistoryBars(cfg));
    const replayFrom = state;
    // not retried as a whole (the filters would see bars twice): the sources retry their own requests
    await startup('the price history the filters warm up on', () =>
      replayBars(alpha === null || features !== alpha.engine ? [history] : [alpha.engine, history], market, {
        firstCycle: replayFrom.run.firstCycle,
        lastCompletedCycle: replayFrom.lastCompletedCycle,
        quality: qualityRules(cfg),
        gateWarmupBars: warmUp.gate,
        historyBars: warmUp.replay,
        replayCompleted: !isExchangeMode(opts.mode),
      }),
      0,
    );
    market.historyDone?.();
    collectGarbage(); // the warm-up's data is dead: collect it before the run sizes its heap on it (see collect-garbage.ts)
    if (alpha === null && !modelUsed.shipped) {
      log.warn({ model: modelAt }, `no pump model at ${modelAt}: the engine runs without pump probabilities and never buys (train one with \`coce train\`, or name one in alpha.model_path)`);
    } else if (alpha !== null) {
      if (modelUsed.shipped) log.info({ model: modelAt }, `pump model: the one shipped with coce (trained on the embedded market); \`coce train\` writes ${modelLocation(cfg, opts.cwd ?? process.cwd()).file}, used from then on`);
      if (state.retrainedModel !== null) {
        // a run that retrained goes on with its last model (its features are the configured model's)
        const file = join(opts.stateDir, state.retrainedModel.file);
        const model = readModelFile(file);
        if (model.file.features.join(',') !== alpha.model.file.features.join(',')) throw new StateError(`${file} (retrained at cycle ${state.retrainedModel.cycle}) has other features than the configured model ${modelAt}: start a new run, or name the model it was retrained from`);
        alpha = { ...alpha, model, modelHash: state.retrainedModel.version };
        log.info({ model: file, version: state.retrainedModel.version }, 'pump model: the one this run retrained last');
      }
      if (state.versions.model !== alpha.modelHash) {
        if (state.versions.model !== null) log.warn({ was: state.versions.model, now: alpha.modelHash }, 'pump model changed since the state was written');
        state.versions.model = alpha.modelHash;
      }
    }
    const barsPerDay = DAY_MS / barMs;
    // testnet/live run until stopped unless --days is given; a recorded folder to its end unless --days is given
    const nextCycle = state.lastCompletedCycle === null ? state.run.firstCycle : state.lastCompletedCycle + 1;
    const endCycle =
      opts.cycles !== undefined
        ? nextCycle + opts.cycles - 1
        : isExchangeMode(opts.mode) && opts.days === undefined
          ? null
          : recorded !== null && opts.days === undefined
            ? recorded.meta.lastCycle
            : state.run.firstCycle + days * barsPerDay - 1;
    if (recorded !== null && endCycle !== null && endCycle > recorded.meta.lastCycle) {
      const haveDays = (recorded.meta.lastCycle - state.run.firstCycle + 1) / barsPerDay;
      throw new DataFileError(`${recordedDir} covers ${+haveDays.toFixed(2)} days from the run's first cycle; ${opts.cycles !== undefined ? `--cycles ${opts.cycles}` : `--days ${days}`} asks for more`);
    }
    const clock = buildClock(opts.mode, nextCycle * barMs, opts.speed ?? cfg.sim.speed);
    // operations: health and metrics when enabled; Slack and Sentry when their secrets are set
    // stale after three bars of wall time (a paced sim's bars are shorter), and never under a minute
    const speed = opts.mode === 'sim' ? (opts.speed ?? cfg.sim.speed) : 0;
    const wallMsPerBar = isExchangeMode(opts.mode) ? barMs : speed > 0 ? barMs / speed : 0;
    const healthPort = opts.healthPort ?? (cfg.notify.health.enabled ? cfg.notify.health.port : null);
    // back-tests (and the sweep's) are not the daemon: they page nobody and listen on no port
    const ops = opts.mode !== 'backtest';
    health = ops && healthPort !== null ? new HealthServer({ mode: opts.mode, staleAfterMs: Math.max(3 * wallMsPerBar, 60_000) }) : null;
    const consolePort = opts.consolePort ?? (cfg.notify.console.enabled ? cfg.notify.console.port : null);
    // the operator's requests (console, Telegram) share one queue, applied by the operator step at the next cycle
    const telegramToken = deps.env.secrets.TELEGRAM_BOT_TOKEN;
    if (ops && cfg.notify.telegram.enabled && telegramToken === undefined) log.warn('notify.telegram.enabled, but TELEGRAM_BOT_TOKEN is not set: no Telegram commands');
    const wantsTelegram = ops && cfg.notify.telegram.enabled && telegramToken !== undefined;
    const wantsConsole = ops && consolePort !== null;
    // saved in the state folder: a request the operator was told is queued survives a crash (ControlQueue), and is
    // applied after a restart even when the console and Telegram are off now
    const requestFile = requestFileIn(opts.stateDir);
    const controls = wantsConsole || wantsTelegram || (ops && existsSync(requestFile)) ? new ControlQueue(requestFile) : null;
    const waiting = controls?.waiting(state.operatorApplied) ?? 0;
    // requests belong to the run they were made to: a new run in the folder drops them, before the console listens
    // (so no request made to this run is dropped), even if a later start-up check fails (they are no run's then)
    if (waiting > 0 && newRun) {
      log.warn({ requests: waiting, file: requestFile }, 'operator requests left by an earlier run in this folder: dropped, not applied to this new run');
      controls!.clear();
    } else if (waiting > 0) log.warn({ requests: waiting, file: requestFile }, 'operator requests made before the last stop, not applied yet: applied at the next cycle');
    // one set of figures for the console and Telegram (and the same code as `coce report`)
    const feed = wantsConsole || wantsTelegram ? new OperatorFeed(opts.mode, opts.logDir, (applied) => controls!.waiting(applied)) : null;
    // the figures to every screen: at start, after each cycle, and as soon as a request is queued
    const show = (s: ConsoleSnapshot | null) => {
      if (s !== null) operatorConsole?.publish(s);
      telegram?.update(s);
    };
    const queued = (r: ControlRequest) => {
      controls!.push(r);
      show(feed?.requestQueued() ?? null);
    };
    operatorConsole = wantsConsole ? new ConsoleServer({ token: deps.env.secrets.COCE_CONSOLE_TOKEN ?? null, sessionTtlMs: cfg.notify.console.sessionMinutes * 60_000, onControl: queued }) : null;
    // grammY loads only when Telegram is on (it would add to every start)
    telegram = wantsTelegram ? new (await import('../ops/telegram/telegram-control.js')).TelegramControl({ token: telegramToken, allowedChatIds: cfg.notify.telegram.allowedChatIds, apiRoot: cfg.notify.telegram.apiRoot, controls: { push: queued }, log: deps.log.child({ component: 'telegram' }) }) : null;
    const slackUrl = deps.env.secrets.SLACK_WEBHOOK_URL;
    const slack = !ops || slackUrl === undefined ? null : new SlackNotifier({ webhookUrl: slackUrl, minIntervalMs: cfg.notify.slack.minIntervalMs, log: deps.log.child({ component: 'slack' }) });
    const sentry = ops ? await initSentry(deps.env.secrets.SENTRY_DSN, { environment: cfg.notify.sentry.environment, tracesSampleRate: cfg.notify.sentry.tracesSampleRate, release: `coce@${hash}`, scrub: deps.scrub }) : null;
    const exec: ExecutionDeps =
      exchangeVenue === null
        ? paperExecution(cfg, state, market, clock, deps.log)
        : {
            venue: exchangeVenue,
            journal: new FileOrderJournal(join(opts.stateDir, 'orders.journal.jsonl')),
            nowMs: () => clock.nowMs(),
            wait: (ms) => realSleep(ms, deps.signal),
            tracked,
            log: deps.log.child({ component: 'execution' }),
          };
    const venue = exec.venue;
    const step = alpha === null ? null : alphaStep(alpha, features!);
    const engine = new Engine({
      clock,
      market,
      store,
      logs,
      steps: [
        ...buildSteps(stepConfig(cfg, opts.mode, log), step, history, exec, { choice: opts.sleeve, venue: optionsVenue }, controls),
        // last: a model retrained on this bar's close scores from the next bar on
        ...(step === null || retrainEvery === null || opts.sleeve === 'convex'
          ? []
          : [new RetrainStep(step, retrainSource(cfg, seed, firstCycle, barMs, recordedDir), { cfg, barMs, seed, firstCycle: state.run.firstCycle, everyBars: retrainEvery * (DAY_MS / barMs), stateDir: opts.stateDir })]),
      ],
      log: deps.log,
      barMs,
      catchUp: cfg.schedule.catchUp,
      saveEveryCycles: opts.mode === 'backtest' ? cfg.schedule.backtestSaveEveryBars : 1,
      notifier: new FanOutNotifier([new LogNotifier(deps.log.child({ component: 'notifier' })), ...(slack ? [slack] : []), ...(sentry ? [sentry] : [])]),
      ...(deps.onStep === undefined ? {} : { onStep: deps.onStep }),
      onCycle: (cycle, st, stats, events) => {
        health?.update(cycle, st, stats);
        if (feed !== null) show(feed.update(st, events));
        deps.progress?.(cycle - nextCycle + 1, endCycle === null ? null : endCycle - nextCycle + 1);
      },
    });
    if (health !== null) {
      const port = await health.start(cfg.notify.health.host, healthPort!);
      log.info({ host: cfg.notify.health.host, port }, 'health and metrics on http://127.0.0.1:' + port + '/healthz and /metrics');
    }
    show(feed?.load(state) ?? null);
    if (telegram !== null) {
      await telegram.start();
      log.info({ chats: cfg.notify.telegram.allowedChatIds.length }, 'telegram commands on (/status, /pause, /resume, /flatten, /lift)');
    }
    if (operatorConsole !== null) {
      const port = await operatorConsole.start(cfg.notify.console.host, consolePort!);
      log.info({ host: cfg.notify.console.host, port }, `operator console on http://${cfg.notify.console.host}:${port}/${deps.env.secrets.COCE_CONSOLE_TOKEN === undefined ? ' (read-only: COCE_CONSOLE_TOKEN is not set)' : ''}`);
    }
    // every start-up check has passed: only now is anything written (a new run's state, a crashed cycle's lines cut)
    if (opts.restoreBackup) {
      store.restoreBackup();
      log.warn({ state: store.path, cycle: state.lastCompletedCycle }, 'started from the backup state (the state it replaced is kept as state.json.replaced)');
    }
    logs.open();
    if (newRun) {
      logs.stamp(state);
      store.save(state);
    }
    logs.cut(logCuts);
    for (const c of logCuts) log.warn({ file: c.file, cutBytes: c.cutBytes }, 'removed lines of a cycle that did not complete before the last stop');
    let forceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      log.info({ timeoutMs: cfg.schedule.shutdownTimeoutMs }, 'stop requested: finishing the current cycle');
      forceTimer = setTimeout(deps.forceExit, cfg.schedule.shutdownTimeoutMs).unref();
    };
    deps.signal.addEventListener('abort', onAbort, { once: true });
    log.info(
      { mode: opts.mode, seed: wanted.seed, fromCycle: nextCycle, toCycle: endCycle, assets: market.symbols().length, state: store.path, logs: opts.logDir },
      'run started',
    );
    const out = await engine
      .run(state, endCycle, deps.signal)
      .catch(async (err: unknown) => {
        // an error that stops the daemon goes to Sentry too (when configured) before it reaches the operator
        sentry?.captureException(err);
        await sentry?.flush();
        throw err;
      })
      .finally(async () => {
        deps.signal.removeEventListener('abort', onAbort);
        clearTimeout(forceTimer);
        await health?.close();
        await operatorConsole?.close();
        await telegram?.stop();
      });
    await market.close?.();
    await venue.close?.();
    await slack?.flush();
    await sentry?.flush();
    log.info({ cyclesRun: out.cyclesRun, stoppedBy: out.stoppedBy, lastCompletedCycle: out.state.lastCompletedCycle }, 'run stopped');
    return {
      report: reportState(out.state),
      cyclesRun: out.cyclesRun,
      stoppedBy: out.stoppedBy,
      resumedFromCycle,
      statePath: store.path,
      logDir: opts.logDir,
      run: { startNavUsd: out.state.startNavUsd, barMs, horizonBars: alphaBars(cfg).horizonBars, seed, firstCycle: out.state.run.firstCycle, recordedDir, cfg, assets: market.symbols().length, quote: market.quote },
      groundTruthPumps: market instanceof SyntheticMarket || market instanceof PrefetchedSyntheticMarket ? market.pumpEvents() : (recorded?.pumps ?? null),
    };
  } finally {
    await health?.close(); // a start-up that failed after the port was taken must not keep the process alive
    await operatorConsole?.close();
    logs.close();
    for (const l of locks) l.release();
  }
}
