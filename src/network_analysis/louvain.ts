import { createRequire } from 'node:module';
import { createRng } from '../utils/rng.js';

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

export interface WeightedEdge {
  source: string;
  target: string;
  weight?: number;
}

/**
 * Louvain communities of a weighted undirected graph (graphology-communities-louvain), seeded: the same edges,
 * resolution and seed always give the same partition. Nodes are the edges' endpoints (add isolated nodes as self-less
 * entries elsewhere). Community ids are renumbered 0, 1, ... in order of first appearance of their smallest node.
 */
export function louvainCommunities(edges: { source: string; target: string; weight?: number }[], opts: { resolution?: number; seed?: number; nodes?: readonly string[] } = {}): { communities: Record<string, number>; modularity: number } {
  const g = new GraphCtor({ type: 'undirected', allowSelfLoops: false, multi: false });
  const nodes = [...new Set([...(opts.nodes ?? []), ...edges.flatMap((e) => [e.source, e.target])])].sort();
  for (const n of nodes) g.addNode(n);
  for (const e of edges) {
    if (e.source === e.target) continue;
    const w = e.weight ?? 1;
    if (g.hasEdge(e.source, e.target)) g.updateEdgeAttribute(e.source, e.target, 'weight', (v: number | undefined) => (v ?? 0) + w);
    else g.addEdge(e.source, e.target, { weight: w });
  }
  if (g.size === 0) {
    return { communities: Object.fromEntries(nodes.map((n, i) => [n, i])), modularity: 0 };
  }
  const rng = createRng(opts.seed ?? 0, 7);
  const r = louvain.detailed(g, { getEdgeWeight: 'weight', resolution: opts.resolution ?? 1, rng: () => rng.next() });
  const relabel = new Map<number, number>();
  const communities: Record<string, number> = {};
  for (const n of nodes) {
    const c = r.communities[n]!;
    if (!relabel.has(c)) relabel.set(c, relabel.size);
    communities[n] = relabel.get(c)!;
  }
  return { communities, modularity: r.modularity };
}
