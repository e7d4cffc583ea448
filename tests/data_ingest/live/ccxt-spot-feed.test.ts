import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapCcxtError } from '../../../src/data_ingest/live/ccxt-errors.js';
import { CcxtSpotFeed, createCcxtExchange, type SpotExchange } from '../../../src/data_ingest/live/ccxt-spot-feed.js';
import { MalformedResponseError, RateLimitedError, RejectedRequestError, TransientSourceError } from '../../../src/data_ingest/live/source-errors.js';
import { memoryLogger } from '../../helpers.js';
import { binanceRoutes, closeAt } from './binance-mock.js';
import { LoopbackServer } from './loopback-server.js';

const H = 3_600_000;
const NOW = Date.parse('2026-01-10T12:30:00Z');

describe('CcxtSpotFeed: the real ccxt binance client against a loopback Binance', () => {
  const srv = new LoopbackServer(binanceRoutes({ bases: ['BTC', 'ETH', 'ABC', 'XYZ'], nowMs: () => NOW, extraSymbols: [{ symbol: 'ABCBTC', status: 'TRADING', baseAsset: 'ABC', quoteAsset: 'BTC', filters: [], orderTypes: ['LIMIT'], permissions: [] }] }));
  const waits: number[] = [];
  let feed: CcxtSpotFeed;
  beforeAll(async () => {
    await srv.start();
    const ex = await createCcxtExchange({ exchangeId: 'binance', sandbox: true, apiKey: 'key-123456', secret: 'sec-123456', apiUrl: `${srv.base}/api/v3`, timeoutMs: 400, rateLimitMs: 1 });
    feed = new CcxtSpotFeed(ex, { quote: 'USDT', barMs: H, retries: 2, baseDelayMs: 5, maxDelayMs: 20, sleep: (ms) => (waits.push(ms), Promise.resolve()), log: memoryLogger().log });
  });
  afterAll(() => srv.stop());

  it('loads spot markets of the quote currency with one request, even with keys (no sapi, no futures)', async () => {
    const m = await feed.markets();
    expect([...m.entries()]).toEqual([
      ['BTC', 'BTC/USDT'],
      ['ETH', 'ETH/USDT'],
      ['ABC', 'ABC/USDT'],
      ['XYZ', 'XYZ/USDT'],
    ]);
    expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v3/exchangeInfo']);
  });

  it('pages OHLCV by since and keeps only closed bars in the window', async () => {
    const since = NOW - 1500 * H - (NOW % H);
    const until = Math.floor(NOW / H) * H; // the bar now forming is excluded
    const bars = await feed.bars('ABC/USDT', since, until);
    expect(bars).toHaveLength(1500);
    expect(bars[0]!.openMs).toBe(since);
    expect(bars.at(-1)!.openMs).toBe(until - H);
    expect(bars[10]!.close).toBe(closeAt('ABC', since + 10 * H));
    expect(bars[10]!.volumeUsd).toBe(1000 * bars[10]!.close);
    const pages = srv.requests.filter((r) => r.path === '/api/v3/klines');
    expect(pages.map((p) => [p.query.get('symbol'), p.query.get('interval'), p.query.get('limit'), Number(p.query.get('startTime'))])).toEqual([
      ['ABCUSDT', '1h', '1000', since],
      ['ABCUSDT', '1h', '1000', since + 1000 * H],
    ]);
  });

  it('reads bid and ask for many symbols in one call', async () => {
    const q = await feed.quotes(['ABC/USDT', 'XYZ/USDT']);
    const last = closeAt('ABC', Math.floor(NOW / H) * H);
    expect(q['ABC/USDT']!.bid).toBeCloseTo(last * 0.999, 12);
    expect(q['ABC/USDT']!.ask).toBeCloseTo(last * 1.001, 12);
    expect(Object.keys(q)).toEqual(['ABC/USDT', 'XYZ/USDT']);
  });

  it('retries 429/418/5xx/timeouts with backoff, never an unknown symbol', async () => {
    const since = Math.floor(NOW / H) * H - 3 * H;
    srv.fail('/api/v3/klines', { status: 429, body: { code: -1003, msg: 'Too many requests.' }, headers: { 'retry-after': '7' } }, { status: 503, body: 'Service Unavailable', raw: true });
    waits.length = 0;
    expect(await feed.bars('ABC/USDT', since, since + 3 * H)).toHaveLength(3);
    expect(waits).toEqual([5, 10]);
    srv.fail('/api/v3/klines', { status: 418, body: { code: -1003, msg: 'IP banned' } }, { status: 500, body: '<html>', raw: true }, { body: null, hang: true });
    await expect(feed.bars('ABC/USDT', since, since + 3 * H)).rejects.toThrow(TransientSourceError);
    const before = srv.count('/api/v3/klines');
    srv.fail('/api/v3/klines', { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    await expect(feed.bars('ABC/USDT', since, since + 3 * H)).rejects.toThrow(RejectedRequestError);
    expect(srv.count('/api/v3/klines')).toBe(before + 1);
    await expect(feed.bars('NOPE/USDT', since, since + H)).rejects.toThrow(RejectedRequestError); // ccxt refuses locally
  });

  it('treats a garbled ticker body as malformed, and an empty market list as an error that reloads next time', async () => {
    srv.fail('/api/v3/ticker/24hr', { body: '{"oops":', raw: true }, { body: '{"oops":', raw: true }, { body: '{"oops":', raw: true });
    await expect(feed.quotes(['ABC/USDT'])).rejects.toThrow(MalformedResponseError);
    const ex = await createCcxtExchange({ exchangeId: 'binance', sandbox: false, apiUrl: `${srv.base}/api/v3`, timeoutMs: 400, rateLimitMs: 1 });
    const fresh = new CcxtSpotFeed(ex, { quote: 'USDT', barMs: H, retries: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve(), log: memoryLogger().log });
    srv.fail('/api/v3/exchangeInfo', { body: '<html>', raw: true }, { body: '<html>', raw: true }, { body: '<html>', raw: true });
    await expect(fresh.markets()).rejects.toThrow('loadMarkets returned no markets');
    expect((await fresh.markets()).size).toBe(4);
  });

  it('drops rows with missing values and stops a pagination that does not advance', async () => {
    let calls = 0;
    const ex: SpotExchange = {
      loadMarkets: () => Promise.resolve({}),
      fetchTickers: () => Promise.resolve({}),
      fetchOHLCV: (_s, _tf, since) => {
        calls++;
        const old = (n: number) => Array.from({ length: n }, (_, i) => [since! - 5000 * H + i * H, 1, 1, 1, 1, 10]);
        // first page: old rows, a row with no volume at `since`, one good row; second page: only old rows (broken)
        return Promise.resolve(calls === 1 ? [...old(998), [since!, 1, 1, 1, 1, undefined], [since! + H, 2, 2, 2, 2, 5]] : old(1000));
      },
    };
    const f = new CcxtSpotFeed(ex, { quote: 'USDT', barMs: H, retries: 0, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve(), log: memoryLogger().log });
    const bars = await f.bars('A/USDT', 100 * H, 110 * H);
    expect(bars.map((b) => b.openMs)).toEqual([101 * H]); // the NaN-volume row at `since` is dropped
    expect(calls).toBe(2); // the second page starts at 102 h and ends where it began: stop
    expect(() => new CcxtSpotFeed(ex, { quote: 'USDT', barMs: 60_000, retries: 0, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve(), log: memoryLogger().log })).toThrow('no ccxt timeframe for 60000 ms bars');
  });

  it('maps ccxt error classes by name', () => {
    class NetworkError extends Error {}
    class DDoSProtection extends NetworkError {}
    class ExchangeError extends Error {}
    class BadSymbol extends ExchangeError {}
    expect(mapCcxtError(new DDoSProtection('x'), 'op')).toBeInstanceOf(RateLimitedError);
    expect(mapCcxtError(new NetworkError('x'), 'op')).toBeInstanceOf(TransientSourceError);
    expect(mapCcxtError(new BadSymbol('x'), 'op')).toBeInstanceOf(RejectedRequestError);
    expect(mapCcxtError(new TypeError('x'), 'op')).toBeInstanceOf(MalformedResponseError);
    const other = new RangeError('x');
    expect(mapCcxtError(other, 'op')).toBe(other);
    expect(mapCcxtError('text', 'op').message).toBe('op: text');
  });

  it('refuses an unknown exchange id', async () => {
    await expect(createCcxtExchange({ exchangeId: 'nope', sandbox: false, timeoutMs: 100 })).rejects.toThrow('universe.exchange "nope" is not a ccxt exchange id');
  });
});
