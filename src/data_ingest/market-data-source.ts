/** One closed bar of an asset, prices in the quote currency (USD-like). */
export interface Bar {
  openMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Traded volume in the asset's own units and in USD. */
  volumeBase: number;
  volumeUsd: number;
}

export interface Liquidity {
  marketCapUsd: number;
  /** 30-day average daily dollar volume. */
  advUsd: number;
  spreadBps: number;
}

export interface Sentiment {
  /** Mentions in the bar. */
  mentions: number;
  /** Average sentiment score in [-1, 1]. */
  score: number;
}

/** What the engine sees at one bar close. Assets missing from `bars` had no usable bar this cycle. */
export interface MarketSnapshot {
  cycle: number;
  closeMs: number;
  bars: Record<string, Bar>;
  liquidity: Record<string, Liquidity>;
  sentiment: Record<string, Sentiment>;
  /** Realised volatility of log returns over the last 30 days, annualised (0.7 = 70 %). */
  realizedVol: Record<string, number>;
}

/**
 * The one way market data reaches the engine. The synthetic market, recorded files and the live loaders (CCXT,
 * CoinGecko, Twitter) all implement it, so every mode runs the same decision code.
 */
export interface MarketDataSource {
  /** Short name recorded in state.json (a resumed run must use the same source). */
  readonly name: string;
  /** Connect and choose the assets to follow (live sources); called once before anything else. */
  init?(): Promise<void>;
  /** Tickers this source can serve, majors first. */
  symbols(): string[];
  /** The snapshot at the close of `cycle` (see utils/time.ts for cycle ids). */
  snapshot(cycle: number): Promise<MarketSnapshot>;
  /** Up to `bars` snapshots of the cycles before `beforeCycle`, oldest first (what the source can serve). */
  history?(beforeCycle: number, bars: number): Promise<MarketSnapshot[]>;
  close?(): Promise<void>;
}
