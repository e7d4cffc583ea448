import type { CostModelSettings } from './cost-model.js';

/** The part of a bar a resting limit order sees: its range and dollar volume. */
export interface RestingBar {
  high: number;
  low: number;
  volumeUsd: number;
}

export interface RestingFill {
  qty: number;
  priceUsd: number;
  feeUsd: number;
}

/**
 * What a limit order resting through a bar fills (paper venue): nothing unless the bar trades through its price
 * (a sell's limit strictly below the high, a buy's strictly above the low; a mere touch fills nothing, as the queue
 * ahead of it would take that); then at its own price, as a maker, at most a share of the volume the bar traded
 * beyond the limit. That volume is not in a candle, so it is taken as the bar's volume times the share of its range
 * beyond the limit: a pump that spikes through a take-profit for a moment fills little of a large order. Pure.
 */
export function restingFill(side: 'buy' | 'sell', remainingQty: number, limitPriceUsd: number, bar: RestingBar, m: CostModelSettings): RestingFill | null {
  const range = bar.high - bar.low;
  const beyond = side === 'sell' ? bar.high - limitPriceUsd : limitPriceUsd - bar.low;
  if (!(remainingQty > 0) || !(beyond > 0) || !(range > 0) || !(limitPriceUsd > 0)) return null;
  const capacityUsd = m.maxBarVolumeFraction * bar.volumeUsd * Math.min(1, beyond / range);
  const qty = Math.min(remainingQty, capacityUsd / limitPriceUsd);
  if (!(qty > 0)) return null;
  return { qty, priceUsd: limitPriceUsd, feeUsd: (qty * limitPriceUsd * m.makerFeeBps) / 10_000 };
}
