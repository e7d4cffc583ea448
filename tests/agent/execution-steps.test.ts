import { describe, expect, it } from 'vitest';
import { ExecutionStep } from '../../src/agent/steps/execution-step.js';
import { OrderSyncStep } from '../../src/agent/steps/order-sync-step.js';
import { MetaStep } from '../../src/agent/steps/meta-step.js';
import { GuardrailStep } from '../../src/agent/steps/guardrail-step.js';
import { ReturnHistory } from '../../src/agent/return-history.js';
import { buildGuardrails } from '../../src/agent/build-engine.js';
import { PaperVenue } from '../../src/execution/paper-venue.js';
import type { OrderRequest, Venue, VenueOrder } from '../../src/execution/venue.js';
import { MemoryOrderJournal } from '../../src/state/order-journal.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import type { EngineState } from '../../src/state/schema.js';
import { createRng } from '../../src/utils/rng.js';
import { baseConfig, memoryLogger } from '../helpers.js';
import { freshState, H, makeContext } from './context.js';
import { RequestTimeout } from '../execution/fake-errors.js';

const model = { impactCoefficient: 0.1, makerFeeBps: 2, takerFeeBps: 10, maxBarVolumeFraction: 0.1 };

function snap(cycle: number, prices: Record<string, number> = { A: 10, B: 20 }): MarketSnapshot {
  const bars: MarketSnapshot['bars'] = {};
  const liquidity: MarketSnapshot['liquidity'] = {};
  for (const [s, p] of Object.entries(prices)) {
    bars[s] = { openMs: cycle * H, open: p, high: p, low: p, close: p, volumeBase: 1e6 / p, volumeUsd: 1e6 };
    liquidity[s] = { marketCapUsd: 1e8, advUsd: 2e7, spreadBps: 10 };
  }
  return { cycle, closeMs: (cycle + 1) * H, bars, liquidity, sentiment: {}, realizedVol: {} };
}

function steps(venue: Venue, journal = new MemoryOrderJournal(), over: { nowMs?: () => number; toleranceFraction?: number } = {}) {
  const place = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, sleep: () => Promise.resolve(), log: memoryLogger().log };
  const nowMs = over.nowMs ?? (() => 0);
  const sync = new OrderSyncStep(venue, journal, { prefix: 'coce', orderTtlMs: 600_000, reconcileTolerance: over.toleranceFraction ?? 0.005, dustUsd: 1, tracked: new Set(['A', 'B']), place, nowMs });
  const exec = new ExecutionStep(venue, journal, { prefix: 'coce', orderType: 'limit', maxSlippageBps: 50, minTradeNotionalUsd: 25, dustUsd: 1, advCap: 0.01, slicesPerCycle: 2, orderTtlMs: 600_000, takerFeeBps: 10, maxVar: 0.03, place, nowMs, wait: () => Promise.resolve(), restingTakeProfitPct: null });
  return { sync, exec, journal };
}

function state(cashUsd = 100_000): EngineState {
  const s = freshState(cashUsd);
  s.lastCompletedCycle = 9;
  return s;
}

describe('order sync + execution on the paper venue', () => {
  it('values the held book, trades to the approved weights in slices, and books fills, fees and closed trades', async () => {
    const st = state();
    const venue = new PaperVenue(model, { cashUsd: 100_000, assets: {} });
    const { sync, exec } = steps(venue);
    const { c, events } = makeContext({ snapshot: snap(10), state: st });
    await sync.run(c);
    expect(c.navUsd).toBe(100_000);
    c.approvedWeights = { A: 0.05, B: 0.02 };
    await exec.run(c);
    const placed = events.filter((e) => e.type === 'order_placed').map((e) => e.fields.clientOrderId);
    expect(placed).toEqual(['coce-10-A-b1', 'coce-10-B-b1', 'coce-10-A-b2', 'coce-10-B-b2']);
    expect(st.positions.A!.qty).toBeCloseTo(500, 9);
    expect(st.positions.B!.qty).toBeCloseTo(100, 9);
    // each slice of A: 2 500 USD of a 20 M ADV -> impact 0.1 x 1e4 x sqrt(1.25e-4) = 11.18 bps + 5 bps half spread
    const fillA = events.find((e) => e.type === 'fill' && e.fields.symbol === 'A')!.fields;
    expect(fillA.slippageBps as number).toBeCloseTo(5 + 1_000 * Math.sqrt(2_500 / 2e7), 9);
    const spent = events.filter((e) => e.type === 'fill').reduce((a, e) => a + (e.fields.notionalUsd as number) + (e.fields.feeUsd as number), 0);
    expect(st.cashUsd).toBeCloseTo(100_000 - spent, 6);
    expect((await venue.balances()).cashUsd).toBeCloseTo(st.cashUsd, 9);

    // next bar: prices up 10 %, target A only -> B sold whole, one closed trade with its P&L net of fees
    const next = makeContext({ snapshot: snap(11, { A: 11, B: 22 }), state: st });
    await sync.run(next.c);
    expect(next.c.currentWeights.A).toBeCloseTo((500 * 11) / next.c.navUsd, 12);
    next.c.approvedWeights = { A: next.c.currentWeights.A! };
    await exec.run(next.c);
    expect(st.positions.B).toBeUndefined();
    expect(st.closedTrades).toHaveLength(1);
    const closed = next.events.find((e) => e.type === 'trade_closed')!.fields;
    expect(closed).toMatchObject({ symbol: 'B', openedCycle: 10 });
    expect(closed.pnlUsd as number).toBeGreaterThan(150); // +200 USD of price, less about 0.3 % of costs
    expect(closed.pnlUsd as number).toBeLessThan(200);
  });

  it('halts on a mismatch above the tolerance and sends nothing; a small one is adopted from the venue', async () => {
    const st = state();
    const { sync, exec } = steps(new PaperVenue(model, { cashUsd: 99_000, assets: {} }));
    const { c, events } = makeContext({ snapshot: snap(10), state: st });
    await sync.run(c);
    c.approvedWeights = { A: 0.05 };
    await exec.run(c);
    expect(events.map((e) => e.type)).toEqual(['reconcile_mismatch', 'halt', 'execution_skipped']);
    expect(events[0]!.fields).toMatchObject({ mismatchUsd: 1_000, mismatchPct: 1, tolerancePct: 0.5, diffs: { cashUsd: -1_000 } });
    expect(st.killSwitch).toMatchObject({ state: 'halted', sinceCycle: 10 });

    const small = state();
    small.positions.A = { qty: 10, avgEntryPriceUsd: 10, lastPriceUsd: 10, openedCycle: 1, realizedPnlUsd: 0 };
    const s2 = steps(new PaperVenue(model, { cashUsd: 99_990, assets: { A: 10.5, ZZZ: 3 } }));
    const r = makeContext({ snapshot: snap(10), state: small });
    await s2.sync.run(r.c);
    expect(r.events.map((e) => e.type)).toEqual(['unknown_position', 'reconcile_adjusted']);
    expect(small.cashUsd).toBe(99_990);
    expect(small.positions.A.qty).toBe(10.5);
    expect(small.killSwitch.state).toBe('active');
  });

  it('after a halt no order reaches the venue, whatever the allocation proposes (property, 300 random cycles)', async () => {
    const sent: OrderRequest[] = [];
    const paper = new PaperVenue(model, { cashUsd: 50_000, assets: { A: 2_000, B: 1_000 } });
    const recording: Venue = { ...paper, name: 'rec', observe: (s) => paper.observe(s), submit: (o) => (sent.push(o), paper.submit(o)), cancel: (i) => paper.cancel(i), fetchOrder: (i) => paper.fetchOrder(i), openOrders: () => paper.openOrders(), balances: () => paper.balances() };
    const st = state(50_000);
    st.positions = { A: { qty: 2_000, avgEntryPriceUsd: 10, lastPriceUsd: 10, openedCycle: 1, realizedPnlUsd: 0 }, B: { qty: 1_000, avgEntryPriceUsd: 20, lastPriceUsd: 20, openedCycle: 1, realizedPnlUsd: 0 } };
    st.killSwitch = { state: 'halted', reason: 'test', sinceCycle: 9 };
    const { sync, exec } = steps(recording);
    const meta = new MetaStep({ windowDays: 7, minSharpe: 1.2, minHitRate: 0.6, minTrades: 10, minDays: 7, barMs: H, onHalt: 'hold', dailyAuditHourUtc: 0, weeklyAuditWeekday: 1, autoResumeAfterDays: null, probationGrossScale: 0.5 });
    const guards = new GuardrailStep(buildGuardrails(baseConfig()), new ReturnHistory(10), { barsPerDay: 24, varLookbackDays: 60, corrShortBars: 24, corrLongBars: 336, varLevel: 0.99 });
    const rng = createRng(5);
    for (let k = 0; k < 300; k++) {
      const cycle = 10 + k;
      const { c } = makeContext({ snapshot: snap(cycle, { A: 10 * (1 + 0.1 * (rng.next() - 0.5)), B: 20 * (1 + 0.1 * (rng.next() - 0.5)) }), state: st });
      await sync.run(c);
      c.targetWeights = { A: rng.next() * 0.5, B: rng.next() * 0.5 };
      meta.run(c);
      guards.run(c);
      await exec.run(c);
    }
    expect(sent).toEqual([]);
    expect(st.positions.A!.qty).toBe(2_000);
  });
});

/** Orders rest on this venue until cancelled; each look fills another 25 %. */
class RestingVenue implements Venue {
  readonly name = 'resting';
  orders = new Map<string, VenueOrder>();
  cash = 100_000;
  failBalances = false;
  submit(o: OrderRequest): Promise<VenueOrder> {
    const v: VenueOrder = { clientOrderId: o.clientOrderId, venueOrderId: `${this.orders.size + 1}`, symbol: o.symbol, side: o.side, qty: o.qty, filledQty: 0, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: o.limitPriceUsd, status: 'open' };
    this.orders.set(o.clientOrderId, v);
    return Promise.resolve({ ...v });
  }
  fetchOrder(id: string): Promise<VenueOrder | null> {
    const o = this.orders.get(id);
    if (o === undefined) return Promise.resolve(null);
    if (o.status === 'open' || o.status === 'partially_filled') {
      const add = Math.min(o.qty * 0.25, o.qty - o.filledQty);
      o.avgFillPriceUsd = o.limitPriceUsd!;
      o.filledQty += add;
      o.feeUsd = (o.filledQty * o.avgFillPriceUsd) / 1_000;
      this.cash -= add * o.avgFillPriceUsd + (add * o.avgFillPriceUsd) / 1_000;
      o.status = o.filledQty >= o.qty ? 'filled' : 'partially_filled';
    }
    return Promise.resolve({ ...o });
  }
  async cancel(id: string): Promise<VenueOrder | null> {
    const o = await this.fetchOrder(id);
    if (o !== null && o.status !== 'filled') this.orders.get(id)!.status = 'canceled';
    return o === null ? null : { ...this.orders.get(id)! };
  }
  openOrders(): Promise<VenueOrder[]> {
    return Promise.resolve([...this.orders.values()].filter((o) => o.status === 'open' || o.status === 'partially_filled').map((o) => ({ ...o })));
  }
  balances() {
    if (this.failBalances) return Promise.reject(new RequestTimeout('balance timed out'));
    const assets: Record<string, number> = {};
    for (const o of this.orders.values()) assets[o.symbol] = (assets[o.symbol] ?? 0) + o.filledQty;
    return Promise.resolve({ cashUsd: this.cash, assets });
  }
}

describe('reconciliation while orders rest', () => {
  it('neither adopts nor halts on a difference resting orders can explain; halts beyond it', async () => {
    const resting: VenueOrder = { clientOrderId: 'coce-10-A-b1', venueOrderId: '1', symbol: 'A', side: 'buy', qty: 100, filledQty: 0, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: 10.05, status: 'open' };
    let cashAtVenue = 99_000; // the order filled right after we looked at it
    const venue: Venue = {
      name: 'fixed',
      submit: () => Promise.reject(new Error('not used')),
      cancel: () => Promise.resolve({ ...resting }),
      fetchOrder: () => Promise.resolve({ ...resting }),
      openOrders: () => Promise.resolve([{ ...resting }]),
      balances: () => Promise.resolve({ cashUsd: cashAtVenue, assets: { A: 100 } }),
    };
    const st = state();
    st.openOrders = [{ clientOrderId: 'coce-10-A-b1', venueOrderId: '1', symbol: 'A', side: 'buy', qty: 100, filledQty: 0, limitPriceUsd: 10.05, refPriceUsd: 10, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, placedCycle: 10, placedMs: 0, status: 'open' }];
    const { sync } = steps(venue, new MemoryOrderJournal(), { nowMs: () => 1 });
    const { c, events } = makeContext({ snapshot: snap(10), state: st });
    await sync.run(c);
    expect(events).toEqual([]);
    expect(st.cashUsd).toBe(100_000); // not adopted: the fill will be applied when the order is next looked at
    cashAtVenue = 90_000;
    const again = makeContext({ snapshot: snap(11), state: st });
    await sync.run(again.c);
    expect(again.events.map((e) => e.type)).toEqual(['reconcile_mismatch', 'halt']);
    expect(again.c.tradingBlocked).toBe('reconciliation mismatch');
  });
});

describe('halted with a sale still in flight', () => {
  it('buys nothing back and cancels what rests', async () => {
    const venue = new RestingVenue();
    venue.orders.set('coce-9-A-s1', { clientOrderId: 'coce-9-A-s1', venueOrderId: '1', symbol: 'A', side: 'sell', qty: 500, filledQty: 0, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: 9.95, status: 'open' });
    const st = state(50_000);
    st.positions = { A: { qty: 2_000, avgEntryPriceUsd: 10, lastPriceUsd: 10, openedCycle: 1, realizedPnlUsd: 0 } };
    st.killSwitch = { state: 'halted', reason: 'test', sinceCycle: 9 };
    // the sale is pending (its answer was lost): the sync cannot settle it yet
    st.openOrders = [{ clientOrderId: 'coce-9-A-s1', venueOrderId: null, symbol: 'A', side: 'sell', qty: 500, filledQty: 0, limitPriceUsd: 9.95, refPriceUsd: 10, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, placedCycle: 9, placedMs: 0, status: 'pending' }];
    const fetch = venue.fetchOrder.bind(venue);
    venue.fetchOrder = () => Promise.reject(new RequestTimeout('lookup timed out'));
    const { exec } = steps(venue);
    const { c, events } = makeContext({ snapshot: snap(10), state: st });
    c.navUsd = 70_000;
    c.currentWeights = { A: 20_000 / 70_000 };
    c.approvedWeights = { A: 20_000 / 70_000 }; // hold
    await exec.run(c);
    expect([...venue.orders.keys()]).toEqual(['coce-9-A-s1']); // no buy went out
    expect(events.find((e) => e.type === 'orders_skipped')?.fields.skipped).toEqual([{ symbol: 'A', reason: 'halted: no buys' }]);
    venue.fetchOrder = fetch;
  });
});

describe('resting orders, TTL and the write-ahead journal', () => {
  it('works resting orders until their TTL, cancels the rest, and books every partial fill once', async () => {
    const venue = new RestingVenue();
    let now = 0;
    const { sync, exec } = steps(venue, new MemoryOrderJournal(), { nowMs: () => (now += 40_000) });
    const st = state();
    const { c, events } = makeContext({ snapshot: snap(10), state: st });
    await sync.run(c);
    c.approvedWeights = { A: 0.01 };
    await exec.run(c);
    const done = events.filter((e) => e.type === 'order_closed');
    // two slices of 50 A; each look fills 25 %: both fill within the TTL
    expect(done.map((e) => [e.fields.clientOrderId, e.fields.status])).toEqual([
      ['coce-10-A-b1', 'filled'],
      ['coce-10-A-b2', 'filled'],
    ]);
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(8);
    expect(st.positions.A!.qty).toBeCloseTo(100, 9);
    expect(st.openOrders).toEqual([]);
    expect(st.cashUsd).toBeCloseTo(venue.cash, 6);
  });

  it('a cycle replayed after a crash adopts the orders its first run sent and never sends them again', async () => {
    const venue = new RestingVenue();
    const journal = new MemoryOrderJournal();
    const st = state();
    const first = steps(venue, journal, { nowMs: () => 0 });
    const { c } = makeContext({ snapshot: snap(10), state: structuredClone(st) });
    await first.sync.run(c);
    c.approvedWeights = { A: 0.01 };
    await first.exec.run(c); // sends coce-10-A-b1 and -b2; then the process dies: state (st) never saw them
    expect(venue.orders.size).toBe(2);
    const again = steps(venue, journal, { nowMs: () => 700_000 });
    const r = makeContext({ snapshot: snap(10), state: st });
    await again.sync.run(r.c);
    expect(r.events.filter((e) => e.type === 'order_adopted').map((e) => e.fields.clientOrderId)).toEqual(['coce-10-A-b1', 'coce-10-A-b2']);
    r.c.approvedWeights = { A: 0.01 };
    await again.exec.run(r.c);
    expect(venue.orders.size).toBe(2); // nothing sent twice
    const filled = [...venue.orders.values()].reduce((a, o) => a + o.filledQty, 0);
    expect(st.positions.A!.qty).toBeCloseTo(filled, 12);
    expect(st.openOrders).toEqual([]);
    expect(st.cashUsd).toBeCloseTo(venue.cash, 6);
  });

  it('blocks trading for the cycle when the venue cannot be reached during the sync', async () => {
    const venue = new RestingVenue();
    venue.failBalances = true;
    const { sync, exec } = steps(venue);
    const { c, events } = makeContext({ snapshot: snap(10), state: state() });
    await sync.run(c);
    c.approvedWeights = { A: 0.01 };
    await exec.run(c);
    expect(events.map((e) => e.type)).toEqual(['sync_failed', 'execution_skipped']);
    expect(venue.orders.size).toBe(0);
  });
});
