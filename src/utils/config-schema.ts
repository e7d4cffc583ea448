import { z } from 'zod';

/**
 * The schema of config/base.yaml + config/sleeve.yaml, in the files' own snake_case. Every object is strict (unknown
 * keys are errors) and the hard limits that no config may lift are part of it (see HARD_LIMITS). Parameters are
 * documented in the YAML files themselves; this file states types, ranges and defaults only where the YAML may omit.
 */
export const HARD_LIMITS = {
  maxDrawdownPct: 18,
  advCapPct: 2,
  sleeveBudgetPctNav: 0.5,
} as const;

/**
 * Every number has a range, so a typo (an extra digit, a unit slip) is refused instead of run: counts of bars and
 * assets, money and time have upper bounds far past any sensible setting, but not unbounded.
 */
const pct = z.number().min(0).max(100);
const positive = z.number().positive();
const nonNegative = z.number().min(0);
const posInt = z.number().int().positive();
const fraction = z.number().min(0).max(1);
/** Bars (a lookback, a window, a refresh period): up to ten years of hourly bars. */
const bars = posInt.max(87_600);
/** The pump model's windows, horizon and purge are in whole hours: the same span at 1h and 5m bars (x12 there). */
const hours = posInt.max(87_600);
/** Money: up to 10 trillion USD. */
const usdAmount = nonNegative.max(1e13);
/** Milliseconds of a wait or timeout: up to a day. */
const ms = posInt.max(86_400_000);
/** Basis points: up to 100 %. */
const bps = positive.max(10_000);
/** Days of history or of a run: up to ten years. */
const days = z.number().int().min(0).max(3650);
const hardMax = (max: number) =>
  z.number().min(0).max(max, { error: `must be <= ${max} (hard limit, cannot be raised by config)` });
const symbol = z.string().regex(/^[A-Z0-9]{1,20}$/, { error: 'must be an upper-case ticker such as BTC' });

export const barIntervalSchema = z.enum(['5m', '1h']);
export const BAR_INTERVAL_MS = { '5m': 300_000, '1h': 3_600_000 } as const;

/** Seeds feed 32-bit generators: larger values would alias smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;

const universe = z.strictObject({
  exchange: z.string().min(1),
  quote: symbol,
  majors: z.array(symbol).min(1),
  max_assets: posInt.max(5000),
  min_market_cap_usd: usdAmount,
  max_market_cap_usd: positive.max(1e13),
  min_adv_usd: usdAmount,
  max_spread_bps: bps,
  min_history_days: nonNegative.max(3650),
  exclude: z.array(symbol),
  refresh_every_bars: bars,
});

const market = z.strictObject({
  source: z.enum(['synthetic', 'recorded', 'live']),
  recorded_dir: z.string().nullable(),
  // USD value of one unit of a recorded folder's quote currency when it is not a USD stablecoin (BTC pairs)
  quote_usd: positive.max(1e7).nullable(),
  synthetic: z.strictObject({
    micro_caps: posInt.max(2000),
    sectors: posInt.max(20),
    btc_vol_annual_pct: positive.max(1000),
    eth_vol_annual_pct: positive.max(1000),
    eth_btc_correlation: z.number().min(-1).max(1),
    sector_vol_annual_pct: nonNegative.max(1000),
    micro_cap_vol_annual_pct: z.tuple([positive.max(2000), positive.max(2000)]),
    tail_df: z.number().gt(2).max(100),
    garch_alpha: fraction,
    garch_beta: fraction,
    stress_regime_prob_per_day: fraction,
    stress_days: z.tuple([posInt.max(365), posInt.max(365)]),
    stress_vol_multiple: z.number().min(1).max(10),
    pumps_per_month: nonNegative.max(10_000),
    false_hype_per_month: nonNegative.max(10_000),
    hype_lead_share: fraction,
    warmup_days: z.number().int().min(0).max(365),
  }),
  quality: z.strictObject({
    max_stale_bars: bars,
    max_gap_bars: bars,
    max_abs_log_return: positive.max(50),
  }),
  sources: z.strictObject({
    exchange_api_url: z.url().nullable(),
    deribit_api_url: z.url().nullable(),
    coingecko_base_url: z.url(),
    coingecko_pages: posInt.max(40),
    twitter_base_url: z.url(),
    sentiment_texts: z.boolean(),
    max_tracked_assets: posInt.max(5000),
    liquidity_refresh_hours: positive.max(720),
    request_timeout_ms: ms,
    max_retries: z.number().int().min(0).max(10),
  }),
});

const alpha = z.strictObject({
  // null: data/model.json under the working directory when it exists (a run without it has no probabilities)
  model_path: z.string().min(1).nullable(),
  arima: z.strictObject({
    order: z.tuple([z.number().int().min(0).max(5), z.number().int().min(0).max(2), z.number().int().min(0).max(5)]),
    window_hours: hours.min(30),
    refit_every_hours: hours,
    refit_method: z.enum(['css', 'css-ml']),
    auto_order: z.boolean(),
    candidate_orders: z.array(z.tuple([z.number().int().min(0).max(5), z.number().int().min(0).max(2), z.number().int().min(0).max(5)])).min(1),
  }),
  features: z.strictObject({
    rolling_sum_hours: z.array(hours).min(1).max(20),
    sentiment_change_hours: hours,
  }),
  classifier: z.strictObject({
    l2: nonNegative.max(1e6),
    class_weight: z.union([z.literal('balanced'), z.literal('none')]),
    horizon_hours: hours,
    precision_target: fraction,
    max_false_alarms_per_asset_day: z.number().positive().max(1000).nullable(),
    purge_hours: z.number().int().min(0).max(87_600),
    train_share: z.number().gt(0.2).lt(0.95),
    walk_forward_folds: z.number().int().min(0).max(10),
    min_validation_pumps: z.number().int().min(1).max(10_000),
    min_validation_roc_auc: z.number().min(0.5).max(1),
    retrain_every_days: posInt.max(3650).nullable(),
    retrain_window_days: posInt.max(3650),
  }),
  entry_probability: fraction,
  max_candidates: posInt.max(1000),
  confirm_hours: hours.max(168),
  no_entry_after_spike_hours: z.number().int().min(0).max(87_600),
});

const clusters = z.strictObject({
  window_bars: bars.min(24),
  min_overlap_bars: bars,
  shrinkage: fraction,
  graph: z.strictObject({
    method: z.enum(['threshold', 'knn']),
    min_correlation: z.number().min(-1).max(1),
    knn_k: posInt.max(1000),
  }),
  resolution: positive.max(100),
  louvain_runs: posInt.max(1000),
  consensus_windows: posInt.max(100),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  rebalance_every_bars: bars,
});

const portfolio = z.strictObject({
  linkage: z.enum(['single', 'ward', 'average', 'complete']),
  max_asset_weight_pct: pct,
  max_cluster_weight_pct: pct,
  max_gross_exposure_pct: pct,
  max_turnover_pct: z.number().min(0).max(200),
  min_trade_notional_usd: usdAmount,
  full_size_probability: z.number().gt(0).max(1),
  entry_vol_target_annual_pct: z.number().gt(0).max(10_000).nullable(),
  rebalance_every_bars: bars,
});

/** Exits of pump entries (src/exits/): each rule is null to switch it off. */
const exits = z.strictObject({
  stop_loss_pct: z.number().gt(0).max(100).nullable(),
  take_profit_pct: z.number().gt(0).max(10_000).nullable(),
  take_profit_on_exchange: z.boolean(),
  trailing_stop: z.strictObject({ activate_pct: z.number().min(0).max(10_000), trail_pct: z.number().gt(0).max(100) }).nullable(),
  time_limit_grace_hours: z.number().int().min(0).max(87_600).nullable(),
  time_limit_min_gain_pct: z.number().min(0).max(100),
  time_limit_patience_hours: z.number().int().min(0).max(87_600),
  spike: z
    .strictObject({
      in_pump_detector: z.boolean(),
      surge_return_pct: z.number().gt(0).max(10_000),
      surge_volume_multiple: z.number().min(0).max(10_000),
    })
    .nullable(),
  cooldown_hours: z.number().int().min(0).max(87_600),
});

const risk = z.strictObject({
  adv_cap_pct: hardMax(HARD_LIMITS.advCapPct),
  max_position_adv_multiple: positive.max(100),
  max_drawdown_pct: hardMax(HARD_LIMITS.maxDrawdownPct),
  drawdown_soft_levels: z.array(z.strictObject({ drawdown_pct: pct, gross_scale: fraction })),
  on_max_drawdown: z.enum(['hold', 'reduce', 'flatten']),
  reduce_fraction: fraction,
  var: z.strictObject({
    level: z.number().gt(0.5).lt(1),
    lookback_days: posInt.max(3650),
    max_var_pct: pct,
  }),
  corr_spike: z.strictObject({
    short_window_bars: bars,
    long_window_bars: bars,
    threshold: z.number().min(0).max(2),
    gross_scale: fraction,
  }),
});

const execution = z.strictObject({
  client_order_prefix: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, { error: 'must be 2-8 lower-case letters/digits' }),
  order_type: z.enum(['limit', 'market']),
  max_slippage_bps: bps,
  slices_per_cycle: posInt.max(100),
  order_ttl_ms: ms,
  maker_fee_bps: z.number().min(-100).max(1000),
  taker_fee_bps: nonNegative.max(1000),
  buy_fee_asset: z.enum(['base', 'quote']),
  impact_coefficient: nonNegative.max(100),
  max_bar_volume_pct: pct,
  retries: z.strictObject({ max: z.number().int().min(0).max(10), base_delay_ms: ms, max_delay_ms: ms }),
  reconcile_tolerance_pct: pct,
});

const meta = z.strictObject({
  window_days: posInt.max(365),
  min_sharpe: z.number().min(-1e6).max(1e6),
  min_hit_rate: fraction,
  min_trades: z.number().int().min(0).max(1_000_000),
  min_days: days,
  on_halt: z.enum(['hold', 'flatten']),
  daily_audit_hour_utc: z.number().int().min(0).max(23),
  weekly_audit_weekday: z.number().int().min(0).max(6),
  auto_resume_after_days: z.number().gt(0).max(3650).nullable(),
  probation_gross_scale: z.number().gt(0).max(1),
});

const schedule = z.strictObject({
  bar_interval: barIntervalSchema,
  catch_up: z.enum(['skip', 'run']),
  shutdown_timeout_ms: ms,
  equity_curve_max_points: posInt.min(100).max(1_000_000),
  backtest_save_every_bars: bars,
});

const notify = z.strictObject({
  slack: z.strictObject({ min_interval_ms: nonNegative.max(86_400_000), daily_summary_hour_utc: z.number().int().min(0).max(23) }),
  sentry: z.strictObject({ environment: z.string().min(1), traces_sample_rate: fraction }),
  // port 0: any free port (the log says which)
  health: z.strictObject({ enabled: z.boolean(), host: z.literal('127.0.0.1'), port: z.number().int().min(0).max(65535) }),
  // loopback only: from another machine, through an SSH tunnel (README), never a public bind
  console: z.strictObject({ enabled: z.boolean(), host: z.literal('127.0.0.1'), port: z.number().int().min(0).max(65535), session_minutes: z.number().int().min(1).max(24 * 60) }),
  telegram: z.strictObject({ enabled: z.boolean(), allowed_chat_ids: z.array(z.number().int()).max(100), api_root: z.url({ protocol: /^https?$/ }).nullable() }),
});

const sim = z.strictObject({
  start: z.iso.datetime({ offset: false }),
  days: posInt.max(3650),
  seed: z.number().int().min(0).max(MAX_SEED),
  initial_cash_usd: positive.max(1e13),
  speed: nonNegative.max(1e7),
});

export const sleeveSchema = z.strictObject({
  enabled: z.boolean(),
  budget_pct_nav: hardMax(HARD_LIMITS.sleeveBudgetPctNav),
  budget_period_days: posInt.max(365),
  underlyings: z.array(z.enum(['BTC', 'ETH'])).min(1),
  min_dte_days: posInt.max(730),
  max_dte_days: posInt.max(730),
  delta_min: fraction,
  delta_max: fraction,
  include_puts: z.boolean(),
  max_spread_pct: pct,
  min_open_interest: nonNegative.max(1e9),
  roll_dte_days: nonNegative.max(730),
  take_profit_multiple: z.number().gt(1).max(1000),
  run_every_bars: bars,
});

export const configSchema = z
  .strictObject({
    universe,
    market,
    alpha,
    clusters,
    portfolio,
    exits,
    risk,
    execution,
    sleeve: sleeveSchema,
    meta,
    schedule,
    notify,
    sim,
  })
  .superRefine((c, ctx) => {
    if (c.universe.min_market_cap_usd >= c.universe.max_market_cap_usd)
      ctx.addIssue({ code: 'custom', path: ['universe', 'min_market_cap_usd'], message: 'must be below universe.max_market_cap_usd' });
    if (c.sleeve.min_dte_days > c.sleeve.max_dte_days)
      ctx.addIssue({ code: 'custom', path: ['sleeve', 'min_dte_days'], message: 'must be <= sleeve.max_dte_days' });
    if (c.sleeve.roll_dte_days >= c.sleeve.min_dte_days)
      ctx.addIssue({ code: 'custom', path: ['sleeve', 'roll_dte_days'], message: 'must be below sleeve.min_dte_days (an option would be rolled the day it is bought)' });
    if (c.sleeve.delta_min > c.sleeve.delta_max)
      ctx.addIssue({ code: 'custom', path: ['sleeve', 'delta_min'], message: 'must be <= sleeve.delta_max' });
    if (c.risk.corr_spike.short_window_bars >= c.risk.corr_spike.long_window_bars)
      ctx.addIssue({ code: 'custom', path: ['risk', 'corr_spike', 'short_window_bars'], message: 'must be below risk.corr_spike.long_window_bars' });
    if (c.market.synthetic.micro_cap_vol_annual_pct[0] > c.market.synthetic.micro_cap_vol_annual_pct[1])
      ctx.addIssue({ code: 'custom', path: ['market', 'synthetic', 'micro_cap_vol_annual_pct'], message: 'must be [low, high] with low <= high' });
    if (c.market.synthetic.garch_alpha + c.market.synthetic.garch_beta >= 1)
      ctx.addIssue({ code: 'custom', path: ['market', 'synthetic', 'garch_beta'], message: 'market.synthetic.garch_alpha + garch_beta must be below 1 (stationary volatility)' });
    if (c.market.synthetic.stress_days[0] > c.market.synthetic.stress_days[1])
      ctx.addIssue({ code: 'custom', path: ['market', 'synthetic', 'stress_days'], message: 'must be [shortest, longest] with shortest <= longest' });
    if (Date.parse(c.sim.start) % BAR_INTERVAL_MS[c.schedule.bar_interval] !== 0)
      ctx.addIssue({ code: 'custom', path: ['sim', 'start'], message: `must fall on a ${c.schedule.bar_interval} bar boundary (schedule.bar_interval)` });
    if (c.execution.order_ttl_ms > BAR_INTERVAL_MS[c.schedule.bar_interval] / 2)
      ctx.addIssue({ code: 'custom', path: ['execution', 'order_ttl_ms'], message: `must be at most half a bar (${BAR_INTERVAL_MS[c.schedule.bar_interval] / 2} ms for schedule.bar_interval ${c.schedule.bar_interval}): execution works its orders within the cycle` });
    if (c.execution.retries.base_delay_ms > c.execution.retries.max_delay_ms)
      ctx.addIssue({ code: 'custom', path: ['execution', 'retries', 'base_delay_ms'], message: 'must be <= execution.retries.max_delay_ms' });
    if (c.alpha.classifier.purge_hours < c.alpha.classifier.horizon_hours)
      ctx.addIssue({ code: 'custom', path: ['alpha', 'classifier', 'purge_hours'], message: 'must be >= alpha.classifier.horizon_hours (labels would leak across the gap)' });
    if (c.exits.take_profit_on_exchange && c.exits.take_profit_pct === null)
      ctx.addIssue({ code: 'custom', path: ['exits', 'take_profit_on_exchange'], message: 'needs exits.take_profit_pct (the price the order rests at); set it to false when take_profit_pct is null' });
    if (c.alpha.no_entry_after_spike_hours > 0 && c.exits.spike === null)
      ctx.addIssue({ code: 'custom', path: ['alpha', 'no_entry_after_spike_hours'], message: 'needs exits.spike (what a spike is); set it to 0 when exits.spike is null' });
    if (c.market.source === 'recorded' && !c.market.recorded_dir)
      ctx.addIssue({ code: 'custom', path: ['market', 'recorded_dir'], message: 'is required when market.source is recorded' });
    const levels = c.risk.drawdown_soft_levels;
    for (let i = 0; i < levels.length; i++) {
      if (levels[i]!.drawdown_pct >= c.risk.max_drawdown_pct)
        ctx.addIssue({ code: 'custom', path: ['risk', 'drawdown_soft_levels', i, 'drawdown_pct'], message: 'must be below risk.max_drawdown_pct' });
      if (i > 0 && levels[i]!.drawdown_pct <= levels[i - 1]!.drawdown_pct)
        ctx.addIssue({ code: 'custom', path: ['risk', 'drawdown_soft_levels', i, 'drawdown_pct'], message: `levels must increase (risk.drawdown_soft_levels.${i - 1}.drawdown_pct is ${levels[i - 1]!.drawdown_pct})` });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;
