import { z } from 'zod';
import { withRetry, type RetryOptions } from '../../utils/with-retry.js';
import { fetchJson } from './fetch-json.js';
import { MalformedResponseError } from './source-errors.js';

/** One row of CoinGecko's /coins/markets (the fields COCE uses; every number may be null there). */
export interface CoinMarket {
  id: string;
  /** Upper-case ticker. */
  symbol: string;
  priceUsd: number | null;
  marketCapUsd: number | null;
  volume24hUsd: number | null;
}

const num = z.number().nullable();
// The documented element; extra fields (sparkline, price_change_percentage_*) pass through unchecked.
const rowSchema = z.looseObject({
  id: z.string(),
  symbol: z.string(),
  name: z.string(),
  current_price: num,
  market_cap: num,
  total_volume: num,
});
const pageSchema = z.array(rowSchema);

export interface CoinGeckoOptions {
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  nowMs: () => number;
  perPage?: number;
  /** Retry transient failures and 429s (honouring Retry-After); none when absent. */
  retry?: Omit<RetryOptions, 'what'>;
}

/**
 * CoinGecko market caps and volumes. A key is sent as the demo header on api.coingecko.com and as the pro header on
 * pro-api.coingecko.com (each rejects the other's). Pages are read until an empty or short page or `maxPages`.
 */
export class CoinGeckoClient {
  constructor(private readonly o: CoinGeckoOptions) {}

  private headers(): Record<string, string> {
    if (this.o.apiKey === undefined) return {};
    const pro = new URL(this.o.baseUrl).host.startsWith('pro-api.');
    return { [pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: this.o.apiKey };
  }

  async marketsPage(page: number): Promise<CoinMarket[]> {
    const perPage = this.o.perPage ?? 250;
    const url = `${this.o.baseUrl.replace(/\/$/, '')}/coins/markets?vs_currency=usd&order=market_cap_desc&per_page=${perPage}&page=${page}&sparkline=false`;
    // Fetch and shape check together, so a garbled body is retried like any transient failure.
    const get = async () => {
      const { body } = await fetchJson(url, { headers: this.headers(), timeoutMs: this.o.timeoutMs, nowMs: this.o.nowMs });
      const parsed = pageSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new MalformedResponseError(`coingecko /coins/markets page ${page}: unexpected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      return parsed.data;
    };
    const data = this.o.retry === undefined ? await get() : await withRetry(get, { ...this.o.retry, what: `coingecko markets page ${page}` });
    return data.map((r) => ({
      id: r.id,
      symbol: r.symbol.toUpperCase(),
      priceUsd: r.current_price,
      marketCapUsd: r.market_cap,
      volume24hUsd: r.total_volume,
    }));
  }

  /** Every coin on up to `maxPages` pages, largest market cap first. */
  async markets(maxPages: number, page: (n: number) => Promise<CoinMarket[]> = (n) => this.marketsPage(n)): Promise<CoinMarket[]> {
    const perPage = this.o.perPage ?? 250;
    const out: CoinMarket[] = [];
    for (let p = 1; p <= maxPages; p++) {
      const rows = await page(p);
      out.push(...rows);
      if (rows.length < perPage) break;
    }
    return out;
  }
}
