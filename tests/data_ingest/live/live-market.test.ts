import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLiveMarket, createSpotExchange } from '../../../src/agent/build-engine.js';
import { warmUpMemory } from '../../../src/agent/warm-up.js';
import { qualityGate } from '../../../src/data_ingest/quality-gate.js';
import type { Config } from '../../../src/utils/config.js';
import { baseConfig, memoryLogger } from '../../helpers.js';
import { binanceRoutes, closeAt } from './binance-mock.js';
import { LoopbackServer } from './loopback-server.js';

const H = 3_600_000;
const cg = (symbol: string, cap: number, vol: number) => ({ id: symbol.toLowerCase(), symbol: symbol.toLowerCase(), name: symbol, current_price: 1, market_cap: cap, total_volume: vol });

describe('LiveMarket (testnet wiring) against loopback Binance, CoinGecko and X', () => {
  const srv = new LoopbackServer({
    ...binanceRoutes({ bases: ['BTC', 'ETH', 'ABC', 'XYZ', 'PEPE', 'BIGCAP'], nowMs: () => Date.now() }),
    '/cg/api/v3/coins/markets': (u) => ({
      body: u.searchParams.get('page') === '1' ? [cg('BTC', 1e12, 3e10), cg('ETH', 3e11, 1e10), cg('BIGCAP', 5e9, 1e9), cg('ABC', 5e7, 2e6), cg('XYZ', 8e6, 5e6), cg('PEPE', 1e6, 9e6)] : [],
    }),
    '/tw/2/tweets/counts/recent': (u) => {
      const start = u.searchParams.get('start_time')!;
      const end = u.searchParams.get('end_time')!;
      const n = u.searchParams.get('query')!.startsWith('$ABC') ? 40 : 3;
      return { body: { data: [{ start: start.replace('Z', '.000Z'), end: end.replace('Z', '.000Z'), tweet_count: n }], meta: { total_tweet_count: n } } };
    },
    '/tw/2/tweets/search/recent': () => ({ body: { data: [{ id: '1', text: '$ABC breakout, bullish' }], meta: { result_count: 1 } } }),
  });
  let cfg: Config;
  beforeAll(async () => {
    await srv.start();
    const base = baseConfig();
    cfg = {
      ...base,
      market: {
        ...base.market,
        sources: { ...base.market.sources, exchangeApiUrl: `${srv.base}/api/v3`, coingeckoBaseUrl: `${srv.base}/cg/api/v3`, twitterBaseUrl: `${srv.base}/tw`, sentimentTexts: true, requestTimeoutMs: 2000 },
      },
    };
  });
  afterAll(() => srv.stop());

  it('follows the majors and the most traded micro-caps in the cap band, and serves a full snapshot', async () => {
    const env = { secrets: { EXCHANGE_API_KEY: 'k-123456', EXCHANGE_API_SECRET: 's-123456', TWITTER_BEARER: 'b-123456' }, logLevel: 'info' as const };
    const { log } = memoryLogger();
    const market = await buildLiveMarket(cfg, await createSpotExchange(cfg, 'testnet', env), env, log, () => Promise.resolve());
    expect(market.name).toBe('live:binance');
    // PEPE: cap 1 M below the 2 M band; BIGCAP above 300 M; XYZ trades more than ABC
    expect(market.symbols()).toEqual(['BTC', 'ETH', 'XYZ', 'ABC']);
    const cycle = Math.floor(Date.now() / H) - 1; // the last closed bar
    const snap = await market.snapshot(cycle);
    expect(snap.closeMs).toBe((cycle + 1) * H);
    expect(Object.keys(snap.bars)).toEqual(['BTC', 'ETH', 'XYZ', 'ABC']);
    expect(snap.bars.ABC!.openMs).toBe(cycle * H);
    expect(snap.bars.ABC!.close).toBe(closeAt('ABC', cycle * H));
    expect(snap.liquidity.ABC!.marketCapUsd).toBe(5e7);
    // 30 days of 1000-unit bars: ADV = 24 x 1000 x average close
    expect(snap.liquidity.ABC!.advUsd / (24_000 * 1.5)).toBeGreaterThan(1);
    expect(snap.liquidity.ABC!.advUsd / (24_000 * 1.5)).toBeLessThan(1.07);
    expect(snap.liquidity.ABC!.spreadBps).toBeCloseTo(20, 6); // bid/ask at -/+ 0.1 %
    expect(snap.sentiment).toEqual({ BTC: { mentions: 0, score: 0 }, ETH: { mentions: 0, score: 0 }, XYZ: { mentions: 3, score: 1 }, ABC: { mentions: 40, score: 1 } });
    expect(snap.realizedVol.ABC).toBeGreaterThan(0);
    // the snapshot passes the data-quality gate; history warms it up
    const memory = warmUpMemory(await market.history!(cycle, 48), { barMs: H, maxStaleBars: 3, maxGapBars: 6, maxAbsLogReturn: 2.5 });
    expect(Object.keys(memory).sort()).toEqual(['ABC', 'BTC', 'ETH', 'XYZ']);
    const gate = qualityGate(snap, memory, { barMs: H, maxStaleBars: 3, maxGapBars: 6, maxAbsLogReturn: 2.5 });
    expect(gate.rejected).toEqual([]);
    // bars are cached: asking again re-reads only the last bar (one request per asset, in case it was still forming)
    const before = srv.count('/api/v3/klines');
    expect((await market.snapshot(cycle)).bars.ABC).toEqual(snap.bars.ABC);
    expect(srv.count('/api/v3/klines') - before).toBe(4);
    expect(srv.requests.filter((r) => r.path === '/api/v3/klines').at(-1)!.query.get('startTime')).toBe(String(cycle * H));
  });

  it('leaves out an asset whose bars fail, keeps going when quotes and sentiment fail', async () => {
    const env = { secrets: { EXCHANGE_API_KEY: 'k-123456', EXCHANGE_API_SECRET: 's-123456', TWITTER_BEARER: 'b-123456' }, logLevel: 'info' as const };
    const { log, lines } = memoryLogger();
    const market = await buildLiveMarket(cfg, await createSpotExchange(cfg, 'live', env), env, log, () => Promise.resolve());
    const cycle = Math.floor(Date.now() / H) - 1;
    srv.fail('/api/v3/ticker/24hr', ...Array.from({ length: 4 }, () => ({ status: 503, body: 'down', raw: true })));
    srv.fail('/api/v3/klines', { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } }); // not retried: BTC only
    srv.fail('/tw/2/tweets/counts/recent', ...Array.from({ length: 8 }, () => ({ status: 503, body: 'down', raw: true })));
    const snap = await market.snapshot(cycle);
    expect(Object.keys(snap.bars)).toEqual(['ETH', 'XYZ', 'ABC']); // BTC's klines were rejected
    expect(Number.isNaN(snap.liquidity.ABC!.spreadBps)).toBe(true);
    expect(Number.isNaN(snap.sentiment.XYZ!.mentions)).toBe(true);
    expect(lines.some((l) => l.includes('bars unavailable this cycle') && l.includes('BTC/USDT'))).toBe(true);
    expect(lines.some((l) => l.includes('quotes unavailable this cycle'))).toBe(true);
    expect(lines.join('')).not.toContain('s-123456');
    const gate = qualityGate(snap, {}, { barMs: H, maxStaleBars: 3, maxGapBars: 6, maxAbsLogReturn: 2.5 });
    expect(gate.rejected.map((r) => r.symbol)).toEqual(['ETH', 'XYZ', 'ABC']); // unknown spread: not tradable this cycle
  });
});
