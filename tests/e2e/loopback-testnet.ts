/**
 * Everything a testnet run reads, on loopback: the Binance exchange (tests/execution/loopback-binance.ts) with
 * CoinGecko and X on the same server, fake keys, and a config that points every source at it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_YAML } from '../helpers.js';
import { LoopbackBinance, type FaultRates } from '../execution/loopback-binance.js';

export const KEY = 'fake-testnet-key-1234';
export const SECRET = 'fake-testnet-secret-5678';
export const env = { EXCHANGE_API_KEY: KEY, EXCHANGE_API_SECRET: SECRET, TWITTER_BEARER: 'fake-bearer-9999' };
const cg = (symbol: string, cap: number, vol: number) => ({ id: symbol.toLowerCase(), symbol: symbol.toLowerCase(), name: symbol, current_price: 1, market_cap: cap, total_volume: vol });

/** The loopback exchange with CoinGecko and X on the same server: everything a testnet run reads. */
export function exchange(onAcceptWithheld?: (id: string) => void, o: { faults?: FaultRates; seed?: number } = {}) {
  return new LoopbackBinance({
    ...o,
    apiKey: KEY,
    secret: SECRET,
    bases: ['BTC', 'ETH', 'ABC', 'XYZ'],
    cashUsdt: 100_000,
    feeRate: 0.001,
    // ABC trades ~6 M USD a day, so its held 3 000 USD can be sold within the ADV cap in one cycle
    barVolume: { ABC: 170_000, XYZ: 2e9 },
    holdings: { ABC: 2_000 },
    ...(onAcceptWithheld ? { onAcceptWithheld } : {}),
    extraRoutes: {
      '/cg/api/v3/coins/markets': (u) => ({ body: u.searchParams.get('page') === '1' ? [cg('BTC', 1e12, 3e10), cg('ETH', 3e11, 1e10), cg('ABC', 5e7, 6e6), cg('XYZ', 8e6, 5e6)] : [] }),
      '/tw/2/tweets/counts/recent': (u) => ({ body: { data: [{ start: u.searchParams.get('start_time'), end: u.searchParams.get('end_time'), tweet_count: 3 }], meta: { total_tweet_count: 3 } } }),
    },
  });
}

export function config(dir: string, base: string, deribit = 'http://127.0.0.1:1'): string {
  const file = join(dir, 'testnet.yaml');
  writeFileSync(
    file,
    readFileSync(BASE_YAML, 'utf8')
      .replace('exchange_api_url: null', `exchange_api_url: ${base}/api/v3`)
      .replace('deribit_api_url: null', `deribit_api_url: ${deribit}`)
      .replace(/coingecko_base_url: \S+/, `coingecko_base_url: ${base}/cg/api/v3`)
      .replace(/twitter_base_url: \S+/, `twitter_base_url: ${base}/tw`)
      .replace(/request_timeout_ms: 10000/, 'request_timeout_ms: 1500')
      .replace(/order_ttl_ms: 600000/, 'order_ttl_ms: 200')
      .replace(/base_delay_ms: 500/, 'base_delay_ms: 10')
      .replace(/coingecko_pages: 4 /, 'coingecko_pages: 1 '),
  );
  return file;
}
