import { UsageError } from '../../utils/errors.js';
import type { Logger } from '../../utils/logger.js';
import { withRetry, type Sleep } from '../../utils/with-retry.js';
import type { Bar } from '../market-data-source.js';
import { mapCcxtError } from './ccxt-errors.js';
import { MalformedResponseError } from './source-errors.js';

/** The part of a ccxt exchange this feed uses (a real ccxt instance, or a fake in tests). */
export interface SpotExchange {
  loadMarkets(reload?: boolean): Promise<Record<string, { symbol: string; base: string; quote: string; active?: boolean | undefined; spot?: boolean | undefined }>>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<(number | undefined)[][]>;
  fetchTickers(symbols?: string[]): Promise<Record<string, { bid?: number | undefined; ask?: number | undefined; last?: number | undefined; quoteVolume?: number | undefined }>>;
}

export interface SpotFeedOptions {
  quote: string;
  barMs: number;
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  log: Logger;
}

export interface Quote {
  bid: number | null;
  ask: number | null;
  last: number | null;
}

const TIMEFRAME: Record<number, string> = { 300_000: '5m', 3_600_000: '1h' };
const PAGE = 1000;
/** At most this many pages per call (1000 bars each): a server that never ends a window cannot loop us. */
const MAX_PAGES = 100;

export interface CcxtExchangeOptions {
  exchangeId: string;
  sandbox: boolean;
  apiKey?: string | undefined;
  secret?: string | undefined;
  /** Replace the exchange's REST base (a proxy, or a local test server). */
  apiUrl?: string | null;
  timeoutMs: number;
  rateLimitMs?: number;
}

/** Build a ccxt exchange; ccxt is imported here, lazily (0.3-0.5 s and ~80 MB), only in testnet/live. */
export async function createCcxtExchange(o: CcxtExchangeOptions): Promise<SpotExchange> {
  const ccxt = (await import('ccxt')).default as unknown as Record<string, new (cfg: object) => SpotExchange & { setSandboxMode(on: boolean): void; urls: Record<string, Record<string, string>> }>;
  const Ctor = ccxt[o.exchangeId];
  if (typeof Ctor !== 'function') throw new UsageError(`universe.exchange "${o.exchangeId}" is not a ccxt exchange id`);
  const ex = new Ctor({
    enableRateLimit: true,
    ...(o.rateLimitMs === undefined ? {} : { rateLimit: o.rateLimitMs }),
    timeout: o.timeoutMs,
    ...(o.apiKey === undefined ? {} : { apiKey: o.apiKey, secret: o.secret }),
    // one request per loadMarkets: spot only, no currency or margin discovery (signed sapi calls with keys)
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  });
  if (o.sandbox) ex.setSandboxMode(true);
  if (o.apiUrl) {
    for (const k of Object.keys(ex.urls.api ?? {})) ex.urls.api![k] = o.apiUrl.replace(/\/$/, '');
  }
  return ex;
}

/**
 * Spot bars and quotes through ccxt: markets of the configured quote currency, OHLCV paged by `since` (ccxt's own
 * pagination counts back from now and ignores `since`), tickers in one call. Every call is retried on transient
 * errors; an unknown symbol is not.
 */
export class CcxtSpotFeed {
  private marketsLoaded = false;
  /** The quote currency of the pairs it follows. */
  get quote(): string {
    return this.o.quote;
  }
  private readonly timeframe: string;

  constructor(
    private readonly ex: SpotExchange,
    private readonly o: SpotFeedOptions,
  ) {
    const tf = TIMEFRAME[o.barMs];
    if (tf === undefined) throw new RangeError(`no ccxt timeframe for ${o.barMs} ms bars`);
    this.timeframe = tf;
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          throw mapCcxtError(err, what);
        }
      },
      { retries: this.o.retries, baseDelayMs: this.o.baseDelayMs, maxDelayMs: this.o.maxDelayMs, sleep: this.o.sleep, log: this.o.log, what },
    );
  }

  /** Active spot markets quoted in the configured currency: base ticker -> unified symbol. */
  async markets(): Promise<Map<string, string>> {
    const markets = await this.call('loadMarkets', async () => {
      // a failed loadMarkets stays cached inside ccxt until reloaded
      const m = await this.ex.loadMarkets(!this.marketsLoaded);
      if (Object.keys(m).length === 0) throw new MalformedResponseError('loadMarkets returned no markets');
      return m;
    });
    this.marketsLoaded = true;
    const out = new Map<string, string>();
    for (const m of Object.values(markets)) {
      if (m.quote === this.o.quote && m.active !== false && m.spot !== false) out.set(m.base, m.symbol);
    }
    return out;
  }

  /** Closed bars of `symbol` opening in [sinceMs, untilMs), oldest first. */
  async bars(symbol: string, sinceMs: number, untilMs: number): Promise<Bar[]> {
    const out: Bar[] = [];
    let since = sinceMs;
    for (let page = 0; since < untilMs && page < MAX_PAGES; page++) {
      const rows = await this.call(`fetchOHLCV ${symbol}`, () => this.ex.fetchOHLCV(symbol, this.timeframe, since, PAGE));
      for (const r of rows) {
        const [t, open, high, low, close, volumeBase] = r as number[];
        if (t === undefined || t < since || t + this.o.barMs > untilMs) continue;
        // A row with a missing or non-finite field is dropped here, before it can poison 30 days of ADV.
        if (![open, high, low, close, volumeBase].every((v) => v !== undefined && Number.isFinite(v))) continue;
        out.push({ openMs: t, open: open!, high: high!, low: low!, close: close!, volumeBase: volumeBase!, volumeUsd: volumeBase! * close! });
      }
      const last = rows.at(-1)?.[0];
      if (rows.length < PAGE || last === undefined || last + this.o.barMs <= since) break; // a page that does not advance ends it
      since = last + this.o.barMs;
    }
    return out;
  }

  async quotes(symbols: string[]): Promise<Record<string, Quote>> {
    const t = await this.call('fetchTickers', () => this.ex.fetchTickers(symbols));
    const out: Record<string, Quote> = {};
    for (const s of symbols) {
      const q = t[s];
      if (q !== undefined) out[s] = { bid: q.bid ?? null, ask: q.ask ?? null, last: q.last ?? null };
    }
    return out;
  }
}
