/**
 * Portfolio constraints applied after HRP, in order: per-asset and per-cluster caps, scaling to the gross exposure
 * the signal allows, the turnover limit, the minimum trade size. Weights are fractions of NAV (long only). Pure.
 */
export type Weights = Record<string, number>;

const EPS = 1e-12;

/** The cap group of an asset: its cluster, or a singleton group of its own when it has none. */
export const clusterKey = (symbol: string, clusters: Readonly<Record<string, number>>): string => (symbol in clusters ? `c${clusters[symbol]}` : `s${symbol}`);

export interface CapResult {
  weights: Weights;
  /** Weight that no uncapped asset or cluster could take: left in cash. */
  cash: number;
}

/**
 * Caps every asset at `assetCap` and every cluster (sum over its assets) at `clusterCap`; the excess is redistributed
 * in proportion to the weights of the assets and clusters still below their caps, until all caps hold, or left in
 * cash when none can take it. Assets missing from `clusters` form their own singleton clusters.
 */
export function applyCaps(w: Readonly<Weights>, clusters: Readonly<Record<string, number>>, assetCap: number, clusterCap: number): CapResult {
  const out: Weights = { ...w };
  const symbols = Object.keys(out).sort();
  const clusterOf = (s: string) => clusterKey(s, clusters);
  const frozen = new Set<string>();
  let cash = 0;
  for (let round = 0; round < 1000; round++) {
    let excess = 0;
    for (const s of symbols) {
      if (out[s]! > assetCap + EPS) {
        excess += out[s]! - assetCap;
        out[s] = assetCap;
      }
      if (out[s]! >= assetCap - EPS) frozen.add(s);
    }
    const sums = new Map<string, number>();
    for (const s of symbols) sums.set(clusterOf(s), (sums.get(clusterOf(s)) ?? 0) + out[s]!);
    for (const [c, sum] of sums) {
      if (sum > clusterCap + EPS) {
        const f = clusterCap / sum;
        for (const s of symbols) if (clusterOf(s) === c) {
          excess += out[s]! * (1 - f);
          out[s] = out[s]! * f;
        }
      }
      if (sum >= clusterCap - EPS) for (const s of symbols) if (clusterOf(s) === c) frozen.add(s);
    }
    if (excess <= EPS) break;
    const open = symbols.filter((s) => !frozen.has(s) && out[s]! > 0);
    const base = open.reduce((a, s) => a + out[s]!, 0);
    if (open.length === 0 || base <= EPS) {
      cash += excess;
      break;
    }
    for (const s of open) out[s] = out[s]! + (excess * out[s]!) / base;
  }
  return { weights: out, cash };
}

/** Scale weights so their sum is `gross` (never up beyond what caps allow: scaling down only keeps them). */
export function scaleToGross(w: Readonly<Weights>, gross: number): Weights {
  const sum = Object.values(w).reduce((a, b) => a + b, 0);
  if (sum <= EPS) return { ...w };
  const f = Math.min(1, gross / sum);
  return Object.fromEntries(Object.entries(w).map(([s, v]) => [s, v * f]));
}

/** L1 distance between two weight vectors (missing = 0). */
export function turnover(a: Readonly<Weights>, b: Readonly<Weights>): number {
  let t = 0;
  for (const s of new Set([...Object.keys(a), ...Object.keys(b)])) t += Math.abs((a[s] ?? 0) - (b[s] ?? 0));
  return t;
}

/**
 * Moves from `current` toward `target` only as far as `maxTurnover` (L1) allows: current + f (target - current) with
 * f = min(1, maxTurnover / turnover). Every convex combination of two long-only books is long-only.
 */
export function limitTurnover(current: Readonly<Weights>, target: Readonly<Weights>, maxTurnover: number): { weights: Weights; fraction: number } {
  const t = turnover(current, target);
  const f = t <= maxTurnover + EPS ? 1 : maxTurnover / t;
  const out: Weights = {};
  for (const s of [...new Set([...Object.keys(current), ...Object.keys(target)])].sort()) {
    const v = (current[s] ?? 0) + f * ((target[s] ?? 0) - (current[s] ?? 0));
    if (v > EPS) out[s] = v;
  }
  return { weights: out, fraction: f };
}

/**
 * Drops trades smaller than `minTradeUsd` (the asset keeps its current weight) unless skipping would leave the asset
 * above `assetCap`: a trade that brings a position within its cap is always sent.
 */
export function dropSmallTrades(current: Readonly<Weights>, target: Readonly<Weights>, navUsd: number, minTradeUsd: number, assetCap: number): Weights {
  const out: Weights = {};
  for (const s of [...new Set([...Object.keys(current), ...Object.keys(target)])].sort()) {
    const cur = current[s] ?? 0;
    const tgt = target[s] ?? 0;
    const small = Math.abs(tgt - cur) * navUsd < minTradeUsd;
    const v = small && cur <= assetCap + EPS ? cur : tgt;
    if (v > EPS) out[s] = v;
  }
  return out;
}

/**
 * The last word on minimum trade size, after the final cap clip: a change smaller than `minTradeUsd` is undone when
 * undoing it keeps every cap; when it cannot be undone (the position must shrink to meet a cap), it becomes a sale of
 * at least `minTradeUsd`, or of the whole position when less than `minTradeUsd` would remain. Caps win over the turnover limit in that case; the count of such
 * forced trades is returned.
 */
export function enforceMinTrade(
  current: Readonly<Weights>,
  target: Readonly<Weights>,
  o: { navUsd: number; minTradeUsd: number; clusters: Readonly<Record<string, number>>; assetCap: number; clusterCap: number },
): { weights: Weights; forced: number } {
  const out: Weights = { ...target };
  const clusterSum = (c: number) => Object.entries(out).reduce((a, [s, v]) => a + (o.clusters[s] === c ? v : 0), 0);
  let forced = 0;
  for (const s of [...new Set([...Object.keys(current), ...Object.keys(target)])].sort()) {
    const cur = current[s] ?? 0;
    const tgt = out[s] ?? 0;
    const dUsd = Math.abs(tgt - cur) * o.navUsd;
    if (dUsd === 0 || dUsd >= o.minTradeUsd) continue;
    const c = o.clusters[s];
    const clusterOk = c === undefined || clusterSum(c) - tgt + cur <= o.clusterCap + EPS;
    if (cur <= o.assetCap + EPS && clusterOk) {
      if (cur > EPS) out[s] = cur;
      else delete out[s];
    } else {
      let v = Math.max(0, cur - o.minTradeUsd / o.navUsd);
      if (v * o.navUsd < o.minTradeUsd) v = 0; // no dust left behind: close the position
      if (v > EPS) out[s] = v;
      else delete out[s];
      forced++;
    }
  }
  return { weights: out, forced };
}

/** Applies caps again without redistribution: anything over a cap goes to cash (the final, hard check). */
export function clipToCaps(w: Readonly<Weights>, clusters: Readonly<Record<string, number>>, assetCap: number, clusterCap: number): Weights {
  const out: Weights = {};
  for (const [s, v] of Object.entries(w)) out[s] = Math.min(v, assetCap);
  const sums = new Map<number, number>();
  for (const [s, v] of Object.entries(out)) if (s in clusters) sums.set(clusters[s]!, (sums.get(clusters[s]!) ?? 0) + v);
  for (const [s, v] of Object.entries(out)) {
    const sum = s in clusters ? sums.get(clusters[s]!)! : 0;
    if (sum > clusterCap) out[s] = (v * clusterCap) / sum;
  }
  return out;
}

/** The per-cluster cap alone (library surface): applyCaps with no asset cap. */
export function applyClusterCap(w: Readonly<Weights>, clusters: Readonly<Record<string, number>>, clusterCap: number): CapResult {
  return applyCaps(w, clusters, Infinity, clusterCap);
}
