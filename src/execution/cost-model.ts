/**
 * The one execution cost model, shared by the paper venue's fills and by pre-trade cost estimates: half the quoted
 * spread plus square-root market impact, impact_bps = coefficient x 10 000 x sqrt(notional / ADV); the venue's maker
 * or taker fee on the filled notional; and a partial fill when the order is larger than a share of the bar's volume.
 * Prices move against the order (buys pay up, sells receive less). Pure.
 */
export interface CostModelSettings {
  impactCoefficient: number;
  makerFeeBps: number;
  takerFeeBps: number;
  /** Largest share of the bar's dollar volume one order can fill (0.1 = 10 %). */
  maxBarVolumeFraction: number;
}

export interface FillRequest {
  side: 'buy' | 'sell';
  qty: number;
  /** Mid price the order is measured against. */
  refPriceUsd: number;
  spreadBps: number;
  advUsd: number;
  barVolumeUsd: number;
  /** Passive (resting) orders pay the maker fee, crossing orders the taker fee. */
  liquidity: 'maker' | 'taker';
}

export interface FillEstimate {
  filledQty: number;
  partial: boolean;
  avgPriceUsd: number;
  /** Half spread + impact, in basis points of the reference price. */
  slippageBps: number;
  slippageUsd: number;
  feeUsd: number;
  notionalUsd: number;
}

export function estimateFill(r: FillRequest, m: CostModelSettings): FillEstimate {
  if (!(r.qty > 0) || !(r.refPriceUsd > 0)) throw new RangeError(`fill needs positive qty and price (got ${r.qty} at ${r.refPriceUsd})`);
  const wantedUsd = r.qty * r.refPriceUsd;
  const capacityUsd = Math.max(0, m.maxBarVolumeFraction * r.barVolumeUsd);
  const fillUsdAtRef = Math.min(wantedUsd, capacityUsd);
  const partial = fillUsdAtRef < wantedUsd;
  // an unconstrained fill is the order's own quantity, not qty x price / price (which can miss it by an ulp)
  const filledQty = partial ? fillUsdAtRef / r.refPriceUsd : r.qty;
  const impactBps = r.advUsd > 0 ? m.impactCoefficient * 10_000 * Math.sqrt(fillUsdAtRef / r.advUsd) : Infinity;
  const slippageBps = r.spreadBps / 2 + impactBps;
  const sign = r.side === 'buy' ? 1 : -1;
  const avgPriceUsd = r.refPriceUsd * (1 + (sign * slippageBps) / 10_000);
  const notionalUsd = filledQty * avgPriceUsd;
  return {
    filledQty,
    partial,
    avgPriceUsd,
    slippageBps,
    slippageUsd: filledQty * Math.abs(avgPriceUsd - r.refPriceUsd),
    feeUsd: (notionalUsd * (r.liquidity === 'maker' ? m.makerFeeBps : m.takerFeeBps)) / 10_000,
    notionalUsd,
  };
}

/**
 * Largest notional a limit order can fill before its average price leaves the protection band: half spread +
 * coefficient x 10 000 x sqrt(notional / ADV) <= bandBps, so notional <= ADV x ((bandBps - half spread) / (coef x 1e4))^2.
 * Zero when the half spread alone is outside the band; unbounded with no impact.
 */
export function maxNotionalWithinBandUsd(spreadBps: number, advUsd: number, bandBps: number, impactCoefficient: number): number {
  const room = bandBps - spreadBps / 2;
  if (!(room > 0)) return 0;
  if (!(impactCoefficient > 0)) return Infinity;
  return advUsd * (room / (impactCoefficient * 10_000)) ** 2;
}
