import { describe, expect, it } from 'vitest';
import { AllocationStep } from '../../src/agent/steps/allocation-step.js';
import { ExecutionStep } from '../../src/agent/steps/execution-step.js';
import { ExitStep } from '../../src/agent/steps/exit-step.js';
import { GuardrailStep } from '../../src/agent/steps/guardrail-step.js';
import { OrderSyncStep } from '../../src/agent/steps/order-sync-step.js';
import { ReturnHistory } from '../../src/agent/return-history.js';
import { buildGuardrails, exitRules } from '../../src/agent/build-engine.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { stopLoss, takeProfit, timeLimit, trailingStop } from '../../src/exits/index.js';
import { PaperVenue } from '../../src/execution/paper-venue.js';
import type { OrderRequest, Venue, VenueOrder } from '../../src/execution/venue.js';
import { VenueError } from '../../src/execution/venue-errors.js';
import { MemoryOrderJournal } from '../../src/state/order-journal.js';
import type { EngineState } from '../../src/state/schema.js';
import { baseConfig, memoryLogger } from '../helpers.js';
import { freshState, H, makeContext, type RecordedEvent } from './context.js';

const cost = { impactCoefficient: 0, makerFeeBps: 0, takerFeeBps: 10, maxBarVolumeFraction: 1 };

function snap(cycle: number, prices: Record<string, number>, advUsd = 2e7, range: Record<string, [number, number]> = {}): MarketSnapshot {
  const bars: MarketSnapshot['bars'] = {};
  const liquidity: MarketSnapshot['liquidity'] = {};
  for (const [s, p] of Object.entries(prices)) {
    const [low, high] = range[s] ?? [p, p];
    bars[s] = { openMs: cycle * H, open: p, high, low, close: p, volumeBase: 1e6 / p, volumeUsd: 1e6 };
    liquidity[s] = { marketCapUsd: 1e8, advUsd, spreadBps: 0 };
  }
  return { cycle, closeMs: (cycle + 1) * H, bars, liquidity, sentiment: {}, realizedVol: {} };
}

/** A state holding `qty` of PUMP bought at `entry` on cycle 10, the paper venue holding the same. */
function holding(qty: number, entry: number): EngineState {
  const s = freshState(100_000 - qty * entry);
  s.lastCompletedCycle = 10;
  s.positions.PUMP = { qty, avgEntryPriceUsd: entry, lastPriceUsd: entry, openedCycle: 10, realizedPnlUsd: 0 };
  return s;
}

describe('ExitStep', () => {
  it('asks the rules each bar, keeps an exit until the position is sold, and moves the high-water mark after asking', () => {
    const st = holding(1_000, 2);
    const step = new ExitStep(() => [stopLoss(8), trailingStop(10, 5)], { barsPerDay: 24, cooldownBars: 24, dustUsd: 1, spike: () => null, noEntryAfterSpikeBars: 0 });
    const run = (cycle: number, close: number) => {
      const r = makeContext({ snapshot: snap(cycle, { PUMP: close }), state: st });
      step.run(r.c);
      return r;
    };
    expect([...run(11, 2.3).c.exiting]).toEqual([]); // +15 %: the trailing stop is armed from the next bar
    expect(st.openTrades.PUMP).toEqual({ highWaterUsd: 2.3, lastCloseUsd: 2.3, exit: null });
    expect([...run(12, 2.19).c.exiting]).toEqual([]); // 4.78 % under the high
    const fired = run(13, 2.185); // exactly 5 % under 2.30
    expect([...fired.c.exiting]).toEqual(['PUMP']);
    expect(fired.events[0]).toMatchObject({ log: 'trades', type: 'exit_signal', fields: { symbol: 'PUMP', exit: 'trailing_stop', closeUsd: 2.185, qty: 1_000 } });
    expect(st.openTrades.PUMP!.exit).toMatchObject({ reason: 'trailing_stop', cycle: 13 });
    // not sold yet (the ADV cap, a venue fault): the exit stands even if the price comes back
    const later = run(14, 2.5);
    expect([...later.c.exiting]).toEqual(['PUMP']);
    expect(later.events).toEqual([]);
  });

  it('names the assets in cool-down after a close, for cooldownBars bars', () => {
    const st = holding(10, 3);
    st.closedTrades = [{ closedCycle: 90, symbol: 'OLD', openedCycle: 80, pnlUsd: 5, exit: 'take_profit' }];
    const step = new ExitStep(() => [], { barsPerDay: 24, cooldownBars: 24, dustUsd: 1, spike: () => null, noEntryAfterSpikeBars: 0 });
    const { c, events } = makeContext({ snapshot: snap(113, { PUMP: 3 }), state: st });
    step.run(c);
    expect(events).toEqual([]);
    expect([...c.noEntry]).toEqual(['OLD']); // closed at 90: no entry through cycle 113
    const free = makeContext({ snapshot: snap(114, {}), state: st }).c;
    step.run(free);
    expect([...free.noEntry]).toEqual([]);
  });

  it('blocks entries in a tradable asset for noEntryAfterSpikeBars after it spiked (a pump under way)', () => {
    const st = freshState(100_000);
    const step = new ExitStep(() => [], { barsPerDay: 24, cooldownBars: 0, dustUsd: 1, spike: () => ({ inPumpProbability: 0.6, surgeReturnPct: 5, surgeVolumeMultiple: 3 }), noEntryAfterSpikeBars: 12 });
    const at = (cycle: number, open: number, close: number, inPump: number | null = null) => {
      const s = snap(cycle, { HOT: close, CALM: 1 }, 24_000);
      s.bars.HOT = { ...s.bars.HOT!, open, volumeUsd: 3_000 };
      const { c } = makeContext({ snapshot: s, state: st, universe: { tradable: ['HOT', 'CALM'], reference: [], excluded: [] } });
      if (inPump !== null) c.inPumpProbabilities.HOT = inPump;
      step.run(c);
      return [...c.noEntry];
    };
    expect(at(20, 1, 1.04)).toEqual([]); // +4 %: no spike
    expect(at(21, 1, 1.05)).toEqual(['HOT']);
    expect(st.lastSpikeCycle).toEqual({ HOT: 21 });
    expect(at(32, 1, 1)).toEqual(['HOT']); // 11 bars later: still blocked
    expect(at(33, 1, 1)).toEqual([]);
    expect(st.lastSpikeCycle).toEqual({});
    expect(at(34, 1, 0.9, 0.7)).toEqual(['HOT']); // the in-pump detector alone
  });

  it('builds the rules the config switches on, the time limit from the model horizon plus the grace', () => {
    const cfg = baseConfig();
    expect(exitRules(cfg, null).map((r) => r.reason)).toEqual(['stop_loss', 'take_profit', 'spike', 'trailing_stop', 'time_limit']);
    const off = { ...cfg, exits: { ...cfg.exits, stopLossPct: null, takeProfitPct: null, spike: null, trailingStop: null, timeLimitGraceHours: null } };
    expect(exitRules(off, null)).toEqual([]);
    const t = exitRules({ ...off, exits: { ...off.exits, timeLimitGraceHours: 18, timeLimitMinGainPct: 0, timeLimitPatienceHours: 0 } }, null)[0]!;
    const p = { symbol: 'X', avgEntryPriceUsd: 1, openedCycle: 0, highWaterUsd: 1 };
    const bar = { closeUsd: 1, prevCloseUsd: 1, volumeUsd: 1, advUsd: 24, barsPerDay: 24, inPumpProbability: null };
    expect(t.check(p, { ...bar, cycle: cfg.alpha.classifier.horizonHours + 17 })).toBeNull();
    expect(t.check(p, { ...bar, cycle: cfg.alpha.classifier.horizonHours + 18 })?.reason).toBe('time_limit');
  });
});

/** exits -> allocation -> guardrails -> execution, the cycle's order, on one state. */
function pipeline(venue: Venue, journal: MemoryOrderJournal, restingTakeProfitPct: number | null = null) {
  const place = { retries: 1, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve(), log: memoryLogger().log };
  const history = new ReturnHistory(400);
  const cfg = baseConfig();
  const sync = new OrderSyncStep(venue, journal, { prefix: 'coce', orderTtlMs: 600_000, reconcileTolerance: 0.005, dustUsd: 1, tracked: new Set(['PUMP']), place, nowMs: () => 0 });
  const exits = new ExitStep(() => [stopLoss(6), takeProfit(12), timeLimit(24)], { barsPerDay: 24, cooldownBars: 24, dustUsd: 1, spike: () => null, noEntryAfterSpikeBars: 0 });
  const alloc = new AllocationStep(history, { linkage: 'single', maxAssetWeight: 0.1, maxClusterWeight: 0.25, maxGrossExposure: 1, maxTurnover: 0.3, minTradeNotionalUsd: 25, fullSizeProbability: 0.3, volTargetAnnual: null, maxPositionAdvMultiple: 0.05, rebalanceEveryBars: 1, covarianceBars: 336 });
  const guards = new GuardrailStep(buildGuardrails(cfg), history, { barsPerDay: 24, varLookbackDays: 60, corrShortBars: 24, corrLongBars: 336, varLevel: 0.99 });
  const exec = new ExecutionStep(venue, journal, { prefix: 'coce', orderType: 'limit', maxSlippageBps: 50, minTradeNotionalUsd: 25, dustUsd: 1, advCap: 0.01, slicesPerCycle: 2, orderTtlMs: 600_000, takerFeeBps: 10, maxVar: 0.03, place, nowMs: () => 0, wait: () => Promise.resolve(), restingTakeProfitPct });
  return async (st: EngineState, s: MarketSnapshot): Promise<RecordedEvent[]> => {
    const { c, events } = makeContext({ snapshot: s, state: st });
    await sync.run(c);
    exits.run(c);
    alloc.run(c);
    guards.run(c);
    await exec.run(c);
    st.lastCompletedCycle = s.cycle;
    return events;
  };
}

describe('an exit through the guardrails and the order path', () => {
  it('a stop-loss at exactly its level sells through the guardrails and execution and closes one trade, to the cent', async () => {
    // 4 000 PUMP bought at 2.50 (10 000 USD); ADV 1.5 M: the ADV cap (1 %) lets 15 000 USD of orders through a cycle
    const st = holding(4_000, 2.5);
    const venue = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 4_000 } });
    const cycle = pipeline(venue, new MemoryOrderJournal());
    expect((await cycle(st, snap(11, { PUMP: 2.4 }, 1.5e6))).filter((e) => e.type === 'order_placed')).toEqual([]);
    // 2.35 is exactly 6 % under 2.50; a sale of 9 400 USD fits one cycle's ADV cap (the next test spreads one)
    const events = await cycle(st, snap(12, { PUMP: 2.35 }, 1.5e6));
    expect(events.find((e) => e.type === 'exit_signal')!.fields).toMatchObject({ exit: 'stop_loss', closeUsd: 2.35 });
    const closed = events.find((e) => e.type === 'trade_closed')!.fields;
    // (2.35 - 2.50) x 4 000 = -600.00, minus the 10 bps taker fee on 9 400.00 = 9.40: -609.40
    expect(closed).toMatchObject({ symbol: 'PUMP', exit: 'stop_loss', openedCycle: 10 });
    expect(closed.pnlUsd as number).toBeCloseTo(-609.4, 2);
    expect(st.positions.PUMP).toBeUndefined();
    expect(st.openTrades).toEqual({});
    expect(st.closedTrades.at(-1)).toMatchObject({ closedCycle: 12, exit: 'stop_loss' });
    expect(venue.book().assets.PUMP ?? 0).toBe(0);
  });

  it('the ADV cap spreads a large exit over cycles; the exit stands until the last coin is sold', async () => {
    const st = holding(4_000, 2.5);
    const venue = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 4_000 } });
    const cycle = pipeline(venue, new MemoryOrderJournal());
    // ADV 500 000: 1 % is 5 000 USD a cycle at the worst price; 4 000 x 2.80 = 11 200 USD takes three cycles
    const first = await cycle(st, snap(11, { PUMP: 2.8 }, 5e5)); // +12 %: take-profit
    expect(first.find((e) => e.type === 'exit_signal')!.fields.exit).toBe('take_profit');
    expect(st.positions.PUMP!.qty).toBeGreaterThan(0);
    const second = await cycle(st, snap(12, { PUMP: 2.6 }, 5e5)); // back under the target: the exit still stands
    expect(second.some((e) => e.type === 'exit_signal')).toBe(false);
    const third = await cycle(st, snap(13, { PUMP: 2.6 }, 5e5));
    const closed = [...first, ...second, ...third].filter((e) => e.type === 'trade_closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.fields.exit).toBe('take_profit');
    expect(st.positions.PUMP).toBeUndefined();
  });

  it('a kill during an exit, then the cycle again from the saved state, sells nothing twice', async () => {
    const st = holding(4_000, 2.5);
    const sent: OrderRequest[] = [];
    const paper = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 4_000 } });
    // an exchange remembers the orders it filled (the paper venue forgets them with the process, as a sim does)
    const filled = new Map<string, VenueOrder>();
    const venue: Venue = {
      ...paper,
      name: 'exchange',
      observe: (s) => paper.observe(s),
      submit: async (o) => {
        sent.push(o);
        const v = await paper.submit(o);
        filled.set(o.clientOrderId, v);
        return v;
      },
      cancel: (i) => paper.cancel(i),
      fetchOrder: async (i) => (await paper.fetchOrder(i)) ?? filled.get(i) ?? null,
      openOrders: () => paper.openOrders(),
      balances: () => paper.balances(),
    };
    const journal = new MemoryOrderJournal(); // stands for the file journal of testnet/live: it survives the kill
    await pipeline(venue, journal)(st, snap(11, { PUMP: 2.4 }, 1.5e6));
    // the stop fires and the sale goes out; the process dies before the cycle's state is saved
    const crashed = await pipeline(venue, journal)(structuredClone(st), snap(12, { PUMP: 2.35 }, 1.5e6));
    expect(crashed.some((e) => e.type === 'trade_closed')).toBe(true);
    const before = sent.length;
    const replay = await pipeline(venue, journal)(st, snap(12, { PUMP: 2.35 }, 1.5e6));
    expect(sent.length).toBe(before); // nothing sent again
    expect(replay.filter((e) => e.type === 'order_adopted').length).toBeGreaterThan(0);
    const closed = replay.filter((e) => e.type === 'trade_closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.fields.exit).toBe('stop_loss'); // the adopted order carries why it sold
    expect(st.positions.PUMP).toBeUndefined();
    expect(paper.book().assets.PUMP ?? 0).toBe(0);
    expect(st.cashUsd).toBeCloseTo(paper.book().cashUsd, 6);
  });
});

describe('a take-profit resting on the venue (exits.take_profit_on_exchange)', () => {
  const types = (es: RecordedEvent[]) => es.filter((e) => e.log === 'trades').map((e) => e.type);

  it('rests from the first cycle of the trade and closes it inside the bar that spikes through, to the cent', async () => {
    const st = holding(3_000, 2.5);
    const venue = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    const cycle = pipeline(venue, new MemoryOrderJournal(), 12);
    const first = await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    const placed = first.find((e) => e.type === 'order_placed')!.fields;
    expect(placed).toMatchObject({ clientOrderId: 'coce-11-PUMP-t1', side: 'sell', qty: 3_000, resting: true });
    expect(placed.limitPriceUsd as number).toBeCloseTo(2.8, 12);
    expect(st.openOrders).toMatchObject([{ clientOrderId: 'coce-11-PUMP-t1', resting: true, exit: 'take_profit', status: 'open' }]);
    // the next bar closes at 2.60 but trades up to 3.00: filled at 2.80 (maker fee 0 here), whatever the close
    const second = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6, { PUMP: [2.5, 3] }));
    expect(second.some((e) => e.type === 'exit_signal')).toBe(false);
    const closed = second.find((e) => e.type === 'trade_closed')!.fields;
    expect(closed).toMatchObject({ symbol: 'PUMP', exit: 'take_profit' });
    expect((closed.pnlUsd as number).toFixed(2)).toBe('900.00'); // (2.80 - 2.50) x 3 000
    const fill = second.find((e) => e.type === 'fill')!.fields;
    expect(fill.qty).toBe(3_000);
    expect(Math.abs(fill.slippageBps as number)).toBeLessThan(1e-9); // measured against its own price
    expect(st.openOrders).toEqual([]);
    expect(st.positions.PUMP).toBeUndefined();
    expect(venue.book()).toEqual({ cashUsd: st.cashUsd, assets: {} });
  });

  it('keeps what a partial fill left resting, and is cancelled before an exit sells', async () => {
    const st = holding(3_000, 2.5);
    const venue = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    const cycle = pipeline(venue, new MemoryOrderJournal(), 12);
    await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    // through 2.80 by 0.0014 of a 0.3014 range: 1e6 x 0.4645 % = 4 644.99 USD fill at 2.80 = 1 658.93 coins
    const partial = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6, { PUMP: [2.5, 2.8014] }));
    expect(st.positions.PUMP!.qty.toFixed(2)).toBe('1341.07');
    expect(types(partial)).toEqual(['fill']); // the rest keeps resting: no cancel, no new order
    expect(st.openOrders).toMatchObject([{ clientOrderId: 'coce-11-PUMP-t1', status: 'partially_filled' }]);
    // then the stop-loss: the resting order is cancelled first, and the sale closes the trade as a stop-loss
    const stop = await cycle(st, snap(13, { PUMP: 2.3 }, 1.5e6));
    // (the sale in two slices: execution.slices_per_cycle 2 here)
    expect(types(stop)).toEqual(['exit_signal', 'order_closed', 'order_placed', 'fill', 'order_closed', 'order_placed', 'fill', 'trade_closed', 'order_closed', 'execution']);
    expect(stop.find((e) => e.type === 'order_closed')!.fields).toMatchObject({ clientOrderId: 'coce-11-PUMP-t1', status: 'canceled' });
    expect(stop.find((e) => e.type === 'trade_closed')!.fields).toMatchObject({ exit: 'stop_loss' });
    expect(st.openOrders).toEqual([]);
    expect(venue.book().resting).toBeUndefined();
  });

  it('is replaced when the holding changes, and cancelled (not replaced) while halted', async () => {
    const st = holding(3_000, 2.5);
    const venue = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    const cycle = pipeline(venue, new MemoryOrderJournal(), 20);
    await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    expect(st.openOrders[0]!.limitPriceUsd).toBe(3);
    // a new entry price (a top-up at a higher price, here written into state and venue alike)
    st.positions.PUMP!.avgEntryPriceUsd = 2.55;
    const moved = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6));
    expect(types(moved)).toEqual(['order_closed', 'order_placed']);
    expect(st.openOrders).toMatchObject([{ clientOrderId: 'coce-12-PUMP-t1', qty: 3_000 }]);
    expect(st.openOrders[0]!.limitPriceUsd).toBeCloseTo(3.06, 12);
    st.killSwitch = { state: 'halted', reason: 'test', sinceCycle: 13 };
    const halted = await cycle(st, snap(13, { PUMP: 2.6 }, 1.5e6));
    expect(halted.find((e) => e.type === 'order_closed')!.fields).toMatchObject({ clientOrderId: 'coce-12-PUMP-t1', status: 'canceled' });
    expect(halted.some((e) => e.type === 'order_placed')).toBe(false);
    expect(st.openOrders).toEqual([]);
  });

  /** The paper venue behind the Venue interface, with hooks a test can change. */
  function wrap(paper: PaperVenue, over: Partial<Venue> = {}): Venue {
    return {
      name: 'exchange',
      observe: (x) => paper.observe(x),
      submit: (o) => paper.submit(o),
      cancel: (i) => paper.cancel(i),
      fetchOrder: (i) => paper.fetchOrder(i),
      openOrders: (p) => paper.openOrders(p),
      balances: () => paper.balances(),
      ...over,
    };
  }

  it('a state that lost its record finds the take-profit among the open orders by its leg, and keeps it resting', async () => {
    const st = holding(3_000, 2.5);
    const paper = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    const cycle = pipeline(wrap(paper), new MemoryOrderJournal(), 12);
    await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    st.openOrders = [];
    const next = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6));
    expect(next.find((e) => e.type === 'order_adopted')!.fields).toMatchObject({ clientOrderId: 'coce-11-PUMP-t1', from: 'venue' });
    expect(types(next)).toEqual(['order_adopted']); // not cancelled, not sent again
    expect(st.openOrders).toMatchObject([{ clientOrderId: 'coce-11-PUMP-t1', resting: true, exit: 'take_profit' }]);
  });

  it('a fill between the look at the order and the balances is in flight, not a mismatch; the next cycle books it', async () => {
    const st = holding(3_000, 2.5);
    const paper = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    let late: MarketSnapshot | null = null;
    // an exchange remembers its orders (the paper venue forgets a finished one after its bar, as a sim can)
    const seen = new Map<string, VenueOrder>();
    // the spike bar reaches the venue only after the order was looked at (as a fill can land between two requests)
    const venue = wrap(paper, {
      fetchOrder: async (i) => {
        const o = (await paper.fetchOrder(i)) ?? seen.get(i) ?? null;
        if (o !== null) seen.set(i, o);
        return o;
      },
      observe: (x) => (x.cycle === 12 ? (late = x) : paper.observe(x)),
      balances: () => {
        if (late !== null) paper.observe(late);
        late = null;
        return paper.balances();
      },
    });
    const cycle = pipeline(venue, new MemoryOrderJournal(), 12);
    await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    const spike = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6, { PUMP: [2.5, 3] }));
    expect(spike.filter((e) => ['reconcile_mismatch', 'reconcile_adjusted', 'halt', 'fill'].includes(e.type))).toEqual([]);
    expect(st.killSwitch.state).toBe('active');
    const after = await cycle(st, snap(13, { PUMP: 2.6 }, 1.5e6));
    expect(after.find((e) => e.type === 'trade_closed')!.fields).toMatchObject({ exit: 'take_profit' });
    expect(after.some((e) => e.type === 'reconcile_mismatch' || e.type === 'reconcile_adjusted')).toBe(false);
    expect(st.cashUsd).toBeCloseTo(paper.book().cashUsd, 9);
  });

  it('a take-profit the venue refuses is reported and tried again next cycle under a new id', async () => {
    const st = holding(3_000, 2.5);
    const paper = new PaperVenue(cost, { cashUsd: st.cashUsd, assets: { PUMP: 3_000 } });
    let refuse = true;
    const venue = wrap(paper, { submit: (o) => (o.timeInForce === 'gtc' && refuse ? Promise.reject(new VenueError('stop orders are not allowed', 'skip')) : paper.submit(o)) });
    const cycle = pipeline(venue, new MemoryOrderJournal(), 12);
    const first = await cycle(st, snap(11, { PUMP: 2.6 }, 1.5e6));
    expect(first.find((e) => e.type === 'order_failed')!.fields).toMatchObject({ clientOrderId: 'coce-11-PUMP-t1', resting: true, action: 'skip' });
    expect(st.openOrders).toEqual([]);
    refuse = false;
    const second = await cycle(st, snap(12, { PUMP: 2.6 }, 1.5e6));
    expect(second.find((e) => e.type === 'order_placed')!.fields).toMatchObject({ clientOrderId: 'coce-12-PUMP-t1' });
  });
});
