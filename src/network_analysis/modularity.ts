/** An edge of a weighted undirected graph (weight 1 when absent). */
export interface WeightedEdge {
  source: string;
  target: string;
  weight?: number;
}

/** Newman's modularity of a partition of a weighted graph: sum over communities of L_c / m - gamma (d_c / 2m)^2. */
export function modularity(edges: readonly WeightedEdge[], communities: Readonly<Record<string, number>>, resolution = 1): number {
  let m = 0;
  const internal = new Map<number, number>();
  const degree = new Map<number, number>();
  for (const e of edges) {
    if (e.source === e.target) continue;
    const w = e.weight ?? 1;
    const cs = communities[e.source];
    const ct = communities[e.target];
    if (cs === undefined || ct === undefined) continue;
    m += w;
    degree.set(cs, (degree.get(cs) ?? 0) + w);
    degree.set(ct, (degree.get(ct) ?? 0) + w);
    if (cs === ct) internal.set(cs, (internal.get(cs) ?? 0) + w);
  }
  if (m === 0) return 0;
  let q = 0;
  for (const [c, d] of degree) q += (internal.get(c) ?? 0) / m - resolution * (d / (2 * m)) ** 2;
  return q;
}
