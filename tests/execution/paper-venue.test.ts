import { describe, expect, it } from 'vitest';
import { maxNotionalWithinBandUsd } from '../../src/execution/cost-model.js';
import { PaperVenue } from '../../src/execution/paper-venue.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';

const model = { impactCoefficient: 0.1, makerFeeBps: 2, takerFeeBps: 10, maxBarVolumeFraction: 0.1 };

function snap(barVolumeUsd = 5_000_000): MarketSnapshot {
  return {
    cycle: 1,
    closeMs: 3_600_000,
    bars: { AAA: { openMs: 0, open: 1, high: 1, low: 1, close: 1, volumeBase: barVolumeUsd, volumeUsd: barVolumeUsd } },
    liquidity: { AAA: { marketCapUsd: 1e8, advUsd: 1_000_000, spreadBps: 40 } },
    sentiment: {},
    realizedVol: {},
  };
}

const order = (id: string, qty: number, side: 'buy' | 'sell' = 'buy', limitPriceUsd: number | null = null) => ({ clientOrderId: id, symbol: 'AAA', side, qty, type: limitPriceUsd === null ? ('market' as const) : ('limit' as const), limitPriceUsd, refPriceUsd: 1 });

describe('PaperVenue', () => {
  it('fills a known market order with the modelled slippage and fee, to the cent', async () => {
    const v = new PaperVenue(model, { cashUsd: 100_000, assets: {} });
    v.observe(snap());
    // 10 000 USD = 1 % of ADV: impact 100 bps + half spread 20 bps = 120 bps -> 1.012; fee 10 bps of 10 120
    const o = await v.submit(order('coce-1-AAA-b1', 10_000));
    expect(o).toMatchObject({ status: 'filled', filledQty: 10_000 });
    expect(o.avgFillPriceUsd.toFixed(6)).toBe('1.012000');
    expect(o.feeUsd.toFixed(2)).toBe('10.12');
    expect((await v.balances()).cashUsd.toFixed(2)).toBe('89869.88');
    expect((await v.balances()).assets).toEqual({ AAA: 10_000 });
    // selling it back: 10 000 x 1 x (1 - 0.012) = 9 880.00, fee 9.88
    const s = await v.submit(order('coce-1-AAA-s1', 10_000, 'sell'));
    expect(s.avgFillPriceUsd.toFixed(6)).toBe('0.988000');
    expect((await v.balances()).cashUsd.toFixed(2)).toBe('99740.00');
    expect((await v.balances()).assets).toEqual({});
  });

  it('fills a limit order only inside its band and cancels the rest (immediate-or-cancel)', async () => {
    // band 50 bps, half spread 20: impact may use 30 bps -> notional <= 1 M x (30 / 1000)^2 = 900 USD
    expect(maxNotionalWithinBandUsd(40, 1_000_000, 50, 0.1)).toBeCloseTo(900, 9);
    expect(maxNotionalWithinBandUsd(40, 1_000_000, 20, 0.1)).toBe(0);
    expect(maxNotionalWithinBandUsd(40, 1_000_000, 50, 0)).toBe(Infinity);
    const v = new PaperVenue(model, { cashUsd: 100_000, assets: {} });
    v.observe(snap());
    const o = await v.submit(order('coce-1-AAA-b1', 10_000, 'buy', 1.005));
    expect(o.status).toBe('canceled');
    expect(o.filledQty).toBeCloseTo(900, 9);
    expect(o.avgFillPriceUsd).toBeCloseTo(1.005, 12); // exactly at the band
    expect(o.feeUsd.toFixed(4)).toBe('0.9045');
  });

  it('shares the bar volume between orders of one bar and refuses what the account cannot pay', async () => {
    const v = new PaperVenue(model, { cashUsd: 10_000, assets: { AAA: 100 } });
    v.observe(snap(20_000)); // 10 % of 20 000 = 2 000 USD for the bar
    const a = await v.submit(order('a', 1_500));
    expect(a.filledQty).toBe(1_500);
    const b = await v.submit(order('b', 1_000)); // only 500 USD of the bar is left
    expect(b).toMatchObject({ status: 'canceled' });
    expect(b.filledQty).toBeCloseTo(500, 9);
    await expect(v.submit(order('a', 1))).rejects.toThrow('duplicate client order id a');
    v.observe(snap());
    await expect(v.submit(order('big', 9_000))).rejects.toMatchObject({ name: 'VenueError', action: 'skip' });
    await expect(v.submit(order('c', 5_000, 'sell'))).rejects.toThrow(/insufficient AAA/);
    v.observe(snap(20_000));
    const c = await v.submit(order('d', 1_000, 'sell'));
    expect(c.filledQty).toBeCloseTo(1_000, 9);
    v.observe({ ...snap(), bars: {} });
    expect((await v.submit(order('e', 1))).status).toBe('rejected');
    expect(await v.fetchOrder('e')).toMatchObject({ status: 'rejected' });
    expect(await v.fetchOrder('zzz')).toBeNull();
    expect(await v.openOrders()).toEqual([]);
    expect(await v.cancel('e')).toMatchObject({ status: 'rejected' });
  });
});
