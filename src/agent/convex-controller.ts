import type { OptionsVenue } from '../options/options-venue.js';
import { mapVenueError } from '../execution/venue-errors.js';
import { parseInstrument } from '../options/instrument.js';
import { budgetAt, contractsWithinBudget, selectOption, type SleeveSettings } from '../options/sleeve.js';
import type { SleevePosition } from '../state/schema.js';
import type { CycleContext, CycleStep } from './cycle-step.js';

export interface ConvexSettings extends SleeveSettings {
  runEveryBars: number;
  /** false: the sleeve is off (--sleeve core, or sleeve.enabled false) but options are still held: settle and mark only. */
  trading: boolean;
}

const DAY = 86_400_000;

/**
 * The convexity sleeve: deep-OTM calls (and puts when configured) on BTC and ETH within a hard premium budget.
 * Every bar it settles expired options at the settlement price and marks the rest. On its decision bars
 * (sleeve.run_every_bars) it takes profit on options worth take_profit_multiple x their premium, rolls those within
 * roll_dte_days of expiry, and fills each empty slot (underlying x type) with the option `selectOption` picks, sized so
 * the period's premium never exceeds budget_pct_nav of NAV: checked before every order and again from the fill.
 * Nothing is bought while the kill-switch is halted. Its flows go to its own account (state.sleeve), not the core
 * book's cash.
 */
export class ConvexController implements CycleStep {
  readonly name = 'convex-sleeve';

  constructor(
    private readonly venue: OptionsVenue,
    private readonly s: ConvexSettings,
  ) {}

  async run(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    this.venue.observe?.(ctx.snapshot);
    try {
      await this.settleExpired(ctx);
      if (this.s.trading && ctx.cycle % this.s.runEveryBars === 0) await this.decide(ctx);
      await this.mark(ctx);
    } catch (err) {
      // a venue fault costs the sleeve this bar, never the cycle: what was done is already booked, the rest waits;
      // a credentials or permission fault halts trading
      const e = mapVenueError(err, 'options');
      ctx.emit('meta', 'sleeve_error', { sleeve: 'convex', error: e.message, action: e.action });
      if (e.action === 'halt' && st.killSwitch.state !== 'halted') {
        st.killSwitch = { state: 'halted', reason: `options venue: ${e.message}`, sinceCycle: ctx.cycle };
        ctx.emit('meta', 'halt', { reason: st.killSwitch.reason, source: 'sleeve' });
      }
    }
    st.sleevePositions.sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
  }

  /** Takes one position out of the book (or part of it, pro rata), at once: a later fault cannot book it twice. */
  private reduce(ctx: CycleContext, p: SleevePosition, qty: number): void {
    const st = ctx.state;
    if (qty >= p.qty - 1e-12) {
      st.sleevePositions = st.sleevePositions.filter((x) => x !== p);
      return;
    }
    const left = (p.qty - qty) / p.qty;
    p.premiumPaidUsd *= left;
    p.markUsd *= left;
    p.qty = Number((p.qty - qty).toFixed(8));
  }

  private async settleExpired(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    for (const p of [...st.sleevePositions]) {
      const inst = parseInstrument(p.instrument);
      if (inst.expiryMs > ctx.closeMs) continue;
      const settle = await this.venue.settlementUsd(inst.underlying, inst.expiryMs);
      // no settlement price yet (a missed bar): keep it, settle when the venue has one
      if (settle === null) continue;
      const payoffUsd = p.qty * Math.max(0, inst.type === 'call' ? settle - inst.strike : inst.strike - settle);
      st.sleeve.cashUsd += payoffUsd;
      this.reduce(ctx, p, p.qty);
      ctx.emit('trades', 'option_settled', { sleeve: 'convex', instrument: p.instrument, qty: p.qty, settlementUsd: settle, settledAtMs: ctx.closeMs, payoffUsd, premiumPaidUsd: p.premiumPaidUsd, pnlUsd: payoffUsd - p.premiumPaidUsd });
    }
  }

  /**
   * The venue's positions are the truth for what is held (a cycle that crashed after a fill, or an order whose answer
   * was lost): an option held there and not in state is adopted (its premium estimated at the mark and counted in
   * the period's spend); one in state the venue no longer holds is dropped. Paper venues have no separate book.
   */
  private async reconcile(ctx: CycleContext): Promise<void> {
    if (this.venue.positions === undefined) return;
    const st = ctx.state;
    const held = await this.venue.positions(this.s.underlyings);
    for (const [instrument, qty] of Object.entries(held)) {
      const mine = st.sleevePositions.find((p) => p.instrument === instrument);
      const extra = qty - (mine?.qty ?? 0);
      if (extra <= 1e-9) continue;
      const q = await this.venue.quote(instrument, ctx.closeMs);
      const valueUsd = q === null ? 0 : q.mark * q.indexUsd * extra;
      if (mine === undefined) st.sleevePositions.push({ instrument, qty: extra, premiumPaidUsd: valueUsd, openedCycle: ctx.cycle, markUsd: valueUsd });
      else {
        mine.qty = qty;
        mine.premiumPaidUsd += valueUsd;
      }
      st.sleeve.cashUsd -= valueUsd;
      st.sleeve.periodSpentUsd += valueUsd;
      ctx.emit('trades', 'option_adopted', { sleeve: 'convex', instrument, qty: extra, estimatedCostUsd: valueUsd });
    }
    for (const p of [...st.sleevePositions]) {
      const there = held[p.instrument] ?? 0;
      if (there >= p.qty - 1e-9 || parseInstrument(p.instrument).expiryMs <= ctx.closeMs) continue;
      ctx.emit('trades', 'option_dropped', { sleeve: 'convex', instrument: p.instrument, qty: p.qty - there, note: 'not held at the venue' });
      this.reduce(ctx, p, p.qty - there);
    }
  }

  private async decide(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    const s = this.s;
    const b = budgetAt({ periodStartMs: st.sleeve.periodStartMs ?? ctx.closeMs, spentUsd: st.sleeve.periodSpentUsd }, ctx.closeMs, s.budgetPeriodMs);
    st.sleeve.periodStartMs = b.periodStartMs;
    st.sleeve.periodSpentUsd = b.spentUsd;
    await this.reconcile(ctx);
    // take profit and roll
    for (const p of [...st.sleevePositions]) {
      const inst = parseInstrument(p.instrument);
      if (inst.expiryMs <= ctx.closeMs) continue;
      const q = await this.venue.quote(p.instrument, ctx.closeMs);
      const valueUsd = q === null ? 0 : q.bid * q.indexUsd * p.qty;
      const reason = valueUsd >= s.takeProfitMultiple * p.premiumPaidUsd ? 'take_profit' : (inst.expiryMs - ctx.closeMs) / DAY <= s.rollDteDays && valueUsd > 0 ? 'roll' : null;
      if (reason === null || q === null) continue;
      const f = await this.venue.trade(p.instrument, 'sell', p.qty, q.bid, ctx.closeMs);
      if (!(f.indexUsd > 0)) f.indexUsd = q.indexUsd;
      const proceedsUsd = (f.priceCoin * f.qty - f.feeCoin) * f.indexUsd;
      const paidUsd = (p.premiumPaidUsd * f.qty) / p.qty;
      st.sleeve.cashUsd += proceedsUsd;
      this.reduce(ctx, p, f.qty);
      ctx.emit('trades', 'option_fill', { sleeve: 'convex', reason, instrument: f.instrument, side: 'sell', qty: f.qty, priceCoin: f.priceCoin, feeCoin: f.feeCoin, indexUsd: f.indexUsd, proceedsUsd, pnlUsd: proceedsUsd - paidUsd });
    }
    if (st.killSwitch.state === 'halted') {
      ctx.emit('meta', 'sleeve_decision', { sleeve: 'convex', bought: 0, reason: 'halted: no new options', periodSpentUsd: st.sleeve.periodSpentUsd });
      return;
    }
    // fill empty slots, each with its share of what is left of the period's budget; an option inside the roll window
    // that could not be sold (no bid) no longer holds its slot
    const types = s.includePuts ? (['call', 'put'] as const) : (['call'] as const);
    const slots = s.underlyings.flatMap((u) => types.map((t) => [u, t] as const));
    const live = st.sleevePositions.filter((p) => (parseInstrument(p.instrument).expiryMs - ctx.closeMs) / DAY > s.rollDteDays);
    const empty = slots.filter(([u, t]) => !live.some((p) => p.instrument.startsWith(`${u}-`) && p.instrument.endsWith(t === 'call' ? '-C' : '-P')));
    let bought = 0;
    const skipped: string[] = [];
    for (const [k, [u, t]] of empty.entries()) {
      const budgetUsd = s.budgetFraction * ctx.navUsd;
      const leftUsd = budgetUsd - st.sleeve.periodSpentUsd;
      // sized with a 1 % margin: the fill converts at the index of the moment, which may differ from the quote's
      const allowanceUsd = (leftUsd / (empty.length - k)) * 0.99;
      const q = selectOption(await this.venue.chain(u, ctx.closeMs), u, t, ctx.closeMs, s);
      if (q === null) {
        skipped.push(`${u} ${t}: nothing in the delta, expiry and liquidity bands`);
        continue;
      }
      const qty = contractsWithinBudget(q, allowanceUsd);
      if (!(qty > 0)) {
        skipped.push(`${u} ${t}: ${q.instrument} does not fit the budget left (${leftUsd.toFixed(2)} USD)`);
        continue;
      }
      let f;
      try {
        f = await this.venue.trade(q.instrument, 'buy', qty, q.ask, ctx.closeMs);
      } catch (err) {
        const e = mapVenueError(err, `buy ${q.instrument}`);
        if (e.action === 'halt') throw e;
        // not filled, or fate unknown: the next decision's reconciliation adopts it if it did fill
        skipped.push(`${u} ${t}: ${q.instrument} not bought (${e.message})`);
        if (e.action === 'unknown') break;
        continue;
      }
      if (!(f.indexUsd > 0)) f.indexUsd = q.indexUsd;
      const costUsd = (f.priceCoin * f.qty + f.feeCoin) * f.indexUsd;
      st.sleeve.cashUsd -= costUsd;
      st.sleeve.periodSpentUsd += costUsd;
      const existing = st.sleevePositions.find((p) => p.instrument === f.instrument);
      if (existing) {
        existing.qty = Number((existing.qty + f.qty).toFixed(8));
        existing.premiumPaidUsd += costUsd;
      } else st.sleevePositions.push({ instrument: f.instrument, qty: f.qty, premiumPaidUsd: costUsd, openedCycle: ctx.cycle, markUsd: q.mark * q.indexUsd * f.qty });
      bought++;
      ctx.emit('trades', 'option_fill', { sleeve: 'convex', reason: 'open', instrument: f.instrument, side: 'buy', qty: f.qty, priceCoin: f.priceCoin, feeCoin: f.feeCoin, indexUsd: f.indexUsd, costUsd, budgetUsd, periodSpentUsd: st.sleeve.periodSpentUsd });
      // checked again from the fill: a fill dearer than its quote must not pass unnoticed
      if (st.sleeve.periodSpentUsd > budgetUsd * (1 + 1e-9)) {
        ctx.emit('meta', 'sleeve_budget_breach', { sleeve: 'convex', periodSpentUsd: st.sleeve.periodSpentUsd, budgetUsd });
        break;
      }
    }
    ctx.emit('meta', 'sleeve_decision', { sleeve: 'convex', bought, skipped, budgetUsd: s.budgetFraction * ctx.navUsd, periodSpentUsd: st.sleeve.periodSpentUsd, periodStartMs: st.sleeve.periodStartMs, held: st.sleevePositions.map((p) => p.instrument) });
  }

  private async mark(ctx: CycleContext): Promise<void> {
    for (const p of ctx.state.sleevePositions) {
      const q = await this.venue.quote(p.instrument, ctx.closeMs);
      p.markUsd = q === null ? 0 : q.mark * q.indexUsd * p.qty;
    }
  }
}
