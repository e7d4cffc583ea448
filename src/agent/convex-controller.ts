import type { OptionsVenue } from '../options/options-venue.js';
import { parseInstrument } from '../options/instrument.js';
import { budgetAt, contractsWithinBudget, selectOption, type SleeveSettings } from '../options/sleeve.js';
import type { SleevePosition } from '../state/schema.js';
import type { CycleContext, CycleStep } from './cycle-step.js';

export interface ConvexSettings extends SleeveSettings {
  runEveryBars: number;
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
      if (ctx.cycle % this.s.runEveryBars === 0) await this.decide(ctx);
      await this.mark(ctx);
    } catch (err) {
      // a venue fault costs the sleeve this bar, never the cycle: what was done is booked, the rest waits
      ctx.emit('meta', 'sleeve_error', { sleeve: 'convex', error: (err as Error)?.message ?? String(err) });
    }
    st.sleevePositions.sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
  }

  private async settleExpired(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    const keep: SleevePosition[] = [];
    for (const p of st.sleevePositions) {
      const inst = parseInstrument(p.instrument);
      if (inst.expiryMs > ctx.closeMs) {
        keep.push(p);
        continue;
      }
      const settle = await this.venue.settlementUsd(inst.underlying, inst.expiryMs);
      // no settlement price yet (a missed bar): keep it, settle when the venue has one
      if (settle === null) {
        keep.push(p);
        continue;
      }
      const payoffUsd = p.qty * Math.max(0, inst.type === 'call' ? settle - inst.strike : inst.strike - settle);
      st.sleeve.cashUsd += payoffUsd;
      ctx.emit('trades', 'option_settled', { sleeve: 'convex', instrument: p.instrument, qty: p.qty, settlementUsd: settle, payoffUsd, premiumPaidUsd: p.premiumPaidUsd, pnlUsd: payoffUsd - p.premiumPaidUsd });
    }
    st.sleevePositions = keep;
  }

  private async decide(ctx: CycleContext): Promise<void> {
    const st = ctx.state;
    const s = this.s;
    const b = budgetAt({ periodStartMs: st.sleeve.periodStartMs ?? ctx.closeMs, spentUsd: st.sleeve.periodSpentUsd }, ctx.closeMs, s.budgetPeriodMs);
    st.sleeve.periodStartMs = b.periodStartMs;
    st.sleeve.periodSpentUsd = b.spentUsd;
    // take profit and roll
    const keep: SleevePosition[] = [];
    for (const p of st.sleevePositions) {
      const inst = parseInstrument(p.instrument);
      const q = await this.venue.quote(p.instrument, ctx.closeMs);
      const valueUsd = q === null ? 0 : q.bid * q.indexUsd * p.qty;
      const reason = valueUsd >= s.takeProfitMultiple * p.premiumPaidUsd ? 'take_profit' : (inst.expiryMs - ctx.closeMs) / DAY <= s.rollDteDays && valueUsd > 0 ? 'roll' : null;
      if (reason === null || q === null) {
        keep.push(p);
        continue;
      }
      const f = await this.venue.trade(p.instrument, 'sell', p.qty, q.bid, ctx.closeMs);
      if (!(f.indexUsd > 0)) f.indexUsd = q.indexUsd;
      const proceedsUsd = (f.priceCoin - f.feeCoin / f.qty) * f.qty * f.indexUsd;
      st.sleeve.cashUsd += proceedsUsd;
      ctx.emit('trades', 'option_fill', { sleeve: 'convex', reason, instrument: f.instrument, side: 'sell', qty: f.qty, priceCoin: f.priceCoin, feeCoin: f.feeCoin, indexUsd: f.indexUsd, proceedsUsd, pnlUsd: proceedsUsd - p.premiumPaidUsd });
    }
    st.sleevePositions = keep;
    if (st.killSwitch.state === 'halted') {
      ctx.emit('meta', 'sleeve_decision', { sleeve: 'convex', bought: 0, reason: 'halted: no new options', periodSpentUsd: st.sleeve.periodSpentUsd });
      return;
    }
    // fill empty slots, each with its share of what is left of the period's budget
    const types = s.includePuts ? (['call', 'put'] as const) : (['call'] as const);
    const slots = s.underlyings.flatMap((u) => types.map((t) => [u, t] as const));
    const empty = slots.filter(([u, t]) => !st.sleevePositions.some((p) => p.instrument.startsWith(`${u}-`) && p.instrument.endsWith(t === 'call' ? '-C' : '-P')));
    let bought = 0;
    const skipped: string[] = [];
    for (const [k, [u, t]] of empty.entries()) {
      const budgetUsd = s.budgetFraction * ctx.navUsd;
      const leftUsd = budgetUsd - st.sleeve.periodSpentUsd;
      const allowanceUsd = leftUsd / (empty.length - k);
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
      const f = await this.venue.trade(q.instrument, 'buy', qty, q.ask, ctx.closeMs);
      if (!(f.indexUsd > 0)) f.indexUsd = q.indexUsd;
      const costUsd = (f.priceCoin * f.qty + f.feeCoin) * f.indexUsd;
      st.sleeve.cashUsd -= costUsd;
      st.sleeve.periodSpentUsd += costUsd;
      st.sleevePositions.push({ instrument: f.instrument, qty: f.qty, premiumPaidUsd: costUsd, openedCycle: ctx.cycle, markUsd: q.mark * q.indexUsd * f.qty });
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
