import type { VenueBalances, VenueOrder } from './venue.js';

/** No quantity, price or cash a venue reports is believable past these (the state schema's own bounds). */
const MAX_QTY = 1e18;
const MAX_PRICE_USD = 1e12;
const MAX_CASH_USD = 1e13;

const within = (x: number, lo: number, hi: number): boolean => Number.isFinite(x) && x >= lo && x <= hi;

/**
 * Why an order report cannot be true (null when it can): quantities, prices and fees must be finite, non-negative
 * and bounded, no more filled than ordered, a fill must have a price, fees no larger than what was filled. A venue
 * that answers nonsense (a garbled body, a proxy's page parsed as an order) must never reach the book: the caller
 * treats the answer as lost and looks the order up again.
 */
export function implausibleOrder(o: VenueOrder): string | null {
  if (!within(o.qty, 0, MAX_QTY)) return `quantity ${o.qty}`;
  if (!within(o.filledQty, 0, MAX_QTY) || (o.qty > 0 && o.filledQty > o.qty * (1 + 1e-9))) return `filled ${o.filledQty} of ${o.qty}`;
  if (!within(o.avgFillPriceUsd, 0, MAX_PRICE_USD) || (o.filledQty > 0 && !(o.avgFillPriceUsd > 0))) return `average fill price ${o.avgFillPriceUsd}`;
  if (o.limitPriceUsd !== null && !within(o.limitPriceUsd, 0, MAX_PRICE_USD)) return `limit price ${o.limitPriceUsd}`;
  if (!within(o.feeUsd, 0, Math.max(1, o.filledQty * o.avgFillPriceUsd))) return `fee ${o.feeUsd} USD on ${o.filledQty * o.avgFillPriceUsd} USD filled`;
  if (!within(o.feeBaseQty, 0, Math.max(0, o.filledQty))) return `fee ${o.feeBaseQty} in the asset on ${o.filledQty} filled`;
  return null;
}

/** Why balances cannot be true (null when they can): a spot account holds finite, non-negative, bounded amounts. */
export function implausibleBalances(b: VenueBalances): string | null {
  if (!within(b.cashUsd, 0, MAX_CASH_USD)) return `cash ${b.cashUsd}`;
  for (const [asset, qty] of Object.entries(b.assets)) if (!within(qty, 0, MAX_QTY)) return `${asset} balance ${qty}`;
  return null;
}
