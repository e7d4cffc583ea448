import { applyFill } from '../execution/ledger.js';
import { isTerminal, type VenueOrder } from '../execution/venue.js';
import type { CloseReason } from '../domain/trade.js';
import type { OpenOrder } from '../state/schema.js';
import type { CycleContext } from './cycle-step.js';

/** Closed trades kept in state: far more than any audit window needs, bounded for a daemon that runs for months. */
export const MAX_CLOSED_TRADES = 5000;

export interface BookKeepingSettings {
  /** A round trip is closed when what is left is worth less than this. */
  dustUsd: number;
}

/** The state record of an order the venue has reported. */
export function recordOf(o: VenueOrder, ctx: CycleContext, refPriceUsd: number, placedMs: number, placedCycle = ctx.cycle): OpenOrder {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    filledQty: 0,
    limitPriceUsd: o.limitPriceUsd,
    refPriceUsd,
    avgFillPriceUsd: 0,
    feeUsd: 0,
    feeBaseQty: 0,
    placedCycle,
    placedMs,
    status: 'open',
  };
}

/**
 * Brings one recorded order up to what the venue reports: the fill increase since the record (its quantity, the
 * average price of just that increase, its fee) goes to cash and positions, with a `fill` event in trades.jsonl;
 * a round trip that ends becomes a closed trade. Returns whether the order is finished (filled, cancelled, rejected).
 */
export function applyVenueUpdate(ctx: CycleContext, rec: OpenOrder, o: VenueOrder, s: BookKeepingSettings): boolean {
  // a record adopted while its order's fate was unknown learns what the order is from the venue
  rec.side = o.side;
  rec.qty = o.qty;
  rec.limitPriceUsd = o.limitPriceUsd;
  const dq = o.filledQty - rec.filledQty;
  if (dq > 1e-12 * Math.max(1, o.qty)) {
    const priceUsd = (o.avgFillPriceUsd * o.filledQty - rec.avgFillPriceUsd * rec.filledQty) / dq;
    const feeUsd = Math.max(0, o.feeUsd - rec.feeUsd);
    const feeBaseQty = Math.max(0, o.feeBaseQty - rec.feeBaseQty);
    const r = applyFill({ cashUsd: ctx.state.cashUsd, positions: ctx.state.positions }, { symbol: o.symbol, side: o.side, qty: dq, priceUsd, feeUsd, feeBaseQty, cycle: ctx.cycle }, s.dustUsd);
    ctx.state.cashUsd = r.cashUsd;
    ctx.state.positions = r.positions;
    const sign = o.side === 'buy' ? 1 : -1;
    ctx.emit('trades', 'fill', {
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      qty: dq,
      priceUsd,
      refPriceUsd: rec.refPriceUsd,
      notionalUsd: dq * priceUsd,
      slippageBps: rec.refPriceUsd > 0 ? (sign * (priceUsd - rec.refPriceUsd) * 10_000) / rec.refPriceUsd : 0,
      slippageUsd: dq * sign * (priceUsd - rec.refPriceUsd),
      feeUsd,
      ...(feeBaseQty > 0 ? { feeBaseQty } : {}),
      orderFilledQty: o.filledQty,
      orderQty: o.qty,
    });
    if (r.closed) {
      // the exit that asked for the sale (the order carries it, also when a restart adopted it); otherwise the
      // kill-switch's flattening or a guardrail's reduction
      const exit: CloseReason = rec.exit ?? ctx.state.openTrades[o.symbol]?.exit?.reason ?? (ctx.state.killSwitch.state === 'halted' ? 'halt' : 'risk');
      delete ctx.state.openTrades[o.symbol];
      const closed = { ...r.closed, exit };
      ctx.state.closedTrades.push(closed);
      if (ctx.state.closedTrades.length > MAX_CLOSED_TRADES) ctx.state.closedTrades.splice(0, ctx.state.closedTrades.length - MAX_CLOSED_TRADES);
      ctx.emit('trades', 'trade_closed', { symbol: closed.symbol, openedCycle: closed.openedCycle, pnlUsd: closed.pnlUsd, exit });
    }
    rec.filledQty = o.filledQty;
    rec.avgFillPriceUsd = o.avgFillPriceUsd;
    rec.feeUsd = Math.max(rec.feeUsd, o.feeUsd);
    rec.feeBaseQty = Math.max(rec.feeBaseQty, o.feeBaseQty);
  }
  rec.venueOrderId = o.venueOrderId;
  if (isTerminal(o.status)) {
    ctx.emit('trades', 'order_closed', { clientOrderId: o.clientOrderId, symbol: o.symbol, status: o.status, filledQty: o.filledQty, qty: o.qty });
    return true;
  }
  rec.status = o.filledQty > 0 ? 'partially_filled' : 'open';
  return false;
}

