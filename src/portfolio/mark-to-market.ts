import type { Position } from '../domain/trade.js';

export interface MarkToMarket {
  positions: Record<string, Position>;
  navUsd: number;
  grossExposureUsd: number;
  /** Held symbols with no usable price this bar: marked at their last known price. */
  stale: string[];
}

/** Value the book at `pricesUsd` (bar closes). Pure: returns new positions, never mutates its input. */
export function markToMarket(
  positions: Readonly<Record<string, Position>>,
  cashUsd: number,
  pricesUsd: Readonly<Record<string, number>>,
): MarkToMarket {
  const out: Record<string, Position> = {};
  const stale: string[] = [];
  let valueUsd = 0;
  let grossUsd = 0;
  for (const symbol of Object.keys(positions).sort()) {
    const p = positions[symbol]!;
    const px = pricesUsd[symbol];
    const usable = px !== undefined && Number.isFinite(px) && px > 0;
    if (!usable) stale.push(symbol);
    const lastPriceUsd = usable ? px : p.lastPriceUsd;
    out[symbol] = { ...p, lastPriceUsd };
    valueUsd += p.qty * lastPriceUsd;
    grossUsd += Math.abs(p.qty * lastPriceUsd);
  }
  return { positions: out, navUsd: cashUsd + valueUsd, grossExposureUsd: grossUsd, stale };
}
