import { applyCaps, clipToCaps, dropSmallTrades, enforceMinTrade, limitTurnover, scaleToGross, turnover, type Weights } from '../../portfolio/constraints.js';
import { covariance, hrpWeights } from '../../portfolio/hrp.js';
import type { LinkageMethod } from '../../portfolio/linkage.js';
import type { ReturnHistory } from '../return-history.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface AllocationSettings {
  linkage: LinkageMethod;
  /** Fractions of NAV. */
  maxAssetWeight: number;
  maxClusterWeight: number;
  maxGrossExposure: number;
  maxTurnover: number;
  minTradeNotionalUsd: number;
  rebalanceEveryBars: number;
  /** Bars of returns for the covariance. */
  covarianceBars: number;
}

/**
 * Target weights for the candidates: HRP over their recent returns, then in order the asset and cluster caps
 * (excess redistributed or left in cash), the gross exposure the signal allows (max gross x the candidates' mean pump
 * probability), the turnover limit against the current book, the minimum trade size, a final clip to the caps, and
 * the minimum trade size again (a cap-forced sale is rounded up to the minimum, so caps win over turnover then).
 * The current book is what is held at this bar's prices (the order-sync step values it).
 */
export class AllocationStep implements CycleStep {
  readonly name = 'allocation';

  constructor(
    private readonly history: ReturnHistory,
    private readonly s: AllocationSettings,
  ) {}

  run(ctx: CycleContext): void {
    const current: Weights = ctx.currentWeights;
    if (ctx.cycle % this.s.rebalanceEveryBars !== 0) {
      ctx.targetWeights = { ...current }; // between rebalances the book is held
      ctx.proposalIsHeld = true;
      return;
    }
    const navUsd = ctx.navUsd;
    // candidates with a full, finite return window (HRP needs a covariance of equal-length series)
    // sorted: HRP's split depends on input order when subtrees are uneven, and the candidates' ranking changes bar
    // to bar; a zero-variance series (a flat price) has no place in a covariance
    const series = new Map<string, number[]>();
    for (const s of [...ctx.candidates].sort()) {
      const r = this.history.window(s, this.s.covarianceBars);
      if (r.length === this.s.covarianceBars && r.every(Number.isFinite) && r.some((v) => v !== r[0])) series.set(s, r);
    }
    const symbols = [...series.keys()];
    let hrp: Weights = {};
    if (symbols.length > 0) {
      const w = hrpWeights(covariance(symbols.map((s) => series.get(s)!)), { linkage: this.s.linkage });
      hrp = Object.fromEntries(symbols.map((s, i) => [s, w[i]!]));
    }
    const clusters = ctx.state.clusters;
    const capped = applyCaps(hrp, clusters, this.s.maxAssetWeight, this.s.maxClusterWeight);
    const strength = symbols.length === 0 ? 0 : symbols.reduce((a, s) => a + (ctx.pumpProbabilities[s] ?? 0), 0) / symbols.length;
    const gross = this.s.maxGrossExposure * strength;
    const scaled = scaleToGross(capped.weights, gross);
    // New clusters can put the current book over a cap: those sales come first and do not spend the turnover budget.
    const currentWithinCaps = clipToCaps(current, clusters, this.s.maxAssetWeight, this.s.maxClusterWeight);
    const capForcedTurnover = turnover(current, currentWithinCaps);
    const limited = limitTurnover(currentWithinCaps, scaled, this.s.maxTurnover);
    const traded = dropSmallTrades(current, limited.weights, navUsd, this.s.minTradeNotionalUsd, this.s.maxAssetWeight);
    const clipped = clipToCaps(traded, clusters, this.s.maxAssetWeight, this.s.maxClusterWeight);
    const final = enforceMinTrade(current, clipped, {
      navUsd,
      minTradeUsd: this.s.minTradeNotionalUsd,
      clusters,
      assetCap: this.s.maxAssetWeight,
      clusterCap: this.s.maxClusterWeight,
    });
    const target = final.weights;
    ctx.targetWeights = target;
    ctx.state.targetWeights = target;
    ctx.emit('meta', 'allocation', {
      navUsd,
      candidates: ctx.candidates.length,
      hrpAssets: symbols.length,
      signalStrength: strength,
      grossTarget: gross,
      gross: Object.values(target).reduce((a, b) => a + b, 0),
      cashLeftByCaps: capped.cash,
      turnover: turnover(current, target),
      turnoverFraction: limited.fraction,
      capForcedTrades: final.forced,
      capForcedTurnover,
      weights: target,
      from: current,
      clusters: Object.fromEntries([...new Set([...Object.keys(target), ...Object.keys(current)])].sort().map((s) => [s, clusters[s] ?? null])),
    });
  }
}
