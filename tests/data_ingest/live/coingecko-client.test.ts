import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoinGeckoClient } from '../../../src/data_ingest/live/coingecko-client.js';
import { MalformedResponseError, RateLimitedError } from '../../../src/data_ingest/live/source-errors.js';
import { memoryLogger } from '../../helpers.js';
import { LoopbackServer } from './loopback-server.js';

/** Shaped like CoinGecko's documented /coins/markets element (captured 2022 response, every number nullable). */
const coin = (id: string, symbol: string, cap: number | null, vol: number | null) => ({
  id,
  symbol,
  name: id,
  image: `https://assets.coingecko.com/coins/images/1/large/${id}.png`,
  current_price: 0.0867,
  market_cap: cap,
  market_cap_rank: null,
  fully_diluted_valuation: null,
  total_volume: vol,
  high_24h: 0.0879,
  low_24h: 0.0851,
  price_change_24h: -0.0009,
  price_change_percentage_24h: -1.02652,
  market_cap_change_24h: 0,
  market_cap_change_percentage_24h: 0,
  circulating_supply: 0,
  total_supply: 397622881.521035,
  max_supply: null,
  ath: 0.922537,
  ath_change_percentage: -90.6066,
  ath_date: '2020-02-06T22:44:34.222Z',
  atl: 0.00216099,
  atl_change_percentage: 3910.08759,
  atl_date: '2020-01-01T11:24:08.916Z',
  roi: null,
  last_updated: '2022-03-21T06:49:17.249Z',
});

const PAGES: Record<string, unknown[]> = {
  '1': [coin('bitcoin', 'btc', 7.7e11, 1.8e10), coin('pepe', 'pepe', 2e8, 5e7)],
  '2': [coin('bitcanna', 'bcna', null, 248346)],
};

describe('CoinGeckoClient against a loopback /coins/markets', () => {
  const srv = new LoopbackServer({ '/api/v3/coins/markets': (u) => ({ body: PAGES[u.searchParams.get('page')!] ?? [] }) });
  beforeAll(() => srv.start());
  afterAll(() => srv.stop());
  const client = (o: { apiKey?: string; retries?: number; base?: string } = {}) => {
    const { log } = memoryLogger();
    return new CoinGeckoClient({
      baseUrl: o.base ?? `${srv.base}/api/v3`,
      apiKey: o.apiKey,
      timeoutMs: 500,
      nowMs: () => 0,
      perPage: 2,
      ...(o.retries === undefined ? {} : { retry: { retries: o.retries, baseDelayMs: 1, maxDelayMs: 2000, sleep: () => Promise.resolve(), log } }),
    });
  };

  it('reads pages until a short page, sending the documented query and the demo key header', async () => {
    const rows = await client({ apiKey: 'CG-demo' }).markets(10);
    expect(rows).toEqual([
      { id: 'bitcoin', symbol: 'BTC', priceUsd: 0.0867, marketCapUsd: 7.7e11, volume24hUsd: 1.8e10 },
      { id: 'pepe', symbol: 'PEPE', priceUsd: 0.0867, marketCapUsd: 2e8, volume24hUsd: 5e7 },
      { id: 'bitcanna', symbol: 'BCNA', priceUsd: 0.0867, marketCapUsd: null, volume24hUsd: 248346 },
    ]);
    const first = srv.requests.find((r) => r.path === '/api/v3/coins/markets')!;
    expect(Object.fromEntries(first.query)).toEqual({ vs_currency: 'usd', order: 'market_cap_desc', per_page: '2', page: '1', sparkline: 'false' });
    expect(first.headers['x-cg-demo-api-key']).toBe('CG-demo');
    expect(srv.count('/api/v3/coins/markets')).toBe(2);
  });

  it('stops at an empty page, and at maxPages', async () => {
    const c = client();
    expect(await c.markets(5, (n) => (n === 1 ? c.marketsPage(1) : Promise.resolve([])))).toHaveLength(2);
    expect(await c.markets(1)).toHaveLength(2);
  });

  it('sends the pro header to a pro-api host', () => {
    const c = client({ apiKey: 'CG-pro', base: 'https://pro-api.coingecko.com/api/v3' });
    expect((c as unknown as { headers(): Record<string, string> }).headers()).toEqual({ 'x-cg-pro-api-key': 'CG-pro' });
  });

  it('retries a 429 (Retry-After honoured) and a Cloudflare HTML page, then succeeds', async () => {
    srv.fail(
      '/api/v3/coins/markets',
      { status: 429, body: { status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } }, headers: { 'retry-after': '1' } },
      { body: '<html>Just a moment...</html>', raw: true },
    );
    expect(await client({ retries: 3 }).marketsPage(2)).toHaveLength(1);
    srv.fail('/api/v3/coins/markets', { status: 429, body: {}, headers: { 'retry-after': '119' } });
    const e = await client().marketsPage(1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(119_000);
  });

  it('rejects a body of the wrong shape, naming where', async () => {
    srv.fail('/api/v3/coins/markets', { body: { status: 'ok' } });
    const e = await client().marketsPage(1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MalformedResponseError);
    expect((e as Error).message).toBe('coingecko /coins/markets page 1: unexpected shape at (root): Invalid input: expected array, received object');
    srv.fail('/api/v3/coins/markets', { body: [{ id: 'x', symbol: 'x', name: 'x', current_price: 'cheap', market_cap: 1, total_volume: 1 }] });
    await expect(client().marketsPage(1)).rejects.toThrow('unexpected shape at 0.current_price');
  });
});
