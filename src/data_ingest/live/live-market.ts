import type { Logger } from '../../utils/logger.js';
import { DAY_MS, YEAR_MS } from '../../utils/time.js';
import type { Bar, MarketDataSource, MarketInput, MarketSnapshot } from '../market-data-source.js';
import type { CcxtSpotFeed, Quote } from './ccxt-spot-feed.js';
import type { CoinGeckoClient } from './coingecko-client.js';
import { lexiconSentiment } from './lexicon-sentiment.js';
import { cashtagQuery, type TwitterClient } from './twitter-client.js';

export interface LiveMarketOptions {
  name: string;
  barMs: number;
  majors: readonly string[];
  /** Micro-caps followed (bars, quotes, sentiment), chosen by 24 h volume within the market-cap band. */
  maxTracked: number;
  minMarketCapUsd: number;
  maxMarketCapUsd: number;
  coingeckoPages: number;
  liquidityRefreshMs: number;
  /** Also score recent tweet texts with the lexicon (one more request per asset and bar). */
  sentimentTexts: boolean;
  nowMs: () => number;
  log: Logger;
}

const HISTORY_DAYS = 30;

/**
 * The MarketDataSource of testnet and live: bars from the exchange through ccxt, market caps from CoinGecko, mention
 * counts (and optionally a lexicon score) from X. Each asset's failure is its own: it is logged and the asset is
 * left out of the snapshot (the data-quality gate reports it); the cycle goes on. Liquidity and realised volatility
 * are computed from the last 30 days of bars kept in memory.
 */
export class LiveMarket implements MarketDataSource {
  readonly name: string;
  /** Market caps from CoinGecko; sentiment when X is configured. */
  readonly inputs: ReadonlySet<MarketInput>;
  readonly quote: string;
  private tracked: { base: string; symbol: string }[] = [];
  private readonly bars = new Map<string, Bar[]>();
  private caps = new Map<string, number>();
  /** Last known bid/ask spread per asset: a failed tickers call keeps it rather than blocking every asset. */
  private readonly spreads = new Map<string, number>();
  private capsAtMs = -Infinity;

  constructor(
    private readonly spot: CcxtSpotFeed,
    private readonly coingecko: CoinGeckoClient,
    private readonly twitter: TwitterClient | null,
    private readonly o: LiveMarketOptions,
  ) {
    this.name = o.name;
    this.quote = spot.quote;
    this.inputs = new Set<MarketInput>(twitter === null ? ['marketCap'] : ['marketCap', 'sentiment']);
  }

  symbols(): string[] {
    return this.tracked.map((t) => t.base);
  }

  /** Markets and market caps, and the assets to follow: the majors, then the most traded micro-caps in the band. */
  async init(): Promise<void> {
    const markets = await this.spot.markets();
    await this.refreshCaps(true);
    const coins = await this.coingecko.markets(this.o.coingeckoPages);
    const volume = new Map<string, number>();
    for (const c of coins) if (!volume.has(c.symbol)) volume.set(c.symbol, c.volume24hUsd ?? 0);
    const majors = this.o.majors.filter((m) => markets.has(m)).map((base) => ({ base, symbol: markets.get(base)! }));
    const micro = [...markets.entries()]
      .filter(([base]) => !this.o.majors.includes(base))
      .filter(([base]) => {
        const cap = this.caps.get(base);
        return cap !== undefined && cap >= this.o.minMarketCapUsd && cap <= this.o.maxMarketCapUsd;
      })
      .sort((a, b) => (volume.get(b[0]) ?? 0) - (volume.get(a[0]) ?? 0) || (a[0] < b[0] ? -1 : 1))
      .slice(0, this.o.maxTracked)
      .map(([base, symbol]) => ({ base, symbol }));
    this.tracked = [...majors, ...micro];
    this.o.log.info({ markets: markets.size, tracked: this.tracked.length }, 'live market initialised');
  }

  private async refreshCaps(force = false): Promise<void> {
    if (!force && this.o.nowMs() - this.capsAtMs < this.o.liquidityRefreshMs) return;
    try {
      const coins = await this.coingecko.markets(this.o.coingeckoPages);
      const caps = new Map<string, number>();
      // Tickers are not unique on CoinGecko: the largest market cap (listed first) wins.
      for (const c of coins) if (!caps.has(c.symbol) && c.marketCapUsd !== null && c.marketCapUsd > 0) caps.set(c.symbol, c.marketCapUsd);
      this.caps = caps;
      this.capsAtMs = this.o.nowMs();
    } catch (err) {
      if (force) throw err;
      this.o.log.warn({ err: (err as Error).message, ageMs: this.o.nowMs() - this.capsAtMs }, 'market caps not refreshed; keeping the last ones');
    }
  }

  private async updateBars(base: string, symbol: string, untilMs: number): Promise<Bar[]> {
    const have = this.bars.get(base) ?? [];
    // The last cached bar is fetched again: if it was cached while still forming (clock skew), it is replaced.
    const sinceMs = have.length > 0 ? have.at(-1)!.openMs : untilMs - HISTORY_DAYS * DAY_MS;
    const fresh = sinceMs < untilMs ? await this.spot.bars(symbol, sinceMs, untilMs) : [];
    const keepFrom = untilMs - HISTORY_DAYS * DAY_MS;
    const firstFresh = fresh[0]?.openMs ?? Infinity;
    const all = [...have.filter((b) => b.openMs < firstFresh), ...fresh].filter((b) => b.openMs >= keepFrom);
    this.bars.set(base, all);
    return all;
  }

  private liquidityOf(base: string, hist: readonly Bar[], quote: Quote | undefined, snap: MarketSnapshot): void {
    const days = Math.max(1, (hist.length * this.o.barMs) / DAY_MS);
    const advUsd = hist.reduce((s, b) => s + b.volumeUsd, 0) / days;
    if (quote?.bid && quote.ask && quote.ask >= quote.bid) this.spreads.set(base, (1e4 * (quote.ask - quote.bid)) / ((quote.ask + quote.bid) / 2));
    const spreadBps = this.spreads.get(base) ?? Number.NaN;
    snap.liquidity[base] = { marketCapUsd: this.caps.get(base) ?? Number.NaN, advUsd, spreadBps };
    let sumSq = 0;
    for (let i = 1; i < hist.length; i++) sumSq += Math.log(hist[i]!.close / hist[i - 1]!.close) ** 2;
    if (hist.length > 1) snap.realizedVol[base] = Math.sqrt((sumSq / (hist.length - 1)) * (YEAR_MS / this.o.barMs));
  }

  async snapshot(cycle: number): Promise<MarketSnapshot> {
    const openMs = cycle * this.o.barMs;
    const closeMs = openMs + this.o.barMs;
    const snap: MarketSnapshot = { cycle, closeMs, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
    await this.refreshCaps();
    let quotes: Record<string, Quote> = {};
    try {
      quotes = await this.spot.quotes(this.tracked.map((t) => t.symbol));
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'quotes unavailable this cycle: last known spreads kept');
    }
    for (const { base, symbol } of this.tracked) {
      let hist: Bar[];
      try {
        hist = await this.updateBars(base, symbol, closeMs);
      } catch (err) {
        this.o.log.warn({ symbol, err: (err as Error).message }, 'bars unavailable this cycle');
        continue;
      }
      const last = hist.at(-1);
      if (last === undefined) continue;
      snap.bars[base] = last; // an older bar than this cycle's is reported stale by the gate
      this.liquidityOf(base, hist, quotes[symbol], snap);
      snap.sentiment[base] = await this.sentimentOf(base, openMs, closeMs);
    }
    return snap;
  }

  private async sentimentOf(base: string, startMs: number, endMs: number): Promise<{ mentions: number; score: number }> {
    if (this.twitter === null || this.o.majors.includes(base)) return { mentions: 0, score: 0 };
    try {
      const buckets = await this.twitter.hourlyCounts(cashtagQuery(base), startMs, endMs);
      const mentions = buckets.reduce((s, b) => s + b.tweets, 0);
      const score = this.o.sentimentTexts && mentions > 0 ? lexiconSentiment(await this.twitter.recentTexts(cashtagQuery(base), 20)) : 0;
      return { mentions, score };
    } catch (err) {
      this.o.log.warn({ base, err: (err as Error).message }, 'sentiment unavailable this cycle');
      return { mentions: Number.NaN, score: Number.NaN };
    }
  }

  /** Snapshots of past bars (market caps as of now, no sentiment): warm-up for the gate and models. */
  async history(beforeCycle: number, bars: number): Promise<MarketSnapshot[]> {
    const fromMs = (beforeCycle - bars) * this.o.barMs;
    const untilMs = beforeCycle * this.o.barMs;
    const byCycle = new Map<number, MarketSnapshot>();
    for (const { base, symbol } of this.tracked) {
      let hist: Bar[];
      try {
        hist = await this.updateBars(base, symbol, untilMs);
      } catch (err) {
        this.o.log.warn({ symbol, err: (err as Error).message }, 'history unavailable');
        continue;
      }
      // History only warms up the gate (listing age, last close): liquidity is the window's, spreads are unknown.
      const advUsd = hist.reduce((s, b) => s + b.volumeUsd, 0) / Math.max(1, (hist.length * this.o.barMs) / DAY_MS);
      for (const b of hist) {
        if (b.openMs < fromMs || b.openMs >= untilMs) continue;
        const c = b.openMs / this.o.barMs;
        const snap = byCycle.get(c) ?? { cycle: c, closeMs: b.openMs + this.o.barMs, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
        snap.bars[base] = b;
        snap.liquidity[base] = { marketCapUsd: this.caps.get(base) ?? Number.NaN, advUsd, spreadBps: 0 };
        byCycle.set(c, snap);
      }
    }
    return [...byCycle.values()].sort((a, b) => a.cycle - b.cycle);
  }
}
