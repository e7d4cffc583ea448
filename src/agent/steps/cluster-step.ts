import { consensusClusters } from '../../network_analysis/consensus-clusters.js';
import { correlationEdges, correlationMatrix, WindowCorrelations } from '../../network_analysis/correlation.js';
import type { WeightedEdge } from '../../network_analysis/modularity.js';
import { adjustedRandIndex, matchClusterIds } from '../../network_analysis/partition.js';
import type { ReturnHistory } from '../return-history.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface ClusterSettings {
  windowBars: number;
  minOverlapBars: number;
  shrinkage: number;
  graph: { method: 'threshold' | 'knn'; minCorrelation: number; knnK: number };
  resolution: number;
  louvainRuns: number;
  consensusWindows: number;
  seed: number;
  rebalanceEveryBars: number;
}

/**
 * Re-clusters the tradable universe every `rebalanceEveryBars` (UTC-aligned) from the consensus of Louvain runs over
 * the last `consensusWindows` correlation windows (each shifted by one rebalance period), keeps cluster ids stable
 * against the previous partition, and logs modularity, cluster count and stability (adjusted Rand index).
 */
export class ClusterStep implements CycleStep {
  readonly name = 'clusters';

  /**
   * Each window's graph by the bar it ends on: the window one rebalance back today is yesterday's latest, so one
   * correlation matrix a rebalance is computed instead of `consensusWindows` (kept while the universe is the same),
   * and its pair correlations, so a universe that changed by a few assets computes only their pairs.
   */
  private readonly windows = new Map<number, { universe: string; symbols: string[]; excluded: { symbol: string; reason: string }[]; edges: WeightedEdge[]; pairs: WindowCorrelations }>();

  constructor(
    private readonly history: ReturnHistory,
    private readonly s: ClusterSettings,
  ) {}

  private windowGraph(universe: readonly string[], universeKey: string, offset: number) {
    const end = this.history.updateCount - offset;
    const hit = this.windows.get(end);
    if (hit !== undefined && hit.universe === universeKey) return hit;
    const returns = new Map(universe.map((sym) => [sym, this.history.window(sym, this.s.windowBars, offset)]));
    const pairs = hit?.pairs ?? new WindowCorrelations();
    const corr = correlationMatrix(returns, { minOverlap: this.s.minOverlapBars, shrinkage: this.s.shrinkage }, pairs);
    const edges = correlationEdges(corr, { method: this.s.graph.method, minCorrelation: this.s.graph.minCorrelation, k: this.s.graph.knnK });
    const entry = { universe: universeKey, symbols: corr.symbols, excluded: corr.excluded, edges, pairs };
    this.windows.set(end, entry);
    return entry;
  }

  run(ctx: CycleContext): void {
    const universe = ctx.universe?.tradable ?? [];
    const due = ctx.cycle % this.s.rebalanceEveryBars === 0 || Object.keys(ctx.state.clusters).length === 0;
    if (!due || universe.length < 2) return;
    const graphs = [];
    let excluded: { symbol: string; reason: string }[] = [];
    let nodes: string[] = [];
    const universeKey = [...universe].sort().join('\n');
    const oldest = this.history.updateCount - (this.s.consensusWindows - 1) * this.s.rebalanceEveryBars;
    for (const end of this.windows.keys()) if (end < oldest) this.windows.delete(end);
    for (let w = 0; w < this.s.consensusWindows; w++) {
      const win = this.windowGraph(universe, universeKey, w * this.s.rebalanceEveryBars);
      if (w === 0) {
        excluded = win.excluded;
        nodes = win.symbols;
      }
      graphs.unshift(win.edges);
    }
    if (nodes.length < 2) return;
    const consensus = consensusClusters(graphs, nodes, { resolution: this.s.resolution, runs: this.s.louvainRuns, seed: this.s.seed });
    const prev = ctx.state.clusters;
    const next = matchClusterIds(consensus.communities, prev);
    const stability = Object.keys(prev).length === 0 ? null : adjustedRandIndex(next, prev);
    ctx.state.clusters = next;
    ctx.state.versions.clusters = `cycle-${ctx.cycle}`;
    ctx.emit('meta', 'clusters', {
      assets: nodes.length,
      clusters: consensus.clusters,
      modularity: consensus.modularity,
      meanRunModularity: consensus.meanRunModularity,
      stabilityAri: stability,
      excluded,
    });
  }
}
