/**
 * The oracle of the Louvain equivalence test: the implementation that src/network_analysis/louvain.ts replaced in
 * issue 16 (graphology 0.26 + graphology-communities-louvain 2.0.2, moves counted by patching the index's move() and
 * isolate()), kept here word for word but for names, and the seeded random graphs the test runs both on.
 */
import { createRequire } from 'node:module';
import { correlationEdges, correlationMatrix } from '../../src/network_analysis/correlation.js';
import { modularity, type WeightedEdge } from '../../src/network_analysis/modularity.js';
import { createRng, type Rng } from '../../src/utils/rng.js';

interface Graph {
  addNode(n: string): void;
  addEdge(a: string, b: string, attrs: { weight: number }): void;
  hasEdge(a: string, b: string): boolean;
  updateEdgeAttribute(a: string, b: string, name: string, f: (v: number | undefined) => number): void;
  readonly size: number;
}
const require = createRequire(import.meta.url);
const GraphCtor = require('graphology') as new (o: { type: 'undirected'; allowSelfLoops: boolean; multi: boolean }) => Graph;
type LouvainFn = {
  detailed(graph: Graph, opts: { getEdgeWeight: string; resolution: number; rng: () => number }): { communities: Record<string, number> };
};
const louvain = require('graphology-communities-louvain') as LouvainFn;

/** The package's index, for comparing the level-0 arrays. */
export interface LibraryIndex {
  M: number;
  starts: ArrayLike<number>;
  neighborhood: ArrayLike<number>;
  weights: ArrayLike<number>;
  totalWeights: ArrayLike<number>;
}
interface IndexModule {
  UndirectedLouvainIndex: {
    new (graph: Graph, opts: { getEdgeWeight: string; resolution: number; keepDendrogram: boolean }): LibraryIndex;
    prototype: { move: (this: unknown, ...args: unknown[]) => unknown; isolate: (this: unknown, ...args: unknown[]) => unknown };
  };
}
const indexModule = require('graphology-indices/louvain') as IndexModule;
const indexPrototype = indexModule.UndirectedLouvainIndex.prototype;
let movesLeft = Infinity;
let movesMade = 0;
class MoveBudgetSpent extends Error {}
for (const method of ['move', 'isolate'] as const) {
  const original = indexPrototype[method];
  indexPrototype[method] = function counted(this: unknown, ...args: unknown[]) {
    if (--movesLeft < 0) throw new MoveBudgetSpent();
    movesMade++;
    return original.apply(this, args);
  };
}

export function libraryIndex(graph: Graph, resolution: number): LibraryIndex {
  return new indexModule.UndirectedLouvainIndex(graph, { getEdgeWeight: 'weight', resolution, keepDendrogram: true });
}

/** The graphology graph louvainGraph() built before issue 16. */
export function libraryGraph(edges: readonly WeightedEdge[], nodes: readonly string[] = []): { graph: Graph; nodes: string[] } {
  const g = new GraphCtor({ type: 'undirected', allowSelfLoops: false, multi: false });
  const all = [...new Set([...nodes, ...edges.flatMap((e) => [e.source, e.target])])].sort();
  for (const n of all) g.addNode(n);
  for (const e of edges) {
    if (e.source === e.target) continue;
    const w = e.weight ?? 1;
    if (g.hasEdge(e.source, e.target)) g.updateEdgeAttribute(e.source, e.target, 'weight', (v: number | undefined) => (v ?? 0) + w);
    else g.addEdge(e.source, e.target, { weight: w });
  }
  return { graph: g, nodes: all };
}

/** One package run (`detailed().communities`, before renumbering) and its move()/isolate() calls, or null past the budget. */
export function libraryRun(graph: Graph, resolution: number, rng: () => number, movesAllowed: number): { communities: Record<string, number>; moves: number } | null {
  movesLeft = movesAllowed;
  movesMade = 0;
  try {
    return { communities: louvain.detailed(graph, { getEdgeWeight: 'weight', resolution, rng }).communities, moves: movesMade };
  } catch (err) {
    if (err instanceof MoveBudgetSpent) return null;
    throw err;
  } finally {
    movesLeft = Infinity;
  }
}

/** The attempts loop of the old louvain.ts: the stream that converged (0 = stream 7), or null if none of 8 did. */
export function libraryWithinBudget(graph: Graph, order: number, resolution: number, seed: number, movesPerNode: number): { communities: Record<string, number>; moves: number; attempt: number } | null {
  for (let attempt = 0; attempt < 8; attempt++) {
    const rng = createRng(seed, 7 + attempt);
    const run = libraryRun(graph, resolution, () => rng.next(), movesPerNode * order);
    if (run !== null) return { ...run, attempt };
  }
  return null;
}

/** The old louvainCommunities() after its run: renumbered in node order, Newman's modularity of the edge list. */
export function libraryCommunities(raw: Record<string, number>, nodes: readonly string[], edges: readonly WeightedEdge[], resolution: number): { communities: Record<string, number>; modularity: number } {
  const relabel = new Map<number, number>();
  const communities: Record<string, number> = {};
  for (const n of nodes) {
    const c = raw[n]!;
    if (!relabel.has(c)) relabel.set(c, relabel.size);
    communities[n] = relabel.get(c)!;
  }
  return { communities, modularity: modularity(edges, communities, resolution) };
}

/** The old louvainCommunities(): the package's run within the budget, renumbered, scored. */
export function libraryLouvainCommunities(edges: readonly WeightedEdge[] | { graph: Graph; nodes: string[]; edges: readonly WeightedEdge[] }, opts: { resolution?: number; seed?: number; nodes?: readonly string[] } = {}): { communities: Record<string, number>; modularity: number } {
  const { graph: g, nodes, edges: list } = 'graph' in edges ? edges : { ...libraryGraph(edges, opts.nodes), edges };
  if (g.size === 0) return { communities: Object.fromEntries(nodes.map((n, i) => [n, i])), modularity: 0 };
  const r = libraryWithinBudget(g, nodes.length, opts.resolution ?? 1, opts.seed ?? 0, 200);
  if (r === null) throw new Error('no stream converged');
  return libraryCommunities(r.communities, nodes, list, opts.resolution ?? 1);
}

/** consensusClusters() before issue 16, word for word but for the Louvain it calls. */
export function libraryConsensusClusters(graphs: readonly WeightedEdge[][], nodes: readonly string[], o: { resolution: number; runs: number; seed: number; agreement?: number }) {
  const index = new Map(nodes.map((n, i) => [n, i]));
  const n = nodes.length;
  const co = new Float64Array(n * n);
  let runs = 0;
  let modSum = 0;
  for (const edges of graphs) {
    const graph = { ...libraryGraph(edges, nodes), edges };
    for (let r = 0; r < o.runs; r++) {
      const { communities, modularity } = libraryLouvainCommunities(graph, { resolution: o.resolution, seed: o.seed * 1000 + runs, nodes });
      runs++;
      modSum += modularity;
      const byCluster = new Map<number, number[]>();
      for (const [s, c] of Object.entries(communities)) {
        const i = index.get(s);
        if (i === undefined) continue;
        byCluster.set(c, [...(byCluster.get(c) ?? []), i]);
      }
      for (const members of byCluster.values()) for (const i of members) for (const j of members) if (i !== j) co[i * n + j]! += 1;
    }
  }
  const agreement = o.agreement ?? 0.5;
  const edges: WeightedEdge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (runs > 0 && co[i * n + j]! / runs > agreement) edges.push({ source: nodes[i]!, target: nodes[j]!, weight: co[i * n + j]! / runs });
  const final = libraryLouvainCommunities(edges, { resolution: o.resolution, seed: o.seed, nodes });
  const latest = graphs[graphs.length - 1] ?? [];
  return {
    communities: final.communities,
    modularity: modularity(latest, final.communities, o.resolution),
    meanRunModularity: runs === 0 ? 0 : modSum / runs,
    clusters: new Set(Object.values(final.communities)).size,
  };
}

/** The windows of a consensus: `windows` kNN graphs of one universe's factor-model returns (k = 8, as configured). */
export function consensusWindows(rng: Rng, n: number, windows: number): { graphs: WeightedEdge[][]; nodes: string[] } {
  const symbols = names(rng, n);
  const factors = 2 + rng.int(6);
  const graphs = Array.from({ length: windows }, () => {
    const c = correlationMatrix(factorReturns(rng, n, factors, 168, symbols), { minOverlap: 84, shrinkage: 0.1 });
    return correlationEdges(c, { method: 'knn', minCorrelation: 0, k: 8 });
  });
  return { graphs, nodes: symbols };
}

/** A graph to cluster: its edges, and extra nodes (isolated unless an edge names them). */
export interface TestGraph {
  shape: string;
  edges: WeightedEdge[];
  nodes: string[];
}

/** Node names whose sorted order is not their creation order (the graph sorts them). */
function names(rng: Rng, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(`${String.fromCharCode(65 + rng.int(26))}${rng.int(100000)}`);
  return [...out];
}

/** Returns of `n` assets on `factors` common factors plus noise (the engine's kind of market), over `bars` bars. */
function factorReturns(rng: Rng, n: number, factors: number, bars: number, symbols: string[]): Map<string, number[]> {
  const f = Array.from({ length: factors }, () => Array.from({ length: bars }, () => rng.normal()));
  const noise = 0.5 + 2 * rng.next();
  return new Map(symbols.map((s, i) => [s, f[i % factors]!.map((x) => x + noise * rng.normal())] as const));
}

/** kNN graph of factor-model correlations, as the engine builds them (k = 8 there). */
export function knnGraph(rng: Rng, n: number, k: number): TestGraph {
  const symbols = names(rng, n);
  const c = correlationMatrix(factorReturns(rng, n, 1 + rng.int(8), 60 + rng.int(120), symbols), { minOverlap: 30, shrinkage: 0.1 });
  return { shape: `knn n=${n} k=${k}`, edges: correlationEdges(c, { method: 'knn', minCorrelation: 0, k }), nodes: [] };
}

/** Threshold graph of factor-model correlations, some assets left isolated. */
export function thresholdGraph(rng: Rng, n: number, minCorrelation: number): TestGraph {
  const symbols = names(rng, n);
  const c = correlationMatrix(factorReturns(rng, n, 1 + rng.int(6), 60 + rng.int(120), symbols), { minOverlap: 30, shrinkage: 0 });
  return { shape: `threshold n=${n} min=${minCorrelation}`, edges: correlationEdges(c, { method: 'threshold', minCorrelation, k: 0 }), nodes: symbols };
}

/**
 * Random edges among n nodes with what callers may pass: parallel edges in both directions, self-loops, missing
 * weights, equal small integer weights (exact delta ties), NaN, and isolated nodes; `edges` edges drawn.
 */
export function messyGraph(rng: Rng, n: number, edges: number): TestGraph {
  const symbols = names(rng, n);
  const integer = rng.next() < 0.3;
  const out: WeightedEdge[] = [];
  for (let e = 0; e < edges; e++) {
    const a = symbols[rng.int(n)]!;
    const b = rng.next() < 0.02 ? a : symbols[rng.int(n)]!;
    const u = rng.next();
    const weight = u < 0.05 ? undefined : u < 0.06 ? Number.NaN : integer ? 1 + rng.int(3) : 0.05 + rng.next();
    out.push(weight === undefined ? { source: a, target: b } : { source: a, target: b, weight });
  }
  return { shape: `messy n=${n} edges=${edges}${integer ? ' integer' : ''}`, edges: out, nodes: symbols.filter(() => rng.next() < 0.5) };
}

/** Exactly `count` distinct edges over n named nodes (2 x 128 = 256 entries: where the package's `starts` wraps). */
export function distinctEdges(rng: Rng, n: number, count: number): TestGraph {
  if (count > (n * (n - 1)) / 2) throw new RangeError(`${count} distinct edges do not fit among ${n} nodes`);
  const symbols = names(rng, n);
  const seen = new Set<string>();
  const out: WeightedEdge[] = [];
  while (out.length < count) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a === b || seen.has(`${Math.min(a, b)},${Math.max(a, b)}`)) continue;
    seen.add(`${Math.min(a, b)},${Math.max(a, b)}`);
    out.push({ source: symbols[a]!, target: symbols[b]!, weight: 0.1 + rng.next() });
  }
  return { shape: `distinct n=${n} edges=${count}`, edges: out, nodes: symbols };
}
