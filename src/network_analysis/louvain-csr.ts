import type { WeightedEdge } from './modularity.js';

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
 * The index of the graph whose nodes are `ids` (in their index order) and whose edges are `edges`: self-loops
 * dropped, parallel edges (either direction) summed in input order into the first one's place (graphology's
 * `updateEdgeAttribute(..., (v) => (v ?? 0) + w)`), then, as the index constructor does, edges visited in insertion
 * order and each endpoint's block filled from its end, so a node lists its neighbours in reverse edge order.
 */
export function buildLouvainCsr(ids: ReadonlyMap<string, number>, edges: readonly WeightedEdge[]): LouvainCsr {
  const order = ids.size;
  const pairs = new Map<number, number>();
  const sources: number[] = [];
  const targets: number[] = [];
  const sums: number[] = [];
  for (const e of edges) {
    if (e.source === e.target) continue;
    const w = e.weight ?? 1;
    const a = ids.get(e.source)!;
    const b = ids.get(e.target)!;
    const key = a < b ? a * order + b : b * order + a;
    const k = pairs.get(key);
    if (k === undefined) {
      pairs.set(key, sources.length);
      sources.push(a);
      targets.push(b);
      sums.push(w);
    } else {
      sums[k] = sums[k]! + w;
    }
  }
  const size = sources.length;
  const entries = size * 2;
  const degree = new Int32Array(order);
  for (let k = 0; k < size; k++) {
    degree[sources[k]!]!++;
    degree[targets[k]!]!++;
  }
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
  for (let k = 0; k < size; k++) {
    const source = sources[k]!;
    const target = targets[k]!;
    const weight = coerceWeight(sums[k]!);
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
