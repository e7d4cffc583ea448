import { CoceError } from '../utils/errors.js';
import { createRng } from '../utils/rng.js';
import { buildLouvainCsr, type LouvainCsr } from './louvain-csr.js';
import { louvainRun } from './louvain-run.js';
import { modularity, type WeightedEdge } from './modularity.js';

/**
 * Louvain is graphology-communities-louvain 2.0.2's algorithm, reproduced on typed arrays in louvain-run.ts (a hot
 * path; the package is the oracle of the equivalence test and gives the same communities, run for run).
 *
 * That algorithm can move nodes round a cycle for ever (measured: a 21-asset kNN graph of the seed-8 back-test, whose
 * aggregated level passes five super-nodes from community to community, each move a gain in its delta arithmetic; an
 * infinite synchronous loop that no timeout or signal handler can stop). Its node moves are counted (the package's
 * move() and isolate() calls): a run that makes more moves than any converging one could is stopped and redone on
 * another seed stream. Results of runs that converge are untouched.
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
}

/** The graph of `edges` (parallel edges summed, self-loops dropped) over `nodes` and the edges' endpoints, sorted. */
export function louvainGraph(edges: readonly WeightedEdge[], nodes: readonly string[] = []): LouvainGraph {
  const all = [...new Set([...nodes, ...edges.flatMap((e) => [e.source, e.target])])].sort();
  return { graph: buildLouvainCsr(new Map(all.map((n, i) => [n, i])), edges), nodes: all, edges };
}

/**
 * Louvain communities of a weighted undirected graph, seeded: the same edges, resolution and seed always give the
 * same partition. Nodes are the edges' endpoints (add isolated nodes as self-less entries elsewhere). Community ids
 * are renumbered 0, 1, ... in order of first appearance of their smallest node.
 */
export function louvainCommunities(edges: readonly WeightedEdge[] | LouvainGraph, opts: { resolution?: number; seed?: number; nodes?: readonly string[]; maxMovesPerNode?: number } = {}): { communities: Record<string, number>; modularity: number } {
  const { graph: g, nodes, edges: list } = 'graph' in edges ? edges : louvainGraph(edges, opts.nodes);
  if (g.size === 0) {
    return { communities: Object.fromEntries(nodes.map((n, i) => [n, i])), modularity: 0 };
  }
  const r = louvainWithinBudget(g, opts.resolution ?? 1, opts.seed ?? 0, opts.maxMovesPerNode ?? MOVES_PER_NODE).communities;
  const relabel = new Int32Array(nodes.length).fill(-1);
  const communities: Record<string, number> = {};
  let count = 0;
  for (let i = 0; i < nodes.length; i++) {
    const c = r[i]!;
    if (relabel[c] === -1) relabel[c] = count++;
    communities[nodes[i]!] = relabel[c]!;
  }
  // Newman's modularity of the partition (the package's own figure is off on graphs where its deltas go wrong: the
  // cycling one, 0.0558 reported, 0.0348 true)
  return { communities, modularity: modularity(list, communities, opts.resolution ?? 1) };
}

/**
 * One Louvain run on stream 7 of the seed (as always), or on the next streams if a run cycles: each node's community
 * as the package numbers it, the stream that converged (0 = stream 7) and its move count.
 */
export function louvainWithinBudget(g: LouvainCsr, resolution: number, seed: number, movesPerNode: number): { communities: Int32Array; attempt: number; moves: number } {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const rng = createRng(seed, 7 + attempt);
    const run = louvainRun(g, resolution, () => rng.next(), movesPerNode * g.order);
    if (run !== null) return { ...run, attempt };
  }
  throw new ClusteringError(`Louvain did not converge on ${g.order} nodes in ${ATTEMPTS} seed streams`, { order: g.order, resolution, seed });
}
