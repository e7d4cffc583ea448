import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionStep } from '../../src/agent/steps/execution-step.js';
import { OrderSyncStep } from '../../src/agent/steps/order-sync-step.js';
import { CcxtVenue, type TradingExchange } from '../../src/execution/ccxt-venue.js';
import { createCcxtExchange } from '../../src/data_ingest/live/ccxt-spot-feed.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { MemoryOrderJournal } from '../../src/state/order-journal.js';
import { createRng } from '../../src/utils/rng.js';
import { freshState, H, makeContext, type RecordedEvent } from '../agent/context.js';
import { memoryLogger } from '../helpers.js';
import { LoopbackBinance, type FaultRates } from './loopback-binance.js';

const KEY = 'loopback-key-123';
const SECRET = 'loopback-secret-456';
const BASES = ['ABC', 'BIGCAP', 'XYZ'];

async function setup(faults: FaultRates, seed: number) {
  const ex = await new LoopbackBinance({ apiKey: KEY, secret: SECRET, bases: BASES, cashUsdt: 100_000, feeRate: 0.001, faults, seed }).start();
  const ccxt = await createCcxtExchange({ exchangeId: 'binance', sandbox: false, apiKey: KEY, secret: SECRET, apiUrl: `${ex.base}/api/v3`, timeoutMs: 300, rateLimitMs: 1 });
  const { log } = memoryLogger();
  const venue = new CcxtVenue(ccxt as unknown as TradingExchange, { quote: 'USDT', takerFeeBps: 10, buyFeeAsset: 'base', log });
  // loading markets is not what is under test here: no faults until the run starts
  const saved = ex.faults;
  ex.faults = {};
  await venue.init();
  ex.faults = saved;
  return { ex, venue, log };
}

function snapshot(ex: LoopbackBinance, cycle: number): MarketSnapshot {
  const bars: MarketSnapshot['bars'] = {};
  const liquidity: MarketSnapshot['liquidity'] = {};
  for (const b of BASES) {
    const p = ex.price(b);
    bars[b] = { openMs: cycle * H, open: p, high: p, low: p, close: p, volumeBase: 1e9 / p, volumeUsd: 1e9 };
    liquidity[b] = { marketCapUsd: 1e8, advUsd: 1e9, spreadBps: 20 };
  }
  return { cycle, closeMs: (cycle + 1) * H, bars, liquidity, sentiment: {}, realizedVol: {} };
}

/** Cycles of random target books through order sync and execution on the real ccxt client, until `orders` orders. */
async function trade(ex: LoopbackBinance, venue: CcxtVenue, log: ReturnType<typeof memoryLogger>['log'], orders: number, seed: number) {
  const place = { retries: 4, baseDelayMs: 1, maxDelayMs: 4, sleep: () => Promise.resolve(), log };
  let now = 0;
  const nowMs = () => (now += 1_000);
  const journal = new MemoryOrderJournal();
  const sync = new OrderSyncStep(venue, journal, { prefix: 'coce', orderTtlMs: 10_000, reconcileTolerance: 1e-9, dustUsd: 1, tracked: new Set(BASES), place, nowMs });
  const exec = new ExecutionStep(venue, journal, { prefix: 'coce', orderType: 'limit', maxSlippageBps: 50, minTradeNotionalUsd: 25, dustUsd: 1, advCap: 0.01, slicesPerCycle: 2, orderTtlMs: 10_000, takerFeeBps: 10, maxVar: 1, place, nowMs, wait: () => Promise.resolve(), restingTakeProfitPct: null });
  const state = freshState(100_000);
  const events: RecordedEvent[] = [];
  const rng = createRng(seed);
  let cycle = 1_000;
  for (; ex.orders.size < orders; cycle++) {
    const r = makeContext({ snapshot: snapshot(ex, cycle), state });
    await sync.run(r.c);
    r.c.approvedWeights = Object.fromEntries(BASES.map((b) => [b, rng.next() < 0.3 ? 0 : rng.next() * 0.3]));
    await exec.run(r.c);
    state.lastCompletedCycle = cycle;
    events.push(...r.events);
    if (state.killSwitch.state === 'halted') break;
  }
  // a last, fault-free sync settles orders whose fate was unknown
  ex.faults = {};
  const last = makeContext({ snapshot: snapshot(ex, cycle), state });
  await sync.run(last.c);
  events.push(...last.events);
  return { state, events, cycles: cycle - 1_000 };
}

describe('CcxtVenue through the real ccxt binance client against a misbehaving loopback exchange', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  it('rounds an amount below the market precision (0.1) to nothing instead of throwing, whatever the hour', async () => {
    const { ex, venue } = await setup({}, 1);
    stop = () => ex.stop();
    expect(venue.roundQty('BIGCAP', 0.04, 10)).toBe(0);
    expect(venue.roundQty('BIGCAP', 3.27, 10)).toBe(3.2);
  });

  it('500 orders with 10 % timeouts after accept, 5 % 429 and 5 % 5xx: no duplicate, no lost order, balances = state', async () => {
    const { ex, venue, log } = await setup({ timeoutAfterAccept: 0.1, rateLimit: 0.05, serverError: 0.05 }, 1);
    stop = () => ex.stop();
    const { state, events } = await trade(ex, venue, log, 500, 7);
    expect(ex.orders.size).toBeGreaterThanOrEqual(500);
    expect(ex.faultsInjected.timeoutAfterAccept).toBeGreaterThan(30);
    expect(ex.faultsInjected.rateLimit).toBeGreaterThan(20);
    expect(ex.faultsInjected.serverError).toBeGreaterThan(20);
    // no duplicate: no accepted order was ever sent again (a lookup by client id always came first)
    expect(ex.duplicateSubmissions).toEqual([]);
    // no lost order: every order the exchange accepted is one COCE recorded as placed or adopted, and is settled
    const known = new Set(events.filter((e) => e.type === 'order_placed' || e.type === 'order_adopted').map((e) => e.fields.clientOrderId as string));
    for (const id of ex.orders.keys()) expect(known.has(id), id).toBe(true);
    expect(state.openOrders).toEqual([]);
    expect(events.filter((e) => e.type === 'order_adopted').length).toBeGreaterThan(30); // the timed-out ones
    // the book in state equals the exchange's balances, with no reconciliation ever needed (tolerance 1e-9 of NAV)
    expect(events.filter((e) => e.type === 'reconcile_mismatch' || e.type === 'halt')).toEqual([]);
    const adjusted = events.filter((e) => e.type === 'reconcile_adjusted').map((e) => e.fields.mismatchUsd as number);
    expect(Math.max(0, ...adjusted)).toBeLessThan(1e-6); // fee rounding to 8 decimals at most
    if (process.env.COCE_TEST_VERBOSE) console.log({ orders: ex.orders.size, submissions: ex.submissions.length, faults: ex.faultsInjected, adopted: events.filter((e) => e.type === 'order_adopted').length, adjusted: adjusted.length, fills: events.filter((e) => e.type === 'fill').length });
    expect(state.cashUsd).toBeCloseTo(ex.balances.get('USDT')!, 6);
    for (const b of BASES) expect(state.positions[b]?.qty ?? 0).toBeCloseTo(ex.balances.get(b) ?? 0, 6);
  }, 120_000);

  it('partial fills, rejects, dropped answers and 418s: the same guarantees, and resting remainders are worked', async () => {
    const { ex, venue, log } = await setup({ partialFill: 0.25, reject: 0.05, dropAfterAccept: 0.05, banned: 0.03 }, 2);
    stop = () => ex.stop();
    const { state, events } = await trade(ex, venue, log, 150, 11);
    expect(ex.faultsInjected.partialFill).toBeGreaterThan(20);
    expect(ex.faultsInjected.reject).toBeGreaterThan(2);
    expect(ex.faultsInjected.dropAfterAccept).toBeGreaterThan(2);
    expect(ex.duplicateSubmissions).toEqual([]);
    const known = new Set(events.filter((e) => e.type === 'order_placed' || e.type === 'order_adopted').map((e) => e.fields.clientOrderId as string));
    for (const id of ex.orders.keys()) expect(known.has(id), id).toBe(true);
    // a partly filled order rests, and its remainder fills when it is next looked at: two fills for one order
    const fillsPerOrder = new Map<string, number>();
    for (const e of events.filter((x) => x.type === 'fill')) fillsPerOrder.set(e.fields.clientOrderId as string, (fillsPerOrder.get(e.fields.clientOrderId as string) ?? 0) + 1);
    expect([...fillsPerOrder.values()].filter((n) => n === 2).length).toBeGreaterThan(10);
    expect(events.filter((e) => e.type === 'order_failed' && e.fields.action === 'skip').length).toBe(ex.faultsInjected.reject);
    expect(events.filter((e) => e.type === 'reconcile_mismatch' || e.type === 'halt')).toEqual([]);
    expect(state.cashUsd).toBeCloseTo(ex.balances.get('USDT')!, 6);
    for (const b of BASES) expect(state.positions[b]?.qty ?? 0).toBeCloseTo(ex.balances.get(b) ?? 0, 6);
  }, 120_000);

  it('rounds to the market lot size and minimum notional, and maps exchange answers', async () => {
    const { ex, venue } = await setup({}, 3);
    stop = () => ex.stop();
    expect(venue.roundQty('ABC', 12.3456, 1.5)).toBe(12.3); // LOT_SIZE step 0.1, truncated
    expect(venue.roundQty('ABC', 3.05, 1.5)).toBe(0); // 3.0 x 1.5 = 4.5 USD < 5 USD minimum notional
    expect(venue.roundQty('NOPE', 10, 1)).toBe(0);
    await expect(venue.submit({ clientOrderId: 'coce-1-NOPE-b1', symbol: 'NOPE', side: 'buy', qty: 1, type: 'limit', limitPriceUsd: 1, refPriceUsd: 1 })).rejects.toMatchObject({ action: 'skip' });
    const poor = venue.submit({ clientOrderId: 'coce-1-ABC-b1', symbol: 'ABC', side: 'buy', qty: 1e9, type: 'limit', limitPriceUsd: 2, refPriceUsd: 1.5 });
    await expect(poor).rejects.toMatchObject({ name: 'VenueError', action: 'skip' });
    expect(await venue.fetchOrder('coce-1-ABC-b1', 'ABC')).toBeNull();
    expect(await venue.cancel('coce-1-ABC-b1', 'ABC')).toBeNull();
    const o = await venue.submit({ clientOrderId: 'coce-1-ABC-b2', symbol: 'ABC', side: 'buy', qty: 100, type: 'market', limitPriceUsd: null, refPriceUsd: ex.price('ABC') });
    expect(o).toMatchObject({ clientOrderId: 'coce-1-ABC-b2', status: 'filled', filledQty: 100, feeUsd: 0 });
    expect(o.feeBaseQty).toBeCloseTo(0.1, 12);
    expect(await venue.cancel('coce-1-ABC-b2', 'ABC')).toMatchObject({ clientOrderId: 'coce-1-ABC-b2', status: 'filled' });
    expect(await venue.openOrders('coce')).toEqual([]);
    expect((await venue.balances()).assets).toEqual({ ABC: 99.9 });
  }, 60_000);

  it('a take-profit rests on the exchange across cycles (no TTL, no reconciliation trip) and closes the trade when reached', async () => {
    const { ex, venue, log } = await setup({}, 3);
    stop = () => ex.stop();
    const place = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, sleep: () => Promise.resolve(), log };
    let now = 0;
    const nowMs = () => (now += 1_000);
    const journal = new MemoryOrderJournal();
    const sync = new OrderSyncStep(venue, journal, { prefix: 'coce', orderTtlMs: 10_000, reconcileTolerance: 1e-9, dustUsd: 1, tracked: new Set(BASES), place, nowMs });
    const exec = new ExecutionStep(venue, journal, { prefix: 'coce', orderType: 'limit', maxSlippageBps: 50, minTradeNotionalUsd: 25, dustUsd: 1, advCap: 0.01, slicesPerCycle: 1, orderTtlMs: 10_000, takerFeeBps: 10, maxVar: 1, place, nowMs, wait: () => Promise.resolve(), restingTakeProfitPct: 20 });
    const state = freshState(100_000);
    const cycle = async (c: number, hold: boolean) => {
      const r = makeContext({ snapshot: snapshot(ex, c), state });
      await sync.run(r.c);
      r.c.approvedWeights = hold ? { ...r.c.currentWeights } : { ABC: 0.05 };
      state.openTrades.ABC ??= { highWaterUsd: 0, lastCloseUsd: null, exit: null }; // what the exit step keeps
      await exec.run(r.c);
      state.lastCompletedCycle = c;
      return r.events;
    };
    const first = await cycle(1_000, false);
    const tp = first.find((e) => e.type === 'order_placed' && e.fields.resting === true)!.fields;
    expect(tp).toMatchObject({ clientOrderId: 'coce-1000-ABC-t1', side: 'sell' });
    const entry = state.positions.ABC!.avgEntryPriceUsd;
    expect(tp.limitPriceUsd as number).toBeCloseTo(entry * 1.2, 4);
    expect(tp.qty).toBe(Math.floor(state.positions.ABC!.qty * 10) / 10); // the lot size (0.1)
    // held for three cycles, far past the 10 s TTL: the order rests, untouched, and the book reconciles exactly
    for (let c = 1_001; c <= 1_003; c++) {
      const es = await cycle(c, true);
      expect(es.filter((e) => ['order_closed', 'order_placed', 'reconcile_mismatch', 'halt'].includes(e.type))).toEqual([]);
    }
    expect(ex.orders.get('coce-1000-ABC-t1')!.status).toBe('NEW');
    expect(state.openOrders).toMatchObject([{ clientOrderId: 'coce-1000-ABC-t1', resting: true, status: 'open' }]);
    // the market reaches it: the next sync books the fill at the order's price and closes the trade as a take-profit
    ex.setPrice('ABC', (tp.limitPriceUsd as number) * 1.01);
    const hit = await cycle(1_004, true);
    expect(hit.find((e) => e.type === 'fill')!.fields).toMatchObject({ clientOrderId: 'coce-1000-ABC-t1', priceUsd: Number((tp.limitPriceUsd as number).toFixed(8)) });
    expect(hit.find((e) => e.type === 'trade_closed')!.fields).toMatchObject({ symbol: 'ABC', exit: 'take_profit' });
    expect(state.openOrders).toEqual([]);
    expect(ex.duplicateSubmissions).toEqual([]);
    expect(state.cashUsd).toBeCloseTo(ex.balances.get('USDT')!, 6);
    expect(state.positions.ABC?.qty ?? 0).toBeCloseTo(ex.balances.get('ABC') ?? 0, 8);
  });
});
