import { louvainCommunities, louvainGraph, type WeightedEdge } from './louvain.js';
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
  const co = new Float64Array(n * n);
  let runs = 0;
  let modSum = 0;
  for (const edges of graphs) {
    const graph = louvainGraph(edges, nodes);
    for (let r = 0; r < o.runs; r++) {
      const { communities, modularity } = louvainCommunities(graph, { resolution: o.resolution, seed: o.seed * 1000 + runs, nodes });
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
  const final = louvainCommunities(edges, { resolution: o.resolution, seed: o.seed, nodes });
  const latest = graphs[graphs.length - 1] ?? [];
  return {
    communities: final.communities,
    modularity: modularity(latest, final.communities, o.resolution),
    meanRunModularity: runs === 0 ? 0 : modSum / runs,
    clusters: new Set(Object.values(final.communities)).size,
  };
}
