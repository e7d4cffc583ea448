import { louvainCommunities, louvainGraph, louvainLabels, type WeightedEdge } from './louvain.js';
import { modularity } from './modularity.js';

export { modularity };

export interface ConsensusOptions {
  resolution: number;
  runs: number;
  seed: number;
  /** Co-association above which two assets are linked in the consensus graph. */
  agreement?: number;
}

export interface ConsensusResult {
  communities: Record<string, number>;
  /** Modularity of the consensus partition on the most recent window's graph (at the configured resolution). */
  modularity: number;
  /** Mean modularity of the individual Louvain runs. */
  meanRunModularity: number;
  clusters: number;
}

/**
 * Consensus clustering (Lancichinetti & Fortunato 2012): Louvain is run `runs` times with different seeds on each of
 * the given graphs (the last few correlation windows); the co-association of two assets is the share of runs that put
 * them together. Pairs above `agreement` (default 0.5) form the consensus graph, weighted by co-association, whose
 * Louvain partition is the answer. One noisy window or unlucky seed cannot reshuffle it. Pure.
 */
export function consensusClusters(graphs: readonly WeightedEdge[][], nodes: readonly string[], o: ConsensusOptions): ConsensusResult {
  const index = new Map(nodes.map((n, i) => [n, i]));
  const n = nodes.length;
  const co = new Int32Array(n * n); // runs that put i and j (i < j) together
  let runs = 0;
  let modSum = 0;
  for (const edges of graphs) {
    const graph = louvainGraph(edges, nodes);
    // each graph node's place in `nodes` (-1: an edge's endpoint that is not among them)
    const at = Int32Array.from(graph.nodes, (s) => index.get(s) ?? -1);
    for (let r = 0; r < o.runs; r++) {
      const { labels, count, modularity } = louvainLabels(graph, { resolution: o.resolution, seed: o.seed * 1000 + runs });
      runs++;
      modSum += modularity;
      addCoAssociation(co, n, at, labels, count);
    }
  }
  const agreement = o.agreement ?? 0.5;
  const edges: WeightedEdge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (runs > 0 && co[i * n + j]! / runs > agreement) edges.push({ source: nodes[i]!, target: nodes[j]!, weight: co[i * n + j]! / runs });
  const final = louvainCommunities(edges, { resolution: o.resolution, seed: o.seed, nodes });
  const latest = graphs[graphs.length - 1] ?? [];
  return {
    communities: final.communities,
    modularity: modularity(latest, final.communities, o.resolution),
    meanRunModularity: runs === 0 ? 0 : modSum / runs,
    clusters: new Set(Object.values(final.communities)).size,
  };
}

/** Adds 1 to co[i * n + j] for every two nodes i < j that `labels` put in one community. */
function addCoAssociation(co: Int32Array, n: number, at: Int32Array, labels: Int32Array, count: number): void {
  const ends = new Int32Array(count + 1);
  for (let v = 0; v < labels.length; v++) if (at[v]! >= 0) ends[labels[v]! + 1]!++;
  for (let c = 0; c < count; c++) ends[c + 1]! += ends[c]!;
  const members = new Int32Array(ends[count]!);
  const fill = ends.slice(0, count);
  for (let v = 0; v < labels.length; v++) if (at[v]! >= 0) members[fill[labels[v]!]!++] = at[v]!;
  for (let c = 0; c < count; c++) {
    for (let p = ends[c]!; p < ends[c + 1]!; p++) {
      const a = members[p]!;
      for (let q = p + 1; q < ends[c + 1]!; q++) {
        const b = members[q]!;
        co[a < b ? a * n + b : b * n + a]!++;
      }
    }
  }
}
