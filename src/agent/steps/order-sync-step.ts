import { markToMarket } from '../../portfolio/mark-to-market.js';
import { parseClientOrderId } from '../../execution/client-order-id.js';
import { lookupOrder, type PlaceOptions } from '../../execution/order-placer.js';
import { isTerminal, type Venue, type VenueBalances, type VenueOrder } from '../../execution/venue.js';
import { mapVenueError, VenueError } from '../../execution/venue-errors.js';
import type { OrderJournal } from '../../state/order-journal.js';
import { sleeveValueUsd, type OpenOrder } from '../../state/schema.js';
import { applyVenueUpdate, recordOf } from '../order-book-keeping.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface OrderSyncSettings {
  prefix: string;
  orderTtlMs: number;
  /** Mismatch between state and venue, as a fraction of NAV, above which trading halts. */
  reconcileTolerance: number;
  dustUsd: number;
  /** Assets that count in the reconciliation (what the market serves); other venue balances are only reported. */
  tracked: ReadonlySet<string>;
  place: PlaceOptions;
  nowMs: () => number;
}

/**
 * First thing after the data checks: brings the book in state up to the venue. It adopts orders a crashed cycle sent
 * (from the write-ahead journal) and open orders carrying our prefix that state does not know; applies every fill
 * since the last look (a resting take-profit's too); cancels orders past their TTL (all of them, resting ones too, when
 * trading is halted); then reconciles cash and
 * positions with the venue's balances. Small differences (fees in another coin, rounding) are adopted from the
 * venue; a difference above the tolerance halts trading with a clear event instead of trading on a wrong book.
 * Finally it values the book at this bar's closes: the NAV and current weights every later step works from.
 */
export class OrderSyncStep implements CycleStep {
  readonly name = 'order-sync';
  private reportedForeign = new Set<string>();

  constructor(
    private readonly venue: Venue,
    private readonly journal: OrderJournal,
    private readonly s: OrderSyncSettings,
  ) {}

  async run(ctx: CycleContext): Promise<void> {
    this.venue.observe?.(ctx.snapshot);
    try {
      await this.sync(ctx);
    } catch (err) {
      const e = err instanceof VenueError ? err : mapVenueError(err, 'order sync');
      if (e.action === 'halt') this.halt(ctx, `venue error: ${e.message}`);
      ctx.tradingBlocked = `venue unreachable during order sync: ${e.message}`;
      ctx.emit('trades', 'sync_failed', { error: e.message, action: e.action });
    }
    this.valueBook(ctx);
  }

  private async sync(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    const known = new Set(st.openOrders.map((o) => o.clientOrderId));
    this.journal.prune(st.lastCompletedCycle);
    for (const intent of this.journal.unsettled(st.lastCompletedCycle)) {
      if (known.has(intent.clientOrderId)) continue;
      const found = await lookupOrder(this.venue, intent.clientOrderId, intent.symbol, this.s.place);
      if (found === null) continue; // never reached the venue
      known.add(intent.clientOrderId);
      ctx.handledOrderIds.add(intent.clientOrderId);
      const rec = found === 'unknown' ? this.pendingRecord(intent.clientOrderId, intent.symbol, intent.cycle) : recordOf(found, ctx, 0, this.s.nowMs(), intent.cycle);
      if (intent.exit !== undefined) rec.exit = intent.exit;
      st.openOrders.push(rec);
      ctx.emit('trades', 'order_adopted', { clientOrderId: intent.clientOrderId, symbol: intent.symbol, from: 'journal', found: found !== 'unknown' });
    }
    for (const o of await this.venue.openOrders(this.s.prefix)) {
      if (known.has(o.clientOrderId)) continue;
      const parsed = parseClientOrderId(o.clientOrderId, this.s.prefix);
      known.add(o.clientOrderId);
      const rec = recordOf(o, ctx, o.limitPriceUsd ?? 0, this.s.nowMs(), parsed?.cycle ?? ctx.cycle);
      // a take-profit left on the venue (its `t` leg) keeps resting, and its fills close the trade as a take-profit
      if (parsed?.leg.startsWith('t') === true) Object.assign(rec, { resting: true, exit: 'take_profit' });
      st.openOrders.push(rec);
      ctx.emit('trades', 'order_adopted', { clientOrderId: o.clientOrderId, symbol: o.symbol, from: 'venue', qty: o.qty, filledQty: o.filledQty });
    }
    const halted = st.killSwitch.state === 'halted';
    const keep: OpenOrder[] = [];
    for (const rec of st.openOrders) {
      const o = await this.refresh(rec, halted);
      if (o === 'unknown') {
        keep.push(rec);
        continue;
      }
      if (o === null) {
        ctx.emit('trades', 'order_closed', { clientOrderId: rec.clientOrderId, symbol: rec.symbol, status: 'never_placed', filledQty: 0, qty: rec.qty });
        continue;
      }
      if (!applyVenueUpdate(ctx, rec, o, this.s)) keep.push(rec);
    }
    st.openOrders = keep;
    const balances = await this.venue.balances();
    this.reconcile(ctx, balances, await this.movedResting(ctx));
  }

  /**
   * Resting orders that filled between their look above and the balances: only they can explain a difference. Looked
   * at again after the balances (a resting take-profit may sit for days: counting it as in flight all that time would
   * stop the reconciliation from adopting or flagging anything).
   */
  private async movedResting(ctx: CycleContext): Promise<Set<string>> {
    const moved = new Set<string>();
    for (const rec of ctx.state.openOrders) {
      if (rec.resting !== true || rec.status === 'pending') continue;
      const o = await lookupOrder(this.venue, rec.clientOrderId, rec.symbol, this.s.place);
      if (o === null || o === 'unknown' || o.filledQty !== rec.filledQty) moved.add(rec.clientOrderId);
    }
    return moved;
  }

  /** What open orders could still fill, in USD: a reconciliation while they rest may be off by up to this much. */
  private inFlightUsd(ctx: CycleContext, movedResting: ReadonlySet<string>): number {
    let usd = 0;
    for (const o of ctx.state.openOrders) {
      if (o.resting === true && o.status !== 'pending' && !movedResting.has(o.clientOrderId)) continue;
      const px = ctx.snapshot.bars[o.symbol]?.close ?? o.limitPriceUsd ?? o.refPriceUsd;
      // the coins at the close, the cash at up to the limit (a resting take-profit fills far above the close)
      usd += (o.status === 'pending' ? Math.max(o.qty, 0) : o.qty - o.filledQty) * (px + Math.max(px, o.limitPriceUsd ?? px));
    }
    return usd;
  }

  /** The venue's latest on one order, cancelled when it has outlived its TTL or trading is halted. */
  private async refresh(rec: OpenOrder, halted: boolean): Promise<VenueOrder | null | 'unknown'> {
    const expired = rec.resting !== true && this.s.nowMs() - rec.placedMs >= this.s.orderTtlMs;
    const seen = await lookupOrder(this.venue, rec.clientOrderId, rec.symbol, this.s.place);
    if (seen === null || seen === 'unknown' || isTerminal(seen.status) || !(expired || halted)) return seen;
    try {
      return (await this.venue.cancel(rec.clientOrderId, rec.symbol)) ?? seen;
    } catch (err) {
      const e = mapVenueError(err, `cancel ${rec.clientOrderId}`);
      if (e.action === 'halt') throw e;
      return seen; // cancelled next cycle
    }
  }

  private pendingRecord(clientOrderId: string, symbol: string, cycle: number): OpenOrder {
    return { clientOrderId, venueOrderId: null, symbol, side: 'buy', qty: 0, filledQty: 0, limitPriceUsd: null, refPriceUsd: 0, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, placedCycle: cycle, placedMs: this.s.nowMs(), status: 'pending' };
  }

  private reconcile(ctx: CycleContext, b: VenueBalances, movedResting: ReadonlySet<string>): void {
    const st = ctx.state;
    const prices = (s: string) => ctx.snapshot.bars[s]?.close ?? st.positions[s]?.lastPriceUsd ?? 0;
    const nav = markToMarket(st.positions, st.cashUsd, Object.fromEntries(Object.keys(st.positions).map((s) => [s, prices(s)]))).navUsd;
    const diffs: Record<string, number> = {};
    let mismatchUsd = Math.abs(b.cashUsd - st.cashUsd);
    if (mismatchUsd > 0) diffs.cashUsd = b.cashUsd - st.cashUsd;
    for (const s of [...new Set([...Object.keys(st.positions), ...Object.keys(b.assets)])].sort()) {
      if (!this.s.tracked.has(s) && st.positions[s] === undefined) {
        if (!this.reportedForeign.has(s)) ctx.emit('meta', 'unknown_position', { symbol: s, qty: b.assets[s], note: 'held at the venue, not traded by COCE: left alone' });
        this.reportedForeign.add(s);
        continue;
      }
      const dq = (b.assets[s] ?? 0) - (st.positions[s]?.qty ?? 0);
      if (dq === 0) continue;
      diffs[s] = dq;
      mismatchUsd += Math.abs(dq) * prices(s);
    }
    if (Object.keys(diffs).length === 0) return;
    const fraction = nav > 0 ? mismatchUsd / nav : Infinity;
    // a book worth nothing has no percentage to show (never "Infinity %"): the event carries null, the reason the NAV
    const mismatchPct = nav > 0 ? 100 * fraction : null;
    const share = nav > 0 ? `${(100 * fraction).toFixed(3)} % of NAV` : `NAV ${nav.toFixed(2)} USD`;
    // orders still resting can fill between our look at them and the balances: a difference they could explain is
    // neither adopted (it would be counted again when their fill is applied) nor a reason to halt
    const inFlight = this.inFlightUsd(ctx, movedResting);
    if (inFlight > 0) {
      if (mismatchUsd > inFlight + this.s.reconcileTolerance * nav) {
        ctx.emit('meta', 'reconcile_mismatch', { mismatchUsd, mismatchPct, tolerancePct: 100 * this.s.reconcileTolerance, inFlightUsd: inFlight, diffs });
        this.halt(ctx, `state and venue differ by ${mismatchUsd.toFixed(2)} USD with ${inFlight.toFixed(2)} USD of orders in flight`);
        ctx.tradingBlocked = 'reconciliation mismatch';
      }
      return;
    }
    if (fraction > this.s.reconcileTolerance) {
      ctx.emit('meta', 'reconcile_mismatch', { mismatchUsd, mismatchPct, tolerancePct: 100 * this.s.reconcileTolerance, diffs });
      this.halt(ctx, `state and venue differ by ${mismatchUsd.toFixed(2)} USD (${share}, tolerance ${(100 * this.s.reconcileTolerance).toFixed(3)} %)`);
      ctx.tradingBlocked = 'reconciliation mismatch';
      return;
    }
    // within tolerance: the venue's numbers are the truth
    st.cashUsd = b.cashUsd;
    for (const s of Object.keys(diffs)) {
      if (s === 'cashUsd') continue;
      const qty = b.assets[s] ?? 0;
      const p = st.positions[s];
      if (qty === 0) delete st.positions[s];
      else st.positions[s] = p === undefined ? { qty, avgEntryPriceUsd: prices(s), lastPriceUsd: prices(s), openedCycle: ctx.cycle, realizedPnlUsd: 0 } : { ...p, qty };
    }
    if (mismatchUsd > 1e-6) ctx.emit('meta', 'reconcile_adjusted', { mismatchUsd, mismatchPct, diffs });
  }

  private halt(ctx: CycleContext, reason: string): void {
    if (ctx.state.killSwitch.state === 'halted') return;
    ctx.state.killSwitch = { state: 'halted', reason, sinceCycle: ctx.cycle };
    ctx.emit('meta', 'halt', { reason, source: 'execution' });
  }

  private valueBook(ctx: CycleContext): void {
    const prices: Record<string, number> = {};
    for (const symbol in ctx.snapshot.bars) prices[symbol] = ctx.snapshot.bars[symbol]!.close;
    const m = markToMarket(ctx.state.positions, ctx.state.cashUsd, prices);
    // the NAV every step sizes from is the whole account: core book and options sleeve
    m.navUsd += sleeveValueUsd(ctx.state);
    ctx.navUsd = m.navUsd;
    if (ctx.state.lastCompletedCycle === null && ctx.state.equityCurve.length === 0) {
      // the run's first cycle: its NAV is the base of the run's return and the first peak
      ctx.state.startNavUsd = m.navUsd;
      ctx.state.peakEquityUsd = m.navUsd;
      for (const [s, p] of Object.entries(ctx.state.positions)) if (p.avgEntryPriceUsd === 0) p.avgEntryPriceUsd = m.positions[s]!.lastPriceUsd;
    }
    const w: Record<string, number> = {};
    if (m.navUsd > 0) for (const [s, p] of Object.entries(m.positions)) if (p.qty > 0) w[s] = (p.qty * p.lastPriceUsd) / m.navUsd;
    ctx.currentWeights = w;
  }
}
