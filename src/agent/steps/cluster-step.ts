import { consensusClusters } from '../../network_analysis/consensus-clusters.js';
import { correlationEdges, correlationMatrix } from '../../network_analysis/correlation.js';
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

  constructor(
    private readonly history: ReturnHistory,
    private readonly s: ClusterSettings,
  ) {}

  run(ctx: CycleContext): void {
    const universe = ctx.universe?.tradable ?? [];
    const due = ctx.cycle % this.s.rebalanceEveryBars === 0 || Object.keys(ctx.state.clusters).length === 0;
    if (!due || universe.length < 2) return;
    const graphs = [];
    let excluded: { symbol: string; reason: string }[] = [];
    let nodes: string[] = [];
    for (let w = 0; w < this.s.consensusWindows; w++) {
      const offset = w * this.s.rebalanceEveryBars;
      const returns = new Map(universe.map((sym) => [sym, this.history.window(sym, this.s.windowBars, offset)]));
      const corr = correlationMatrix(returns, { minOverlap: this.s.minOverlapBars, shrinkage: this.s.shrinkage });
      if (w === 0) {
        excluded = corr.excluded;
        nodes = corr.symbols;
      }
      graphs.unshift(correlationEdges(corr, { method: this.s.graph.method, minCorrelation: this.s.graph.minCorrelation, k: this.s.graph.knnK }));
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
