/**
 * The market as every part of COCE sees it: plain data the pure core (alpha, network_analysis, portfolio,
 * risk_guardrails) and the adapters (data sources, recorded files, state) share. Prices and amounts are in the
 * run's quote currency; fields named ...Usd hold quote units (USD for USD-stablecoin pairs, BTC for BTC pairs).
 */

/** One closed bar of an asset. */
export interface Bar {
  openMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Traded volume in the asset's own units and in the quote currency. */
  volumeBase: number;
  volumeUsd: number;
}

export interface Liquidity {
  /** Market capitalisation; null where the source has none (exchange candles): the cap band is not applied then. */
  marketCapUsd: number | null;
  /** 30-day average daily volume in the quote currency. */
  advUsd: number;
  spreadBps: number;
}

export interface Sentiment {
  /** Mentions in the bar. */
  mentions: number;
  /** Average sentiment score in [-1, 1]. */
  score: number;
}

/** What a bar built from raw trades adds: how it traded. */
export interface TradeStats {
  trades: number;
  /** Share of the quote volume that was bought by takers (0..1). */
  buyShare: number;
  /** Taker buy orders filled in several trades (trades of one side that share a millisecond). */
  rushOrders: number;
}

/** What the engine sees at one bar close. Assets missing from `bars` had no usable bar this cycle. */
export interface MarketSnapshot {
  cycle: number;
  closeMs: number;
  bars: Record<string, Bar>;
  liquidity: Record<string, Liquidity>;
  /** Absent for an asset (or a whole source) without sentiment. */
  sentiment: Record<string, Sentiment>;
  /** Realised volatility of log returns over the last 30 days, annualised (0.7 = 70 %). */
  realizedVol: Record<string, number>;
  /** Present only for bars built from trades. */
  tradeStats?: Record<string, TradeStats>;
}

/** Optional inputs a source may or may not have; a model lists the ones it needs. */
export type MarketInput = 'sentiment' | 'marketCap' | 'trades';
export const MARKET_INPUTS: readonly MarketInput[] = ['sentiment', 'marketCap', 'trades'];
