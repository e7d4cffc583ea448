import type { ClosedTrade, Position } from '../domain/trade.js';
import type { OrderSide } from './venue.js';

export interface Fill {
  symbol: string;
  side: OrderSide;
  qty: number;
  priceUsd: number;
  /** Fee paid in the quote currency. */
  feeUsd: number;
  /** Fee paid in the asset's own units (a buyer's fee on Binance): fewer coins arrive. */
  feeBaseQty?: number;
  cycle: number;
}

export interface Book {
  cashUsd: number;
  positions: Record<string, Position>;
}

export interface LedgerResult extends Book {
  /** Set when this fill brought the position back to (dust-)flat: one round trip, fees included. */
  closed: Omit<ClosedTrade, 'exit'> | null;
}

/**
 * Applies one fill to cash and positions. A buy moves the average entry price (fill price, fees booked as realised
 * cost; a fee taken in coins means fewer coins arrive); a sell realises (price - average entry) x qty minus its fee.
 * When what is left is worth less than `dustUsd` the round trip is closed: its P&L is one trade for the hit rate, and
 * the position (dust included, so the book still matches the venue) starts a new round trip on its next buy. A sale
 * of something state does not hold (the venue knew better) is booked at its own price, so the book follows the venue
 * and the reconciliation reports the difference. Pure.
 */
export function applyFill(book: Book, f: Fill, dustUsd: number): LedgerResult {
  const positions = { ...book.positions };
  const held = positions[f.symbol];
  const notional = f.qty * f.priceUsd;
  const feeBase = f.feeBaseQty ?? 0;
  const feeCostUsd = f.feeUsd + feeBase * f.priceUsd;
  if (f.side === 'buy') {
    const fresh = held === undefined || held.qty * f.priceUsd < dustUsd;
    const got = f.qty - feeBase;
    const qty = (held?.qty ?? 0) + got;
    positions[f.symbol] = {
      qty,
      // the entry price is what each coin held cost (a coin fee is part of it, and also booked as realised cost)
      avgEntryPriceUsd: fresh ? f.priceUsd : (held.qty * held.avgEntryPriceUsd + got * f.priceUsd) / qty,
      lastPriceUsd: f.priceUsd,
      openedCycle: fresh ? f.cycle : held.openedCycle,
      realizedPnlUsd: (fresh ? 0 : held.realizedPnlUsd) - feeCostUsd,
    };
    return { cashUsd: book.cashUsd - notional - f.feeUsd, positions, closed: null };
  }
  const from = held ?? { qty: 0, avgEntryPriceUsd: f.priceUsd, lastPriceUsd: f.priceUsd, openedCycle: f.cycle, realizedPnlUsd: 0 };
  const pnl = (f.priceUsd - from.avgEntryPriceUsd) * f.qty - feeCostUsd;
  const left = from.qty - f.qty - feeBase;
  const realizedPnlUsd = from.realizedPnlUsd + pnl;
  const flat = Math.abs(left) * f.priceUsd < dustUsd;
  let closed: Omit<ClosedTrade, 'exit'> | null = null;
  if (flat && held !== undefined) closed = { closedCycle: f.cycle, symbol: f.symbol, openedCycle: from.openedCycle, pnlUsd: realizedPnlUsd };
  if (flat && Math.abs(left) <= 1e-12 * Math.max(from.qty, f.qty)) delete positions[f.symbol];
  else positions[f.symbol] = { ...from, qty: left, lastPriceUsd: f.priceUsd, realizedPnlUsd: flat ? 0 : realizedPnlUsd };
  return { cashUsd: book.cashUsd + notional - f.feeUsd, positions, closed };
}
