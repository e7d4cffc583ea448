import { clipToCaps, clusterKey, type Weights } from './constraints.js';

/** One alarmed asset that may be entered this cycle. */
export interface EntryCandidate {
  symbol: string;
  /** The pump model's probability. */
  probability: number;
  /** Its HRP weight among this cycle's entry candidates (they sum to 1). */
  hrpWeight: number;
  /** 30-day average daily volume, quote currency. */
  advUsd: number;
  /** Realised volatility, annualised (0.9 = 90 %); null when unknown. */
  volAnnual: number | null;
}

export interface PumpBookSettings {
  /** Fractions of NAV. */
  maxAssetWeight: number;
  maxClusterWeight: number;
  maxGrossExposure: number;
  /** New entries add at most this much weight (L1) a cycle; exits are not counted against it. */
  maxTurnover: number;
  /** An entry at this probability or above gets the full asset cap; below it, in proportion. */
  fullSizeProbability: number;
  /** No position above this multiple of the asset's ADV (risk.max_position_adv_multiple): entries are sized to it. */
  maxPositionAdvMultiple: number;
  minTradeNotionalUsd: number;
  navUsd: number;
  /** Entries in assets more volatile than this (annualised) are scaled down to it; null: no scaling. */
  volTargetAnnual: number | null;
}

export interface PumpBook {
  weights: Weights;
  /** Each entry's added weight and the limit that set it; `topUp` when the asset was already held. */
  entries: { symbol: string; weight: number; limit: 'probability' | 'liquidity' | 'hrp' | 'cluster' | 'gross' | 'turnover'; topUp?: true }[];
  /** Candidates not entered, with why. */
  skipped: { symbol: string; reason: string }[];
}

/** An entry's size factor for its volatility: target / realised, at most 1 (1 without a target or a figure). */
const volScale = (c: EntryCandidate, s: PumpBookSettings): number => (s.volTargetAnnual === null || c.volAnnual === null || !(c.volAnnual > 0) ? 1 : Math.min(1, s.volTargetAnnual / c.volAnnual));

/**
 * The book of a pump strategy: a position is held as it is until an exit sells it (`exiting` get nothing), held
 * positions are only clipped to the asset and cluster caps (clusters move), and the room left is offered to the
 * candidates, most probable first. An entry's size is the asset cap scaled by its probability (full size at
 * `fullSizeProbability`), no larger than the ADV multiple allows, its HRP share of the gross room, the room left in
 * its cluster and gross, and the turnover budget; an entry under the minimum trade is not made. A candidate already
 * held (the ADV cap spreads a buy over cycles) is topped up toward that size while its alarm lasts. Pure.
 */
export function pumpBook(
  current: Readonly<Weights>,
  exiting: ReadonlySet<string>,
  candidates: readonly EntryCandidate[],
  clusters: Readonly<Record<string, number>>,
  s: PumpBookSettings,
): PumpBook {
  const kept: Weights = {};
  for (const sym of Object.keys(current).sort()) if (!exiting.has(sym) && current[sym]! > 0) kept[sym] = current[sym]!;
  const weights = clipToCaps(kept, clusters, s.maxAssetWeight, s.maxClusterWeight);
  const clusterSum = new Map<string, number>();
  let gross = 0;
  const add = (sym: string, w: number) => {
    const k = clusterKey(sym, clusters);
    clusterSum.set(k, (clusterSum.get(k) ?? 0) + w);
    gross += w;
  };
  for (const [sym, w] of Object.entries(weights)) add(sym, w);
  const grossRoomAtStart = Math.max(0, s.maxGrossExposure - gross);
  let turnoverLeft = s.maxTurnover;
  const out: PumpBook = { weights, entries: [], skipped: [] };
  const order = [...candidates].sort((a, b) => b.probability - a.probability || (a.symbol < b.symbol ? -1 : 1));
  for (const c of order) {
    if (exiting.has(c.symbol)) continue;
    // a held candidate (an entry the ADV cap let only partly through, its alarm still on) is topped up to its size
    const held = weights[c.symbol] ?? 0;
    const limits: [PumpBook['entries'][number]['limit'], number][] = [
      ['probability', s.maxAssetWeight * Math.min(1, c.probability / s.fullSizeProbability) * volScale(c, s) - held],
      ['liquidity', (s.navUsd > 0 ? (s.maxPositionAdvMultiple * c.advUsd) / s.navUsd : 0) - held],
      ['hrp', grossRoomAtStart * c.hrpWeight],
      ['cluster', s.maxClusterWeight - (clusterSum.get(clusterKey(c.symbol, clusters)) ?? 0)],
      ['gross', s.maxGrossExposure - gross],
      ['turnover', turnoverLeft],
    ];
    let [limit, w] = limits[0]!;
    for (const [name, v] of limits) if (v < w) [limit, w] = [name, v];
    if (!(w * s.navUsd >= s.minTradeNotionalUsd)) {
      if (held === 0) out.skipped.push({ symbol: c.symbol, reason: `${(Math.max(0, w) * s.navUsd).toFixed(2)} USD (set by ${limit}) is under the minimum trade` });
      continue;
    }
    weights[c.symbol] = held + w;
    out.entries.push({ symbol: c.symbol, weight: w, limit, ...(held > 0 ? { topUp: true } : {}) });
    add(c.symbol, w);
    turnoverLeft -= w;
  }
  return out;
}
