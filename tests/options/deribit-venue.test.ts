import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeribitExchange, DeribitOptionsVenue } from '../../src/options/deribit-venue.js';
import { LoopbackDeribit } from './loopback-deribit.js';

describe('DeribitOptionsVenue through the real ccxt deribit client against a loopback Deribit', () => {
  const dx = new LoopbackDeribit({ clientId: 'fake-id-123', secret: 'fake-secret-456', index: { BTC: 60_000, ETH: 3_000 }, vol: 0.6, deliveries: { btc_usd: [{ date: '2026-01-02', delivery_price: 61_234.5 }] } });
  let venue: DeribitOptionsVenue;
  beforeAll(async () => {
    await dx.start();
    venue = new DeribitOptionsVenue(await createDeribitExchange({ sandbox: true, apiKey: 'fake-id-123', secret: 'fake-secret-456', apiUrl: dx.base, timeoutMs: 2000, rateLimitMs: 1 }));
    await venue.init();
  });
  afterAll(() => dx.stop());

  it('reads the chain and single quotes in the inverse convention', async () => {
    const chain = await venue.chain('BTC');
    expect(chain.length).toBe(dx.chains.BTC!.length);
    const want = dx.chains.BTC!.find((q) => q.bid > 0 && q.type === 'call')!;
    const got = chain.find((q) => q.instrument === want.instrument)!;
    expect(got).toMatchObject({ underlying: 'BTC', strike: want.strike, type: 'call', bid: want.bid, ask: want.ask, indexUsd: 60_000, openInterest: want.openInterest });
    expect(got.mark).toBeCloseTo(want.mark, 15);
    expect(got.markIv).toBeCloseTo(want.markIv, 12);
    expect(await venue.quote(want.instrument, Date.now())).toMatchObject({ instrument: want.instrument, ask: want.ask });
    expect(await venue.quote('BTC-1JAN20-1000-C', Date.now())).toBeNull(); // expired
    expect(await venue.quote('BTC-1JAN99-1000-C', Date.now())).toBeNull(); // never listed (after a reload)
  });

  it('buys and sells with signed private requests, and finds settlement prices', async () => {
    const q = dx.chains.ETH!.find((x) => x.bid > 0 && x.type === 'call')!;
    const f = await venue.trade(q.instrument, 'buy', 3, q.ask);
    expect(f).toMatchObject({ instrument: q.instrument, side: 'buy', qty: 3, priceCoin: q.ask, indexUsd: 3_000 });
    expect(f.feeCoin).toBeCloseTo(Math.min(0.0003, 0.125 * q.ask) * 3, 12);
    expect(dx.orders.at(-1)).toMatchObject({ instrument: q.instrument, direction: 'buy', amount: 3, label: 'coce-sleeve' });
    await expect(venue.trade(q.instrument, 'buy', 1, q.ask / 2)).rejects.toMatchObject({ name: 'VenueError' });
    expect(await venue.positions(['ETH', 'BTC'])).toEqual({ [q.instrument]: 3 });
    const s = await venue.trade(q.instrument, 'sell', 3, q.bid);
    expect(s.priceCoin).toBe(q.bid);
    expect(await venue.positions(['ETH'])).toEqual({});
    expect(await venue.settlementUsd('BTC', Date.UTC(2026, 0, 2, 8))).toBe(61_234.5);
    expect(await venue.settlementUsd('BTC', Date.UTC(2026, 0, 9, 8))).toBeNull();
    expect(dx.requests.filter((r) => r.startsWith('/api/v2/private/') && !r.endsWith('get_positions'))).toEqual(['/api/v2/private/buy', '/api/v2/private/buy', '/api/v2/private/sell']);
  });

  it('refuses requests with a wrong signature', async () => {
    const bad = new DeribitOptionsVenue(await createDeribitExchange({ sandbox: true, apiKey: 'fake-id-123', secret: 'wrong', apiUrl: dx.base, timeoutMs: 2000, rateLimitMs: 1 }));
    await bad.init();
    const q = dx.chains.BTC!.find((x) => x.bid > 0)!;
    await expect(bad.trade(q.instrument, 'buy', 0.1, q.ask)).rejects.toMatchObject({ name: 'VenueError', action: 'halt' });
  });
});
