import type { MarketInput } from '../domain/market.js';

/**
 * The pump model's features, in one place and in this order (the model file records the list). Per asset and bar:
 *
 * - z_volume, z_return, z_mentions: standardised one-step ARIMA residuals ("surprises") of log dollar volume, log
 *   return and log(1 + mentions), each clipped to +-10.
 * - sum{k}_volume, sum{k}_return, sum{k}_mentions: their rolling sums over the last k bars (alpha.features.rolling_sum_hours, in the run's bars).
 * - sentiment, sentiment_change: the score and its change over alpha.features.sentiment_change_hours (in bars).
 * - relative_return: the bar's log return minus the cross-sectional mean over the micro-caps (market-relative; the
 *   cluster-relative version arrives with the clusters).
 * - log_spread_bps, log_volume_to_adv (this bar's dollar volume x bars per day / ADV), log_market_cap.
 * - hour_sin, hour_cos, weekday_sin, weekday_cos of the bar's close (UTC).
 * - bars built from trades only: log_trades (log(1 + trade count)), buy_share (share of the quote volume bought by
 *   takers), log_rush_orders (log(1 + rush orders)), and their surprises z_trades, z_buy_share, z_rush_orders: the
 *   value against the mean and standard deviation of the asset's previous `windowBars` bars (0 until 24 bars of
 *   history), clipped to +-10.
 *
 * All are standardised with the training set's means and standard deviations (see Scaler). A model keeps only the
 * features whose inputs its training data had: without sentiment (exchange candles) the mentions and sentiment
 * features are left out, without market caps log_market_cap (see inputOf).
 */
export function featureNames(rollingSumBars: readonly number[], inputs: ReadonlySet<MarketInput> = FULL_INPUTS): string[] {
  return allFeatureNames(rollingSumBars).filter((f) => {
    const need = inputOf(f);
    return need === null || inputs.has(need);
  });
}

/** The inputs of the synthetic market: what a model file without an `inputs` list was trained on. */
export const FULL_INPUTS: ReadonlySet<MarketInput> = new Set<MarketInput>(['sentiment', 'marketCap']);

/** The optional input a feature needs besides candles and liquidity (null: none). */
export function inputOf(feature: string): MarketInput | null {
  if (feature.endsWith('_mentions') || feature === 'sentiment' || feature === 'sentiment_change') return 'sentiment';
  if (feature === 'log_market_cap') return 'marketCap';
  if (TRADE_FEATURES.includes(feature)) return 'trades';
  return null;
}

/** The features of bars built from trades (last in the vector, so older model files keep their indices). */
export const TRADE_FEATURES: readonly string[] = ['log_trades', 'buy_share', 'log_rush_orders', 'z_trades', 'z_buy_share', 'z_rush_orders'];

/** Every feature the engine computes, in order; a model keeps those its inputs allow. */
export function allFeatureNames(rollingSumBars: readonly number[]): string[] {
  const sums = rollingSumBars.flatMap((k) => [`sum${k}_volume`, `sum${k}_return`, `sum${k}_mentions`]);
  return [
    'z_volume',
    'z_return',
    'z_mentions',
    ...sums,
    'sentiment',
    'sentiment_change',
    'relative_return',
    'log_spread_bps',
    'log_volume_to_adv',
    'log_market_cap',
    'hour_sin',
    'hour_cos',
    'weekday_sin',
    'weekday_cos',
    ...TRADE_FEATURES,
  ];
}

/** Column means and standard deviations of the training rows; constant columns get sd 1. */
export interface Scaler {
  mean: number[];
  sd: number[];
}

export function fitScaler(rows: readonly number[][]): Scaler {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j]! += (r[j]! - mean[j]!) ** 2 / Math.max(1, rows.length - 1);
  return { mean, sd: sd.map((v) => (v > 1e-24 ? Math.sqrt(v) : 1)) };
}

export const scale = (row: readonly number[], s: Scaler): number[] => row.map((v, j) => (v - s.mean[j]!) / s.sd[j]!);
