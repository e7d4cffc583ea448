import { CoceError } from '../utils/errors.js';
import { createRng } from '../utils/rng.js';
import { buildLouvainCsr, type LouvainCsr } from './louvain-csr.js';
import { LouvainWorkspace, louvainRun } from './louvain-run.js';
import { labelModularity, type IndexedEdges, type WeightedEdge } from './modularity.js';

/**
 * Louvain is graphology-communities-louvain 2.0.2's algorithm, reproduced on typed arrays in louvain-run.ts (a hot
 * path; the package is the oracle of the equivalence test and gives the same communities, run for run).
 *
 * That algorithm can move nodes round a cycle for ever (measured: a 21-asset kNN graph of the seed-8 back-test, whose
 * aggregated level passes five super-nodes from community to community; an infinite synchronous loop that no timeout
 * or signal handler can stop). The cause, found when reproducing it: that graph has exactly 128 edges, and the
 * package's index keeps its 256 adjacency offsets in a Uint8Array, where 256 wraps to 0, so the last node with edges
 * sees no neighbours while they still see it; with that asymmetry a move can look like a gain from both sides (seed
 * 7006 converges in 26 moves once the wrap is taken out). Moves are counted (the package's move() and isolate()
 * calls): a run that makes more moves than any converging one could is stopped and redone on another seed stream.
 * Results of runs that converge are untouched.
 */
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
  readonly graph: LouvainCsr;
  readonly nodes: readonly string[];
  readonly edges: readonly WeightedEdge[];
  /** `edges` by node index, for scoring each run's partition. */
  readonly indexed: IndexedEdges;
  /** The arrays each run on this graph reuses. */
  readonly workspace: LouvainWorkspace;
}

/** The graph of `edges` (parallel edges summed, self-loops dropped) over `nodes` and the edges' endpoints, sorted. */
export function louvainGraph(edges: readonly WeightedEdge[], nodes: readonly string[] = []): LouvainGraph {
  // names numbered as first seen, then renumbered in sorted order (one Map look-up per endpoint)
  const seen = new Map<string, number>();
  for (const name of nodes) if (!seen.has(name)) seen.set(name, seen.size);
  const m = edges.length;
  const ends = new Int32Array(2 * m);
  for (let e = 0; e < m; e++) {
    const { source, target } = edges[e]!;
    let a = seen.get(source);
    if (a === undefined) seen.set(source, (a = seen.size));
    let b = seen.get(target);
    if (b === undefined) seen.set(target, (b = seen.size));
    ends[2 * e] = a;
    ends[2 * e + 1] = b;
  }
  const all = [...seen.keys()].sort();
  const rank = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) rank[seen.get(all[i]!)!] = i;
  let loops = 0;
  for (let e = 0; e < m; e++) if (ends[2 * e] === ends[2 * e + 1]) loops++;
  const sources = new Int32Array(m - loops);
  const targets = new Int32Array(m - loops);
  const weights = new Float64Array(m - loops);
  for (let e = 0, k = 0; e < m; e++) {
    if (ends[2 * e] === ends[2 * e + 1]) continue;
    sources[k] = rank[ends[2 * e]!]!;
    targets[k] = rank[ends[2 * e + 1]!]!;
    weights[k++] = edges[e]!.weight ?? 1;
  }
  const indexed = { sources, targets, weights };
  const graph = buildLouvainCsr(all.length, indexed);
  return { graph, nodes: all, edges, indexed, workspace: new LouvainWorkspace(graph) };
}

/**
 * Louvain communities of a weighted undirected graph, seeded: the same edges, resolution and seed always give the
 * same partition. Nodes are the edges' endpoints (add isolated nodes as self-less entries elsewhere). Community ids
 * are renumbered 0, 1, ... in order of first appearance of their smallest node.
 */
export function louvainCommunities(edges: readonly WeightedEdge[] | LouvainGraph, opts: { resolution?: number; seed?: number; nodes?: readonly string[]; maxMovesPerNode?: number } = {}): { communities: Record<string, number>; modularity: number } {
  const graph = 'graph' in edges ? edges : louvainGraph(edges, opts.nodes);
  const { labels, modularity } = louvainLabels(graph, opts);
  const communities: Record<string, number> = {};
  for (let i = 0; i < labels.length; i++) communities[graph.nodes[i]!] = labels[i]!;
  return { communities, modularity };
}

/**
 * louvainCommunities() as labels of `graph.nodes` (0 .. count - 1, numbered in node order), for callers that run a
 * graph many times. The modularity is Newman's, of the edge list (the package's own figure is wrong on the graph it
 * cycles on: 0.0558 reported, 0.0348 true).
 */
export function louvainLabels(graph: LouvainGraph, opts: { resolution?: number; seed?: number; maxMovesPerNode?: number } = {}): { labels: Int32Array; count: number; modularity: number } {
  const order = graph.nodes.length;
  if (graph.graph.size === 0) return { labels: Int32Array.from({ length: order }, (_, i) => i), count: order, modularity: 0 };
  const resolution = opts.resolution ?? 1;
  const raw = louvainWithinBudget(graph.workspace, resolution, opts.seed ?? 0, opts.maxMovesPerNode ?? MOVES_PER_NODE).communities;
  const relabel = new Int32Array(order).fill(-1);
  const labels = new Int32Array(order);
  let count = 0;
  for (let i = 0; i < order; i++) {
    const c = raw[i]!;
    if (relabel[c] === -1) relabel[c] = count++;
    labels[i] = relabel[c]!;
  }
  return { labels, count, modularity: labelModularity(graph.indexed, labels, count, resolution) };
}

/**
 * One Louvain run on stream 7 of the seed (as always), or on the next streams if a run cycles: each node's community
 * as the package numbers it, the stream that converged (0 = stream 7) and its move count.
 */
export function louvainWithinBudget(work: LouvainWorkspace, resolution: number, seed: number, movesPerNode: number): { communities: Int32Array; attempt: number; moves: number } {
  const g = work.csr;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const rng = createRng(seed, 7 + attempt);
    const run = louvainRun(work, resolution, () => rng.next(), movesPerNode * g.order);
    if (run !== null) return { ...run, attempt };
  }
  throw new ClusteringError(`Louvain did not converge on ${g.order} nodes in ${ATTEMPTS} seed streams`, { order: g.order, resolution, seed });
}
