import { clientOrderId } from '../../execution/client-order-id.js';
import { lookupOrder, placeOrder, type PlaceOptions } from '../../execution/order-placer.js';
import { planOrders, sliceQty, type ParentOrder, type PlanSettings } from '../../execution/order-plan.js';
import type { OrderRequest, Venue } from '../../execution/venue.js';
import type { SaleReason } from '../../domain/trade.js';
import { mapVenueError, VenueError } from '../../execution/venue-errors.js';
import type { OrderJournal } from '../../state/order-journal.js';
import type { OpenOrder } from '../../state/schema.js';
import { applyVenueUpdate, recordOf } from '../order-book-keeping.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface ExecutionSettings extends PlanSettings {
  prefix: string;
  slicesPerCycle: number;
  orderTtlMs: number;
  takerFeeBps: number;
  /** 1-day VaR limit (fraction of NAV): no buy may take the held book above it. */
  maxVar: number;
  place: PlaceOptions;
  nowMs: () => number;
  /** Waits between slices and while orders rest; a no-op on the simulated clock. */
  wait: (ms: number) => Promise<void>;
  /**
   * exits.take_profit_on_exchange: every open trade keeps a good-till-cancelled limit sell this % above its entry on
   * the venue, filled inside the bar that spikes through it (and while the daemon is down); null: none.
   */
  restingTakeProfitPct: number | null;
}

/** A take-profit to rest: its size, its price, and the close and ADV it was sized at. */
interface TakeProfit {
  qty: number;
  /** What it may sell at most: the holding less what other sell orders are selling. */
  availableQty: number;
  priceUsd: number;
  refPriceUsd: number;
  advUsd: number;
}

interface Child {
  parent: ParentOrder;
  qty: number;
  leg: string;
}

/**
 * Turns the approved book into orders and works them: sells first (they fund the buys), each parent cut into
 * slices spread over the order TTL, each slice a limit order inside the price-protection band (or a market order),
 * sent idempotently (see execution/order-placer.ts) after its intent is journaled. Buys never spend more cash than is
 * there. Orders still open when their TTL ends are cancelled; what did not fill is re-priced by the next cycle's
 * plan. Every order event and fill is a line in logs/trades.jsonl.
 */
export class ExecutionStep implements CycleStep {
  readonly name = 'execution';
  /** USD sent this cycle per asset (at the worse of limit and reference): a take-profit gets what the ADV cap leaves. */
  private readonly sentUsd = new Map<string, number>();

  constructor(
    private readonly venue: Venue,
    private readonly journal: OrderJournal,
    private readonly s: ExecutionSettings,
  ) {}

  async run(ctx: CycleContext): Promise<void> {
    if (ctx.tradingBlocked !== null) {
      ctx.emit('trades', 'execution_skipped', { reason: ctx.tradingBlocked });
      return;
    }
    try {
      await this.execute(ctx);
    } catch (err) {
      // nothing that goes wrong here may take the daemon down: the cycle completes with trading halted
      const e = mapVenueError(err, 'execution');
      const reason = err instanceof VenueError ? `venue error: ${e.message}` : `execution failed: ${(err as Error)?.message ?? String(err)}`;
      ctx.emit('trades', 'execution_failed', { error: reason, action: e.action });
      if (ctx.state.killSwitch.state !== 'halted') {
        ctx.state.killSwitch = { state: 'halted', reason, sinceCycle: ctx.cycle };
        ctx.emit('meta', 'halt', { reason, source: 'execution' });
      }
    }
  }

  private async execute(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    this.sentUsd.clear();
    const halted = st.killSwitch.state === 'halted';
    // a halt cancels every open order at once (not only at the next cycle's sync)
    if (halted && st.openOrders.some((o) => o.status !== 'pending')) await this.update(ctx, st.openOrders.filter((o) => o.status !== 'pending'), true);
    const pricesUsd: Record<string, number> = {};
    for (const sym in ctx.snapshot.bars) pricesUsd[sym] = ctx.snapshot.bars[sym]!.close;
    const advUsd: Record<string, number> = {};
    for (const sym in ctx.snapshot.liquidity) advUsd[sym] = ctx.snapshot.liquidity[sym]!.advUsd;
    // what open orders will still buy or sell counts as done: the plan covers only the rest
    const heldQty: Record<string, number> = {};
    for (const [sym, p] of Object.entries(st.positions)) heldQty[sym] = p.qty;
    // (a resting take-profit is not a sale under way: it is cancelled when a sale needs its coins)
    for (const o of st.openOrders) if (o.resting !== true) heldQty[o.symbol] = (heldQty[o.symbol] ?? 0) + (o.side === 'buy' ? 1 : -1) * (o.qty - o.filledQty);
    const plan = planOrders({ navUsd: ctx.navUsd, heldQty, pricesUsd, advUsd, targetWeights: ctx.approvedWeights }, this.s);
    if (halted || ctx.entriesBlocked) {
      // nothing is bought while halted or while a guardrail blocks entries (netting open sales could otherwise
      // turn a held book into a buy)
      if (plan.buys.length > 0) plan.skipped.push(...plan.buys.map((b) => ({ symbol: b.symbol, reason: halted ? 'halted: no buys' : 'entries blocked: no buys' })));
      plan.buys = [];
    }
    if (plan.skipped.length > 0) ctx.emit('trades', 'orders_skipped', { skipped: plan.skipped });
    // a sale needs the coins a resting take-profit holds back: that order is cancelled first (what it filled is booked)
    const selling = new Set(plan.sells.map((p) => p.symbol));
    const inTheWay = st.openOrders.filter((o) => o.resting === true && o.status !== 'pending' && selling.has(o.symbol));
    if (inTheWay.length > 0) await this.update(ctx, inTheWay, true);
    const rounds: Child[][] = [];
    for (const parent of [...plan.sells, ...plan.buys]) {
      sliceQty(parent, this.s.slicesPerCycle, this.s.minTradeNotionalUsd).forEach((qty, k) => {
        (rounds[k] ??= []).push({ parent, qty, leg: `${parent.side === 'buy' ? 'b' : 's'}${k + 1}` });
      });
    }
    if (rounds.length === 0) {
      await this.keepTakeProfits(ctx);
      return;
    }
    const intervalMs = this.s.orderTtlMs / rounds.length;
    const started = this.s.nowMs();
    const cashBefore = st.cashUsd;
    let sent = 0;
    for (let k = 0; k < rounds.length; k++) {
      if (k > 0) await this.s.wait(intervalMs);
      for (const child of rounds[k]!) {
        const r = await this.sendChild(ctx, child);
        if (r === 'halt') {
          // halted mid-cycle: nothing more goes out, and what rests is cancelled
          await this.update(ctx, st.openOrders.filter((o) => o.placedCycle === ctx.cycle && o.status !== 'pending'), true);
          return;
        }
        if (r === 'sent') sent++;
      }
    }
    await this.workOpenOrders(ctx, started);
    await this.keepTakeProfits(ctx);
    const held = this.heldWeights(ctx);
    ctx.emit('trades', 'execution', {
      orders: sent,
      cashChangeUsd: st.cashUsd - cashBefore,
      heldVar: ctx.varOf?.(held) ?? null,
      maxVar: this.s.maxVar,
      openOrders: st.openOrders.length,
    });
  }

  /** The book held now at this bar's closes, fractions of the NAV after this cycle's fills. */
  private heldWeights(ctx: CycleContext, extra?: { symbol: string; qty: number; costUsd: number }): Record<string, number> {
    const st = ctx.state;
    const px = (s: string) => ctx.snapshot.bars[s]?.close ?? st.positions[s]?.lastPriceUsd ?? 0;
    let nav = st.cashUsd - (extra?.costUsd ?? 0);
    for (const [s, p] of Object.entries(st.positions)) nav += p.qty * px(s);
    const w: Record<string, number> = {};
    if (!(nav > 0)) return w;
    for (const [s, p] of Object.entries(st.positions)) if (p.qty > 0) w[s] = (p.qty * px(s)) / nav;
    if (extra) w[extra.symbol] = (w[extra.symbol] ?? 0) + (extra.qty * px(extra.symbol)) / nav;
    return w;
  }

  /** Sends one slice: 'halt' when the venue said to stop trading. */
  private async sendChild(ctx: CycleContext, c: Child): Promise<'sent' | 'not-sent' | 'halt'> {
    const st = ctx.state;
    let id: string;
    try {
      id = clientOrderId(this.s.prefix, ctx.cycle, c.parent.symbol, c.leg);
    } catch (err) {
      ctx.emit('trades', 'order_failed', { symbol: c.parent.symbol, side: c.parent.side, action: 'skip', error: (err as Error).message });
      return 'not-sent';
    }
    if (ctx.handledOrderIds.has(id) || st.openOrders.some((o) => o.clientOrderId === id)) return 'not-sent';
    let qty = c.qty;
    if (c.parent.side === 'buy') {
      const worst = c.parent.limitPriceUsd ?? c.parent.refPriceUsd * (1 + this.s.maxSlippageBps / 10_000);
      const affordable = Math.max(0, st.cashUsd) / (worst * (1 + this.s.takerFeeBps / 10_000));
      qty = Math.min(qty, affordable);
    } else {
      qty = Math.min(qty, st.positions[c.parent.symbol]?.qty ?? 0);
    }
    qty = this.venue.roundQty?.(c.parent.symbol, qty, c.parent.refPriceUsd) ?? qty;
    if (!(qty > 0) || qty * c.parent.refPriceUsd < this.s.dustUsd) return 'not-sent';
    if (c.parent.side === 'buy' && ctx.varOf !== null) {
      // pre-trade check on what is really held (earlier sales may have filled only in part): a buy may not take
      // the book's 1-day VaR past the limit
      const worstCostUsd = (qty * c.parent.refPriceUsd * (this.s.maxSlippageBps + this.s.takerFeeBps)) / 10_000;
      const after = ctx.varOf(this.heldWeights(ctx, { symbol: c.parent.symbol, qty, costUsd: worstCostUsd }));
      if (after > this.s.maxVar) {
        ctx.emit('trades', 'order_blocked', { clientOrderId: id, symbol: c.parent.symbol, side: 'buy', qty, reason: 'var', varAfter: after, maxVar: this.s.maxVar });
        return 'not-sent';
      }
    }
    const req = { clientOrderId: id, symbol: c.parent.symbol, side: c.parent.side, qty, type: this.s.orderType, limitPriceUsd: c.parent.limitPriceUsd, refPriceUsd: c.parent.refPriceUsd };
    this.sentUsd.set(req.symbol, (this.sentUsd.get(req.symbol) ?? 0) + qty * Math.max(req.refPriceUsd, req.limitPriceUsd ?? 0));
    const exit = req.side === 'sell' ? st.openTrades[req.symbol]?.exit?.reason : undefined;
    return this.send(ctx, req, { exit, recordRefPriceUsd: req.refPriceUsd, fields: { advUsd: c.parent.advUsd, parentQty: c.parent.qty } });
  }

  /**
   * Journals one order's intent, sends it idempotently and records what the venue said: 'halt' when the venue said
   * to stop trading (the kill-switch is then halted).
   */
  private async send(ctx: CycleContext, req: OrderRequest, o: { exit: SaleReason | undefined; resting?: true; recordRefPriceUsd: number; fields: Record<string, unknown> }): Promise<'sent' | 'halt'> {
    const st = ctx.state;
    const id = req.clientOrderId;
    const tags = { ...(o.exit === undefined ? {} : { exit: o.exit }), ...(o.resting ? { resting: o.resting } : {}) };
    this.journal.record({ clientOrderId: id, symbol: req.symbol, cycle: ctx.cycle, ...(o.exit === undefined ? {} : { exit: o.exit }) });
    ctx.handledOrderIds.add(id);
    let out;
    try {
      out = await placeOrder(this.venue, req, this.s.place);
    } catch (err) {
      const e = mapVenueError(err, `submit ${id}`);
      ctx.emit('trades', 'order_failed', { clientOrderId: id, symbol: req.symbol, side: req.side, qty: req.qty, ...(o.resting ? { resting: true } : {}), action: e.action, error: e.message });
      if (ctx.state.killSwitch.state !== 'halted') {
        ctx.state.killSwitch = { state: 'halted', reason: `venue error: ${e.message}`, sinceCycle: ctx.cycle };
        ctx.emit('meta', 'halt', { reason: ctx.state.killSwitch.reason, source: 'execution' });
      }
      return 'halt';
    }
    const placedMs = this.s.nowMs();
    const base = { clientOrderId: id, symbol: req.symbol, side: req.side, qty: req.qty, orderType: req.type, limitPriceUsd: req.limitPriceUsd, refPriceUsd: req.refPriceUsd, ...o.fields, ...(o.resting ? { resting: true } : {}), attempts: out.attempts };
    if (out.kind === 'failed') {
      ctx.emit('trades', 'order_failed', { ...base, action: out.error.action, error: out.error.message });
      return 'sent';
    }
    if (out.kind === 'unknown') {
      const pending = { clientOrderId: id, venueOrderId: '', symbol: req.symbol, side: req.side, qty: req.qty, filledQty: 0, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: req.limitPriceUsd, status: 'open' as const };
      st.openOrders.push({ ...recordOf(pending, ctx, o.recordRefPriceUsd, placedMs), venueOrderId: null, status: 'pending', ...tags });
      ctx.emit('trades', 'order_unknown', { ...base, error: out.error.message });
      return 'sent';
    }
    ctx.emit('trades', out.kind === 'placed' ? 'order_placed' : 'order_adopted', { ...base, venueOrderId: out.order.venueOrderId, status: out.order.status });
    const rec: OpenOrder = { ...recordOf(out.order, ctx, o.recordRefPriceUsd, placedMs), ...tags };
    if (!applyVenueUpdate(ctx, rec, out.order, this.s)) st.openOrders.push(rec);
    return 'sent';
  }

  /** Polls this cycle's resting orders until they fill or their TTL ends, then cancels what is left. */
  private async workOpenOrders(ctx: CycleContext, startedMs: number): Promise<void> {
    const mine = () => ctx.state.openOrders.filter((o) => o.placedCycle === ctx.cycle && o.status !== 'pending' && o.resting !== true);
    const polls = Math.max(1, this.s.slicesPerCycle * 4);
    const pollMs = this.s.orderTtlMs / polls;
    // bounded by a count too: on the simulated clock waiting does not move time
    for (let n = 0; n < polls && mine().length > 0 && this.s.nowMs() - startedMs < this.s.orderTtlMs; n++) {
      await this.s.wait(pollMs);
      await this.update(ctx, mine(), false);
    }
    await this.update(ctx, mine(), true);
  }

  /**
   * One resting take-profit per open trade, for what is held, at the entry price plus the take-profit: placed when
   * missing, replaced when the holding or its entry price moved (a top-up), cancelled when an exit is selling the
   * position or the trade is over. Not while halted (a halt cancels every order).
   */
  private async keepTakeProfits(ctx: CycleContext): Promise<void> {
    const pct = this.s.restingTakeProfitPct;
    const st = ctx.state;
    if (pct === null || st.killSwitch.state === 'halted') return;
    const symbols = [...new Set([...Object.keys(st.openTrades), ...st.openOrders.filter((o) => o.resting === true).map((o) => o.symbol)])].sort();
    for (const sym of symbols) {
      const wanted = this.takeProfitOf(ctx, sym, pct);
      const resting = st.openOrders.filter((o) => o.resting === true && o.symbol === sym);
      // kept while at the right price, selling no more than is held and not much less than would be placed now (the
      // ADV cap moves a little every bar: not a reason to cancel and send again)
      const same = (o: OpenOrder) => {
        const left = o.qty - o.filledQty;
        return wanted !== null && o.status !== 'pending' && o.limitPriceUsd !== null && near(o.limitPriceUsd, wanted.priceUsd, 1e-3) && left <= wanted.availableQty * (1 + 1e-9) && left >= 0.9 * wanted.qty;
      };
      if (resting.length === 1 && same(resting[0]!)) continue;
      if (resting.length > 0) {
        await this.update(ctx, resting.filter((o) => o.status !== 'pending'), true);
        // a cancel not yet confirmed (or an order whose fate is unknown) still holds the coins: next cycle
        if (st.openOrders.some((o) => o.resting === true && o.symbol === sym)) continue;
      }
      const now = this.takeProfitOf(ctx, sym, pct); // a fill of the cancelled order changed the holding
      if (now !== null && (await this.sendTakeProfit(ctx, sym, now)) === 'halt') return;
    }
  }

  /** The take-profit an open trade should have resting now; null when it should have none. */
  private takeProfitOf(ctx: CycleContext, sym: string, pct: number): TakeProfit | null {
    const st = ctx.state;
    const p = st.positions[sym];
    const trade = st.openTrades[sym];
    const refPriceUsd = ctx.snapshot.bars[sym]?.close ?? p?.lastPriceUsd ?? 0;
    if (p === undefined || trade === undefined || trade.exit !== null || ctx.exiting.has(sym) || !(p.avgEntryPriceUsd > 0) || !(refPriceUsd > 0)) return null;
    // coins other orders are selling are not the take-profit's
    let availableQty = p.qty;
    for (const o of st.openOrders) if (o.symbol === sym && o.side === 'sell' && o.resting !== true) availableQty -= Math.max(0, o.qty - o.filledQty);
    const priceUsd = p.avgEntryPriceUsd * (1 + pct / 100);
    // one order like any other under the ADV cap (risk.adv_cap_pct), less what this cycle already sent in the asset:
    // a position larger than that rests in part, and the rest is sold by the exit rules
    const advUsd = ctx.snapshot.liquidity[sym]?.advUsd ?? 0;
    let qty = Math.min(availableQty, Math.max(0, this.s.advCap * advUsd - (this.sentUsd.get(sym) ?? 0)) / priceUsd);
    qty = this.venue.roundQty?.(sym, qty, priceUsd) ?? qty;
    if (!(qty > 0) || qty * priceUsd < this.s.dustUsd) return null;
    return { qty, availableQty, priceUsd, refPriceUsd, advUsd };
  }

  private async sendTakeProfit(ctx: CycleContext, sym: string, tp: TakeProfit): Promise<'sent' | 'halt'> {
    const id = clientOrderId(this.s.prefix, ctx.cycle, sym, 't1');
    if (ctx.handledOrderIds.has(id)) return 'sent'; // placed (and since cancelled) this cycle: next cycle
    const req: OrderRequest = { clientOrderId: id, symbol: sym, side: 'sell', qty: tp.qty, type: 'limit', limitPriceUsd: tp.priceUsd, refPriceUsd: tp.refPriceUsd, timeInForce: 'gtc' };
    this.sentUsd.set(sym, (this.sentUsd.get(sym) ?? 0) + tp.qty * tp.priceUsd);
    // its fills are measured against its own price (the close it was placed at is far below by design)
    return this.send(ctx, req, { exit: 'take_profit', resting: true, recordRefPriceUsd: tp.priceUsd, fields: { advUsd: tp.advUsd } });
  }

  private async update(ctx: CycleContext, recs: OpenOrder[], cancel: boolean): Promise<void> {
    const done = new Set<string>();
    for (const rec of recs) {
      let o = null;
      try {
        o = cancel ? await this.venue.cancel(rec.clientOrderId, rec.symbol) : null;
      } catch (err) {
        if (mapVenueError(err, `cancel ${rec.clientOrderId}`).action === 'halt') throw err;
      }
      const now = o ?? (await lookupOrder(this.venue, rec.clientOrderId, rec.symbol, this.s.place));
      if (now === 'unknown' || now === null) continue; // looked at again next cycle
      if (applyVenueUpdate(ctx, rec, now, this.s)) done.add(rec.clientOrderId);
    }
    ctx.state.openOrders = ctx.state.openOrders.filter((o) => !done.has(o.clientOrderId));
  }
}

/** Equal within a relative tolerance (a venue rounds prices and quantities to its own precision). */
const near = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
