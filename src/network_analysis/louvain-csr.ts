import type { IndexedEdges } from './modularity.js';

/**
 * The level-0 adjacency that graphology-indices 0.17's UndirectedLouvainIndex builds from the graphology 0.26 graph
 * louvainGraph() used to make, reproduced on typed arrays (louvain-run.ts says why): the same neighbour order, the
 * same sums, and the same unsigned array for `starts`, whose wrap-around the library's arithmetic depends on.
 */
export type PointerArray = Uint8Array | Uint16Array | Uint32Array;
type PointerArrayConstructor = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/**
 * mnemonist 0.39's getPointerArray: the narrowest unsigned array whose largest value is `size - 1`. The library
 * sizes `starts` (which holds values up to `size`) and its queue (which stores `capacity`) with it, so at exactly
 * 256 or 65 536 those values wrap to 0; the wrap changes the library's results, and the same arrays reproduce it.
 */
export function pointerArray(size: number): PointerArrayConstructor {
  const maxIndex = size - 1;
  if (maxIndex <= 255) return Uint8Array;
  if (maxIndex <= 65535) return Uint16Array;
  return Uint32Array;
}

export interface LouvainCsr {
  /** Number of nodes. */
  readonly order: number;
  /** Distinct undirected edges between different nodes (graphology's `graph.size`). */
  readonly size: number;
  /** The index's M: the edge weights summed in edge order. */
  readonly totalWeight: number;
  /** Each node's neighbours are `neighbours[starts[i] .. starts[i + 1])`; `pointerArray(2 * size)`, as the library. */
  readonly starts: PointerArray;
  readonly neighbours: Int32Array;
  readonly weights: Float64Array;
  /** Each node's weighted degree, summed in edge order (the index's totalWeights). */
  readonly nodeWeights: Float64Array;
}

/** graphology-utils' weight getter: a weight that is not a number (NaN) counts as 1. */
const coerceWeight = (w: number) => (Number.isNaN(w) ? 1 : w);

/**
 * The index of the graph of `order` nodes and `edges` (self-loops already left out): parallel edges (either
 * direction) summed in input order into the first one's place (graphology's `updateEdgeAttribute(..., (v) =>
 * (v ?? 0) + w)`), then, as the index constructor does, edges visited in insertion order and each endpoint's block
 * filled from its end, so a node lists its neighbours in reverse edge order.
 */
export function buildLouvainCsr(order: number, edges: IndexedEdges): LouvainCsr {
  const { sources, targets } = edges;
  const m = sources.length;
  // parallel edges found per lower endpoint (edges bucketed by it, in input order)
  const bucketEnds = new Int32Array(order + 1);
  for (let e = 0; e < m; e++) bucketEnds[Math.min(sources[e]!, targets[e]!) + 1]!++;
  for (let i = 0; i < order; i++) bucketEnds[i + 1]! += bucketEnds[i]!;
  const byLower = new Int32Array(m);
  const fill = bucketEnds.slice(0, order);
  for (let e = 0; e < m; e++) byLower[fill[Math.min(sources[e]!, targets[e]!)]!++] = e;
  const sums = edges.weights.slice();
  const first = new Uint8Array(m);
  const seenWith = new Int32Array(order).fill(-1);
  const firstEdge = new Int32Array(order);
  for (let a = 0, p = 0; a < order; a++) {
    for (; p < bucketEnds[a + 1]!; p++) {
      const e = byLower[p]!;
      const b = Math.max(sources[e]!, targets[e]!);
      if (seenWith[b] !== a) {
        seenWith[b] = a;
        firstEdge[b] = e;
        first[e] = 1;
      } else {
        const f = firstEdge[b]!;
        sums[f] = sums[f]! + sums[e]!;
      }
    }
  }
  let size = 0;
  const degree = new Int32Array(order);
  for (let e = 0; e < m; e++) {
    if (first[e] === 0) continue;
    size++;
    degree[sources[e]!]!++;
    degree[targets[e]!]!++;
  }
  const entries = size * 2;
  const starts = new (pointerArray(entries))(order + 1);
  let n = 0;
  for (let i = 0; i < order; i++) {
    n += degree[i]!;
    starts[i] = n;
  }
  const neighbours = new Int32Array(entries);
  const weights = new Float64Array(entries);
  const nodeWeights = new Float64Array(order);
  let totalWeight = 0;
  for (let e = 0; e < m; e++) {
    if (first[e] === 0) continue;
    const source = sources[e]!;
    const target = targets[e]!;
    const weight = coerceWeight(sums[e]!);
    totalWeight += weight;
    nodeWeights[source]! += weight;
    nodeWeights[target]! += weight;
    // as the library: the decrement's value, not the stored one (-1 when a wrapped 0 is decremented: no write)
    const startSource = --starts[source]!;
    const startTarget = --starts[target]!;
    neighbours[startSource] = target;
    neighbours[startTarget] = source;
    weights[startSource] = weight;
    weights[startTarget] = weight;
  }
  starts[order] = entries;
  return { order, size, totalWeight, starts, neighbours, weights, nodeWeights };
}
