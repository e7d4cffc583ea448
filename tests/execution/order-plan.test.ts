import { describe, expect, it } from 'vitest';
import { clientOrderId, parseClientOrderId } from '../../src/execution/client-order-id.js';
import { applyFill } from '../../src/execution/ledger.js';
import { limitPrice, planOrders, sliceQty } from '../../src/execution/order-plan.js';

const S = { orderType: 'limit' as const, maxSlippageBps: 50, minTradeNotionalUsd: 25, dustUsd: 1, advCap: 0.01 };

describe('planOrders', () => {
  it('moves the held book to the target at this bar prices: sells first, whole exits, small moves dropped', () => {
    const plan = planOrders(
      {
        navUsd: 100_000,
        heldQty: { A: 1_000, B: 500, C: 10, D: 0.5 },
        pricesUsd: { A: 10, B: 20, C: 1, D: 1, E: 4 },
        advUsd: { A: 1e7, B: 1e7, C: 1e7, D: 1e7, E: 1e7 },
        targetWeights: { A: 0.15, B: 0.0999, E: 0.05, C: 0 },
      },
      S,
    );
    // A: 15 000 / 10 = 1 500 -> buy 500; B: 9 990 / 20 = 499.5 -> sell 0.5 (10 USD, under 25: dropped);
    // C: target 0 -> sell all 10 (10 USD: exits are exempt from the minimum); D: 0.5 USD is dust; E: buy 1 250
    expect(plan.sells).toEqual([{ symbol: 'C', side: 'sell', qty: 10, refPriceUsd: 1, limitPriceUsd: 0.995, advUsd: 1e7 }]);
    expect(plan.buys.map((o) => [o.symbol, o.qty])).toEqual([
      ['A', 500],
      ['E', 1_250],
    ]);
    expect(plan.buys[0]!.limitPriceUsd).toBeCloseTo(10.05, 12);
    expect(plan.buys[1]!.limitPriceUsd).toBeCloseTo(4.02, 12);
    expect(plan.skipped).toEqual([{ symbol: 'B', reason: 'move of 10.00 USD under the minimum trade' }]);
  });

  it('cuts an order to the ADV cap at its worst accepted price and skips assets without a price', () => {
    const plan = planOrders({ navUsd: 1e6, heldQty: {}, pricesUsd: { A: 1 }, advUsd: { A: 1e6 }, targetWeights: { A: 0.1, Z: 0.1 } }, S);
    // cap 1 % of 1 M = 10 000 USD at 1.005 -> 9 950.248... units
    expect(plan.buys[0]!.qty).toBeCloseTo(10_000 / 1.005, 9);
    expect(plan.buys[0]!.qty * plan.buys[0]!.limitPriceUsd!).toBeCloseTo(10_000, 9);
    expect(plan.skipped.map((s) => s.symbol)).toEqual(['A', 'Z']);
    expect(plan.skipped[1]!.reason).toBe('no price this bar');
    const market = planOrders({ navUsd: 1e4, heldQty: { A: 10 }, pricesUsd: { A: 2 }, advUsd: { A: 1e9 }, targetWeights: {} }, { ...S, orderType: 'market' });
    expect(market.sells[0]).toMatchObject({ qty: 10, limitPriceUsd: null });
  });

  it('slices into equal children of at least the minimum trade, and prices the band per side', () => {
    const p = { symbol: 'A', side: 'buy' as const, qty: 100, refPriceUsd: 1, limitPriceUsd: 1.005, advUsd: 1e6 };
    expect(sliceQty(p, 4, 25)).toEqual([25, 25, 25, 25]);
    expect(sliceQty(p, 4, 40)).toEqual([50, 50]);
    expect(sliceQty({ ...p, qty: 10 }, 4, 25)).toEqual([10]);
    expect(limitPrice('buy', 100, 50)).toBeCloseTo(100.5, 12);
    expect(limitPrice('sell', 100, 50)).toBeCloseTo(99.5, 12);
  });
});

describe('client order ids', () => {
  it('are deterministic, exchange-safe, and parse back; foreign ids parse to null', () => {
    const id = clientOrderId('coce', 491_035, 'PEPE', 'b2');
    expect(id).toBe('coce-491035-PEPE-b2');
    expect(parseClientOrderId(id, 'coce')).toEqual({ prefix: 'coce', cycle: 491_035, symbol: 'PEPE', leg: 'b2' });
    expect(parseClientOrderId('x-TKT5PX2F662cde7a90114475b86e21', 'coce')).toBeNull();
    expect(() => clientOrderId('coce', 1, 'A VERY LONG SYMBOL NAME WITH SPACES', 'b1')).toThrow(/not valid on exchanges/);
  });
});

describe('applyFill', () => {
  it('averages entries, realises P&L net of both fees, and closes the round trip once flat', () => {
    let book = { cashUsd: 1_000, positions: {} };
    let r = applyFill(book, { symbol: 'A', side: 'buy', qty: 10, priceUsd: 10, feeUsd: 0.1, cycle: 5 }, 1);
    r = applyFill(r, { symbol: 'A', side: 'buy', qty: 10, priceUsd: 12, feeUsd: 0.12, cycle: 6 }, 1);
    expect(r.positions.A).toEqual({ qty: 20, avgEntryPriceUsd: 11, lastPriceUsd: 12, openedCycle: 5, realizedPnlUsd: -0.22 });
    expect(r.cashUsd).toBeCloseTo(1_000 - 100.1 - 120.12, 10);
    r = applyFill(r, { symbol: 'A', side: 'sell', qty: 5, priceUsd: 13, feeUsd: 0.065, cycle: 7 }, 1);
    expect(r.closed).toBeNull();
    expect(r.positions.A!.realizedPnlUsd).toBeCloseTo(-0.22 + 10 - 0.065, 12);
    r = applyFill(r, { symbol: 'A', side: 'sell', qty: 15, priceUsd: 9, feeUsd: 0.135, cycle: 8 }, 1);
    // round trip: -0.22 + (13 - 11) x 5 - 0.065 + (9 - 11) x 15 - 0.135 = -20.42
    expect(r.closed).toEqual({ closedCycle: 8, symbol: 'A', openedCycle: 5, pnlUsd: expect.closeTo(-20.42, 10) as number });
    expect(r.positions).toEqual({});
    book = r;
    // dust left behind stays in the book (it matches the venue) but the trade is closed
    r = applyFill(book, { symbol: 'B', side: 'buy', qty: 100, priceUsd: 1, feeUsd: 0, cycle: 9 }, 1);
    r = applyFill(r, { symbol: 'B', side: 'sell', qty: 99.6, priceUsd: 1, feeUsd: 0, cycle: 10 }, 1);
    expect(r.closed).toMatchObject({ symbol: 'B', pnlUsd: 0 });
    expect(r.positions.B).toMatchObject({ realizedPnlUsd: 0 })
    expect(r.positions.B!.qty).toBeCloseTo(0.4, 12);;
    r = applyFill(r, { symbol: 'B', side: 'buy', qty: 10, priceUsd: 2, feeUsd: 0, cycle: 11 }, 1);
    expect(r.positions.B).toMatchObject({ avgEntryPriceUsd: 2, openedCycle: 11 });
    // a sale state did not know of: booked so the book follows the venue (the reconciliation reports it)
    const q = applyFill(r, { symbol: 'Q', side: 'sell', qty: 10, priceUsd: 2, feeUsd: 0.02, cycle: 12 }, 1);
    expect(q.positions.Q).toMatchObject({ qty: -10 });
    expect(q.closed).toBeNull();
    // a buyer's fee taken in coins: fewer coins, the fee booked as cost at the fill price
    const c = applyFill({ cashUsd: 100, positions: {} }, { symbol: 'C', side: 'buy', qty: 10, priceUsd: 2, feeUsd: 0, feeBaseQty: 0.01, cycle: 1 }, 1);
    expect(c.cashUsd).toBe(80);
    expect(c.positions.C).toMatchObject({ qty: 9.99, avgEntryPriceUsd: 2, realizedPnlUsd: -0.02 });
    const cs = applyFill(c, { symbol: 'C', side: 'sell', qty: 9.99, priceUsd: 3, feeUsd: 0.02997, cycle: 2 }, 1);
    // cash P&L: 9.99 x 3 - 0.02997 - 20 = 9.94003
    expect(cs.closed!.pnlUsd).toBeCloseTo(cs.cashUsd - 100, 10);
    expect(cs.closed!.pnlUsd).toBeCloseTo(9.94003, 10);
  });
});
