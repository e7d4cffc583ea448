import type { ClosedTrade, Position } from '../state/schema.js';
import type { OrderSide } from './venue.js';

export interface Fill {
  symbol: string;
  side: OrderSide;
  qty: number;
  priceUsd: number;
  feeUsd: number;
  cycle: number;
}

export interface Book {
  cashUsd: number;
  positions: Record<string, Position>;
}

export interface LedgerResult extends Book {
  /** Set when this fill brought the position back to (dust-)flat: one round trip, fees included. */
  closed: ClosedTrade | null;
}

/**
 * Applies one fill to cash and positions. A buy moves the average entry price (fill price, fees booked as realised
 * cost); a sell realises (price - average entry) x qty minus its fee. When what is left is worth less than `dustUsd`
 * the round trip is closed: its P&L is one trade for the hit rate, and the position (dust included, so the book still
 * matches the venue) starts a new round trip on its next buy. Pure.
 */
export function applyFill(book: Book, f: Fill, dustUsd: number): LedgerResult {
  const positions = { ...book.positions };
  const held = positions[f.symbol];
  const notional = f.qty * f.priceUsd;
  if (f.side === 'buy') {
    const fresh = held === undefined || held.qty * f.priceUsd < dustUsd;
    const qty = (held?.qty ?? 0) + f.qty;
    positions[f.symbol] = {
      qty,
      avgEntryPriceUsd: fresh ? f.priceUsd : (held.qty * held.avgEntryPriceUsd + notional) / qty,
      lastPriceUsd: f.priceUsd,
      openedCycle: fresh ? f.cycle : held.openedCycle,
      realizedPnlUsd: (fresh ? 0 : held.realizedPnlUsd) - f.feeUsd,
    };
    return { cashUsd: book.cashUsd - notional - f.feeUsd, positions, closed: null };
  }
  if (held === undefined) throw new RangeError(`sell fill for ${f.symbol}, which is not held`);
  const pnl = (f.priceUsd - held.avgEntryPriceUsd) * f.qty - f.feeUsd;
  const left = held.qty - f.qty;
  const realizedPnlUsd = held.realizedPnlUsd + pnl;
  const flat = Math.abs(left) * f.priceUsd < dustUsd;
  let closed: ClosedTrade | null = null;
  if (flat) closed = { closedCycle: f.cycle, symbol: f.symbol, openedCycle: held.openedCycle, pnlUsd: realizedPnlUsd };
  if (flat && Math.abs(left) <= 1e-12 * held.qty) delete positions[f.symbol];
  else positions[f.symbol] = { ...held, qty: left, lastPriceUsd: f.priceUsd, realizedPnlUsd: flat ? 0 : realizedPnlUsd };
  return { cashUsd: book.cashUsd + notional - f.feeUsd, positions, closed };
}
