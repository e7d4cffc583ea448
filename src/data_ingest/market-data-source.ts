import type { MarketInput, MarketSnapshot } from '../domain/market.js';

export type { Bar, Liquidity, MarketInput, MarketSnapshot, Sentiment, TradeStats } from '../domain/market.js';

/**
 * The one way market data reaches the engine. The synthetic market, recorded files and the live loaders (CCXT,
 * CoinGecko, Twitter) all implement it, so every mode runs the same decision code.
 */
export interface MarketDataSource {
  /** Short name recorded in state.json (a resumed run must use the same source). */
  readonly name: string;
  /** Connect and choose the assets to follow (live sources); called once before anything else. */
  init?(): Promise<void>;
  /** The optional inputs this source serves (market caps, sentiment, trade statistics). */
  readonly inputs: ReadonlySet<MarketInput>;
  /** The currency prices and amounts are in (USDT, BTC...). */
  readonly quote: string;
  /** Tickers this source can serve, majors first. */
  symbols(): string[];
  /** The snapshot at the close of `cycle` (see utils/time.ts for cycle ids). */
  snapshot(cycle: number): Promise<MarketSnapshot>;
  /** Up to `bars` snapshots of the cycles before `beforeCycle`, oldest first (what the source can serve). */
  history?(beforeCycle: number, bars: number): Promise<MarketSnapshot[]>;
  /** The start-up has read all the history it needs: a source may drop what it kept to serve it. */
  historyDone?(): void;
  close?(): Promise<void>;
}
