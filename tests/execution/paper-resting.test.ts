import { describe, expect, it } from 'vitest';
import { PaperVenue } from '../../src/execution/paper-venue.js';
import { restingFill } from '../../src/execution/resting-fill.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';

const model = { impactCoefficient: 0.1, makerFeeBps: 2, takerFeeBps: 10, maxBarVolumeFraction: 0.1 };

/** One bar of AAA: open and close 1, the given high and low, 100 000 USD of volume. */
function bar(high: number, low = 0.9, volumeUsd = 100_000, cycle = 1): MarketSnapshot {
  return {
    cycle,
    closeMs: (cycle + 1) * 3_600_000,
    bars: { AAA: { openMs: cycle * 3_600_000, open: 1, high, low, close: 1, volumeBase: volumeUsd, volumeUsd } },
    liquidity: { AAA: { marketCapUsd: 1e8, advUsd: 1_000_000, spreadBps: 40 } },
    sentiment: {},
    realizedVol: {},
  };
}

const takeProfit = (id: string, qty: number, limitPriceUsd: number) => ({ clientOrderId: id, symbol: 'AAA', side: 'sell' as const, qty, type: 'limit' as const, limitPriceUsd, refPriceUsd: 1, timeInForce: 'gtc' as const });

describe('restingFill', () => {
  it('fills only through the price, at the price, as a maker, within the volume beyond it', () => {
    // a touch is not a fill
    expect(restingFill('sell', 1000, 1.2, { high: 1.2, low: 0.9, volumeUsd: 100_000 }, model)).toBeNull();
    expect(restingFill('sell', 1000, 1.2, { high: 1.1, low: 0.9, volumeUsd: 100_000 }, model)).toBeNull();
    // high 1.5, low 0.9: 0.3 of the 0.6 range lies beyond 1.2 -> 10 % x 100 000 x 0.5 = 5 000 USD = 4 166.67 coins
    const f = restingFill('sell', 10_000, 1.2, { high: 1.5, low: 0.9, volumeUsd: 100_000 }, model)!;
    expect(f.qty.toFixed(2)).toBe('4166.67');
    expect(f.priceUsd).toBe(1.2);
    expect(f.feeUsd.toFixed(2)).toBe('1.00'); // 2 bps of 5 000
    // a small order fills whole
    expect(restingFill('sell', 100, 1.2, { high: 1.5, low: 0.9, volumeUsd: 100_000 }, model)!.qty).toBe(100);
    // a buy rests below: filled when the low goes through it
    expect(restingFill('buy', 100, 0.95, { high: 1.1, low: 0.9, volumeUsd: 100_000 }, model)!.qty).toBe(100);
    expect(restingFill('buy', 100, 0.9, { high: 1.1, low: 0.9, volumeUsd: 100_000 }, model)).toBeNull();
    expect(restingFill('sell', 100, 1.2, { high: 1.5, low: 1.5, volumeUsd: 100_000 }, model)).toBeNull(); // no range
  });
});

describe('PaperVenue resting orders', () => {
  it('rests a good-till-cancelled sell above the market, holds its coins back and fills it in a later bar', async () => {
    const v = new PaperVenue(model, { cashUsd: 1_000, assets: { AAA: 10_000 } });
    v.observe(bar(1.05));
    const o = await v.submit(takeProfit('coce-1-AAA-t1', 6_000, 1.2));
    expect(o).toMatchObject({ status: 'open', filledQty: 0 });
    expect(await v.openOrders('coce-')).toHaveLength(1);
    // only 4 000 coins are free
    await expect(v.submit({ ...takeProfit('coce-1-AAA-s1', 5_000, 0.99), timeInForce: undefined })).rejects.toThrow(/insufficient AAA: selling 5000, holding 10000 of which 6000 in resting orders/);
    // the next bar does not reach it: still open, nothing moved
    v.observe(bar(1.19, 0.9, 100_000, 2));
    expect((await v.fetchOrder('coce-1-AAA-t1'))!.status).toBe('open');
    expect((await v.balances()).assets).toEqual({ AAA: 10_000 });
    // a spike to 1.5 (range 0.9-1.5): 5 000 USD fill at 1.2 = 4 166.67 coins, 1.00 USD maker fee
    v.observe(bar(1.5, 0.9, 100_000, 3));
    const p = (await v.fetchOrder('coce-1-AAA-t1'))!;
    expect(p.status).toBe('partially_filled');
    expect(p.filledQty.toFixed(2)).toBe('4166.67');
    expect(p.avgFillPriceUsd).toBe(1.2);
    expect((await v.balances()).cashUsd.toFixed(2)).toBe('5999.00');
    // saved and restored with the book: a restarted venue goes on with the same order
    const restored = new PaperVenue(model, v.book());
    expect(v.book().resting).toHaveLength(1);
    restored.observe(bar(1.5, 0.9, 100_000, 4));
    const done = (await restored.fetchOrder('coce-1-AAA-t1'))!;
    expect(done.status).toBe('filled');
    expect(done.filledQty).toBeCloseTo(6_000, 9);
    expect(done.avgFillPriceUsd).toBeCloseTo(1.2, 12);
    expect((await restored.balances()).assets.AAA).toBeCloseTo(4_000, 6);
    expect((await restored.balances()).cashUsd.toFixed(2)).toBe('8198.56'); // 1 000 + 7 200 - 1.44 fees
    // a filled order is gone from the book after its bar
    restored.observe(bar(1.5, 0.9, 100_000, 5));
    expect(restored.book().resting).toBeUndefined();
    expect(await restored.fetchOrder('coce-1-AAA-t1')).toBeNull();
  });

  it('cancels a resting order, which frees its coins; a marketable good-till-cancelled order fills now', async () => {
    const v = new PaperVenue(model, { cashUsd: 1_000, assets: { AAA: 1_000 } });
    v.observe(bar(1.05));
    await v.submit(takeProfit('coce-1-AAA-t1', 1_000, 1.2));
    const c = (await v.cancel('coce-1-AAA-t1'))!;
    expect(c.status).toBe('canceled');
    v.observe(bar(1.5, 0.9, 100_000, 2)); // a cancelled order never fills
    expect((await v.balances()).assets).toEqual({ AAA: 1_000 });
    // at or below the market it crosses at once like any limit order
    const now = await v.submit(takeProfit('coce-2-AAA-t1', 100, 0.99));
    expect(now.status).toBe('filled');
    expect(await v.openOrders('coce-')).toEqual([]);
  });

  it('rests a buy below the market against the cash it may spend', async () => {
    const v = new PaperVenue(model, { cashUsd: 1_000, assets: {} });
    v.observe(bar(1.05));
    const b = await v.submit({ ...takeProfit('coce-1-AAA-b1', 500, 0.95), side: 'buy' });
    expect(b.status).toBe('open');
    await expect(v.submit({ ...takeProfit('coce-1-AAA-b2', 600, 0.95), side: 'buy' })).rejects.toThrow(/insufficient cash for a resting buy/);
    v.observe(bar(1.1, 0.9, 100_000, 2));
    const f = (await v.fetchOrder('coce-1-AAA-b1'))!;
    expect(f).toMatchObject({ status: 'filled', filledQty: 500, avgFillPriceUsd: 0.95 });
    expect((await v.balances()).cashUsd.toFixed(4)).toBe('524.9050'); // 1 000 - 475 - 0.095
  });
});
