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

/** An edge list by node index: the edges in order, self-loops left out, weights as given (1 when absent). */
export interface IndexedEdges {
  readonly sources: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float64Array;
}

/**
 * modularity() of a partition given as labels 0 .. count - 1 of every node of `edges`, without the string look-ups
 * (each Louvain run of the consensus scores its partition). The same sums in the same order, so the same number:
 * communities summed in order of first appearance in the edge list, source before target.
 */
export function labelModularity(edges: IndexedEdges, labels: Int32Array, count: number, resolution = 1): number {
  const { sources, targets, weights } = edges;
  const internal = new Float64Array(count);
  const degree = new Float64Array(count);
  const firstSeen = new Int32Array(count);
  let seen = 0;
  const seenAt = new Uint8Array(count);
  let m = 0;
  for (let e = 0; e < weights.length; e++) {
    const w = weights[e]!;
    const cs = labels[sources[e]!]!;
    const ct = labels[targets[e]!]!;
    m += w;
    if (seenAt[cs] === 0) {
      seenAt[cs] = 1;
      firstSeen[seen++] = cs;
    }
    degree[cs]! += w;
    if (seenAt[ct] === 0) {
      seenAt[ct] = 1;
      firstSeen[seen++] = ct;
    }
    degree[ct]! += w;
    if (cs === ct) internal[cs]! += w;
  }
  if (m === 0) return 0;
  let q = 0;
  for (let k = 0; k < seen; k++) {
    const c = firstSeen[k]!;
    q += internal[c]! / m - resolution * (degree[c]! / (2 * m)) ** 2;
  }
  return q;
}
