import type { OrderSide } from './venue.js';

/** One asset's whole move this cycle, before slicing. */
export interface ParentOrder {
  symbol: string;
  side: OrderSide;
  qty: number;
  refPriceUsd: number;
  /** Worst acceptable price (reference +- the protection band); null for market orders. */
  limitPriceUsd: number | null;
  advUsd: number;
}

export interface PlanSettings {
  orderType: 'limit' | 'market';
  maxSlippageBps: number;
  minTradeNotionalUsd: number;
  /** Positions worth less than this are dust: not sold (exchanges refuse orders that small). */
  dustUsd: number;
  /** Hard cap on one order's notional as a fraction of ADV (risk.adv_cap_pct / 100), at the worst accepted price. */
  advCap: number;
}

export interface PlanInput {
  navUsd: number;
  heldQty: Readonly<Record<string, number>>;
  /** Mid prices this cycle (bar closes). */
  pricesUsd: Readonly<Record<string, number>>;
  advUsd: Readonly<Record<string, number>>;
  targetWeights: Readonly<Record<string, number>>;
}

export interface OrderPlan {
  sells: ParentOrder[];
  buys: ParentOrder[];
  skipped: { symbol: string; reason: string }[];
}

/** Worst price accepted for a side: buys pay at most ref x (1 + band), sells take at least ref x (1 - band). */
export function limitPrice(side: OrderSide, refPriceUsd: number, bandBps: number): number {
  return refPriceUsd * (1 + ((side === 'buy' ? 1 : -1) * bandBps) / 10_000);
}

/**
 * Orders that move the held book to the target weights at this cycle's prices, sells first (they fund the buys).
 * A target of zero sells the whole position; other moves under the minimum trade notional are not sent; no order is
 * larger than the ADV cap at its worst accepted price (the guardrails cut at the reference price, the band could
 * push a fill past it). Long-only spot: nothing sells more than is held. Pure.
 */
export function planOrders(i: PlanInput, s: PlanSettings): OrderPlan {
  const plan: OrderPlan = { sells: [], buys: [], skipped: [] };
  const symbols = [...new Set([...Object.keys(i.heldQty), ...Object.keys(i.targetWeights)])].sort();
  for (const symbol of symbols) {
    const held = i.heldQty[symbol] ?? 0;
    const target = i.targetWeights[symbol] ?? 0;
    const px = i.pricesUsd[symbol];
    if (px === undefined || !(px > 0)) {
      plan.skipped.push({ symbol, reason: 'no price this bar' });
      continue;
    }
    const wantQty = (target * i.navUsd) / px;
    let delta = target === 0 ? -held : wantQty - held;
    const side: OrderSide = delta > 0 ? 'buy' : 'sell';
    if (side === 'sell') delta = Math.max(delta, -held);
    if (delta === 0) continue;
    const notional = Math.abs(delta) * px;
    if (notional < s.minTradeNotionalUsd && !(target === 0 && notional >= s.dustUsd)) {
      if (notional >= s.dustUsd) plan.skipped.push({ symbol, reason: `move of ${notional.toFixed(2)} USD under the minimum trade` });
      continue;
    }
    const adv = i.advUsd[symbol] ?? 0;
    const limit = s.orderType === 'limit' ? limitPrice(side, px, s.maxSlippageBps) : null;
    const worst = limitPrice(side, px, s.maxSlippageBps);
    const maxQty = (s.advCap * adv) / Math.max(worst, px);
    let qty = Math.abs(delta);
    if (qty > maxQty) {
      plan.skipped.push({ symbol, reason: `cut from ${qty.toPrecision(6)} to ${maxQty.toPrecision(6)} by the ADV cap at the worst price` });
      qty = maxQty;
    }
    if (!(qty > 0)) continue;
    (side === 'sell' ? plan.sells : plan.buys).push({ symbol, side, qty, refPriceUsd: px, limitPriceUsd: limit, advUsd: adv });
  }
  return plan;
}

/**
 * Splits a parent into at most `slices` equal children, none under the minimum trade notional (a parent smaller than
 * two minimum trades stays whole). The children are spread over the cycle: their impact decays in between.
 */
export function sliceQty(parent: ParentOrder, slices: number, minTradeNotionalUsd: number): number[] {
  const notional = parent.qty * parent.refPriceUsd;
  const n = Math.max(1, Math.min(slices, Math.floor(notional / Math.max(minTradeNotionalUsd, 1e-9))));
  return new Array<number>(n).fill(parent.qty / n);
}
