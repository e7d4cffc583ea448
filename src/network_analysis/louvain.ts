import { createRequire } from 'node:module';
import { CoceError } from '../utils/errors.js';
import { createRng } from '../utils/rng.js';
import { modularity, type WeightedEdge } from './modularity.js';

/**
 * graphology and graphology-communities-louvain are CommonJS and their type declarations do not resolve under
 * NodeNext (measured, see PACKAGES.md): they are loaded with require and given the small types used here.
 */
interface Graph {
  addNode(n: string): void;
  addEdge(a: string, b: string, attrs: { weight: number }): void;
  hasEdge(a: string, b: string): boolean;
  updateEdgeAttribute(a: string, b: string, name: string, f: (v: number | undefined) => number): void;
  readonly size: number;
}
const require = createRequire(import.meta.url);
const GraphCtor = require('graphology') as new (o: { type: 'undirected'; allowSelfLoops: boolean; multi: boolean }) => Graph;
interface LouvainDetailed {
  communities: Record<string, number>;
  modularity: number;
  count: number;
}
type LouvainFn = {
  detailed(graph: Graph, opts: { getEdgeWeight: string; resolution: number; rng: () => number; randomWalk?: boolean }): LouvainDetailed;
};
const louvain = require('graphology-communities-louvain') as LouvainFn;

/**
 * graphology-communities-louvain 2.0.2 can move nodes round a cycle for ever (measured: a 21-asset kNN graph of the
 * seed-8 back-test, whose aggregated level passes five super-nodes from community to community, each move a gain in
 * its delta arithmetic; an infinite synchronous loop that no timeout or signal handler can stop). Its node moves go
 * through the shared index's move() and isolate(), so they are counted there: a run that makes more moves than any
 * converging one could is stopped and redone on another seed stream. Results of runs that converge are untouched.
 */
interface LouvainIndexPrototype {
  move: (this: unknown, ...args: unknown[]) => unknown;
  isolate: (this: unknown, ...args: unknown[]) => unknown;
}
const indexPrototype = (require('graphology-indices/louvain') as { UndirectedLouvainIndex: { prototype: LouvainIndexPrototype } }).UndirectedLouvainIndex.prototype;
let movesLeft = Infinity;
class MoveBudgetSpent extends Error {}
for (const method of ['move', 'isolate'] as const) {
  const original = indexPrototype[method];
  indexPrototype[method] = function counted(this: unknown, ...args: unknown[]) {
    if (--movesLeft < 0) throw new MoveBudgetSpent();
    return original.apply(this, args);
  };
}
/** Moves per node allowed in one run, over all levels: converging runs make under 2 (1 080 runs, kNN graphs of 10-300 assets). */
const MOVES_PER_NODE = 200;
/** Seed streams tried before giving up (a cycle depends on the visiting order, so another order escapes it). */
const ATTEMPTS = 8;

/** Louvain did not converge on any seed stream (never seen: each attempt visits the nodes in another order). */
export class ClusteringError extends CoceError {
  override name = 'ClusteringError';
  readonly exitCode = 1;
}

export type { WeightedEdge };

/** A graph built once for several seeded runs (the consensus runs each window's graph ten times). */
export interface LouvainGraph {
  readonly graph: Graph;
  readonly nodes: readonly string[];
  readonly edges: readonly WeightedEdge[];
}

/** The graphology graph of `edges` (parallel edges summed, self-loops dropped) over `nodes` and the edges' endpoints. */
export function louvainGraph(edges: readonly WeightedEdge[], nodes: readonly string[] = []): LouvainGraph {
  const g = new GraphCtor({ type: 'undirected', allowSelfLoops: false, multi: false });
  const all = [...new Set([...nodes, ...edges.flatMap((e) => [e.source, e.target])])].sort();
  for (const n of all) g.addNode(n);
  for (const e of edges) {
    if (e.source === e.target) continue;
    const w = e.weight ?? 1;
    if (g.hasEdge(e.source, e.target)) g.updateEdgeAttribute(e.source, e.target, 'weight', (v: number | undefined) => (v ?? 0) + w);
    else g.addEdge(e.source, e.target, { weight: w });
  }
  return { graph: g, nodes: all, edges };
}

/**
 * Louvain communities of a weighted undirected graph (graphology-communities-louvain), seeded: the same edges,
 * resolution and seed always give the same partition. Nodes are the edges' endpoints (add isolated nodes as self-less
 * entries elsewhere). Community ids are renumbered 0, 1, ... in order of first appearance of their smallest node.
 */
export function louvainCommunities(edges: readonly WeightedEdge[] | LouvainGraph, opts: { resolution?: number; seed?: number; nodes?: readonly string[]; maxMovesPerNode?: number } = {}): { communities: Record<string, number>; modularity: number } {
  const { graph: g, nodes, edges: list } = 'graph' in edges ? edges : louvainGraph(edges, opts.nodes);
  if (g.size === 0) {
    return { communities: Object.fromEntries(nodes.map((n, i) => [n, i])), modularity: 0 };
  }
  const r = detailedWithinBudget(g, nodes.length, opts.resolution ?? 1, opts.seed ?? 0, opts.maxMovesPerNode ?? MOVES_PER_NODE);
  const relabel = new Map<number, number>();
  const communities: Record<string, number> = {};
  for (const n of nodes) {
    const c = r.communities[n]!;
    if (!relabel.has(c)) relabel.set(c, relabel.size);
    communities[n] = relabel.get(c)!;
  }
  // the library's own figure is off on graphs where its deltas go wrong (the cycling one: 0.0558 reported, 0.0348 true)
  return { communities, modularity: modularity(list, communities, opts.resolution ?? 1) };
}

/** One Louvain run on stream 7 of the seed (as always), or on the next streams if a run cycles. */
function detailedWithinBudget(g: Graph, order: number, resolution: number, seed: number, movesPerNode: number): LouvainDetailed {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const rng = createRng(seed, 7 + attempt);
    movesLeft = movesPerNode * order;
    try {
      return louvain.detailed(g, { getEdgeWeight: 'weight', resolution, rng: () => rng.next() });
    } catch (err) {
      if (!(err instanceof MoveBudgetSpent)) throw err;
    } finally {
      movesLeft = Infinity;
    }
  }
  throw new ClusteringError(`Louvain did not converge on ${order} nodes in ${ATTEMPTS} seed streams`, { order, resolution, seed });
}
