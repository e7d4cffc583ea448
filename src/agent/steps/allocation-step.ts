import { turnover, type Weights } from '../../portfolio/constraints.js';
import { covariance, hrpWeights } from '../../portfolio/hrp.js';
import type { LinkageMethod } from '../../portfolio/linkage.js';
import { pumpBook, type EntryCandidate } from '../../portfolio/pump-book.js';
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
  fullSizeProbability: number;
  /** Entries more volatile than this (annualised fraction) are scaled down to it; null: none. */
  volTargetAnnual: number | null;
  maxPositionAdvMultiple: number;
  /** Entries are made every this many bars; exits are acted on every bar. */
  rebalanceEveryBars: number;
  /** Bars of returns for the covariance. */
  covarianceBars: number;
}

/**
 * Target weights of a pump strategy (portfolio/pump-book.ts): held positions stay as they are until an exit rule sells
 * them (the exit step's `exiting` get nothing), and new candidates (not held, not in cool-down) are entered with
 * sizes from their probability, their liquidity and their HRP share among this cycle's entries, within the asset,
 * cluster and gross caps and the turnover budget. The held book is what is held at this bar's prices (the order-sync
 * step values it). The proposal only keeps or sells held positions, so the guardrails treat it as held
 * (`proposalIsHeld`): they scale its entries, not the held book again every bar.
 */
export class AllocationStep implements CycleStep {
  readonly name = 'allocation';

  constructor(
    private readonly history: ReturnHistory,
    private readonly s: AllocationSettings,
  ) {}

  run(ctx: CycleContext): void {
    const current: Weights = ctx.currentWeights;
    const navUsd = ctx.navUsd;
    ctx.proposalIsHeld = true;
    const rebalance = ctx.cycle % this.s.rebalanceEveryBars === 0;
    // entry candidates with a full, finite return window (HRP needs a covariance of equal-length series), sorted:
    // HRP's split depends on input order when subtrees are uneven, and the candidates' ranking changes bar to bar; a
    // zero-variance series (a flat price) has no place in a covariance
    const series = new Map<string, number[]>();
    if (rebalance) {
      for (const s of [...ctx.candidates].sort()) {
        if (ctx.exiting.has(s) || ctx.noEntry.has(s)) continue;
        const r = this.history.window(s, this.s.covarianceBars);
        if (r.length === this.s.covarianceBars && r.every(Number.isFinite) && r.some((v) => v !== r[0])) series.set(s, r);
      }
    }
    const symbols = [...series.keys()];
    const hrp = symbols.length === 0 ? [] : hrpWeights(covariance(symbols.map((s) => series.get(s)!)), { linkage: this.s.linkage });
    const candidates: EntryCandidate[] = symbols.map((s, i) => ({
      symbol: s,
      probability: ctx.pumpProbabilities[s] ?? 0,
      hrpWeight: hrp[i]!,
      advUsd: ctx.snapshot.liquidity[s]?.advUsd ?? 0,
      volAnnual: ctx.snapshot.realizedVol[s] ?? null,
    }));
    const book = pumpBook(current, ctx.exiting, candidates, ctx.state.clusters, {
      maxAssetWeight: this.s.maxAssetWeight,
      maxClusterWeight: this.s.maxClusterWeight,
      maxGrossExposure: this.s.maxGrossExposure,
      maxTurnover: this.s.maxTurnover,
      fullSizeProbability: this.s.fullSizeProbability,
      volTargetAnnual: this.s.volTargetAnnual,
      maxPositionAdvMultiple: this.s.maxPositionAdvMultiple,
      minTradeNotionalUsd: this.s.minTradeNotionalUsd,
      navUsd,
    });
    const target = book.weights;
    ctx.targetWeights = target;
    ctx.state.targetWeights = target;
    const changed = turnover(current, target) > 0;
    if (!changed && !rebalance) return;
    ctx.emit('meta', 'allocation', {
      navUsd,
      candidates: ctx.candidates.length,
      hrpAssets: symbols.length,
      entries: book.entries,
      skipped: book.skipped,
      exiting: [...ctx.exiting].sort(),
      coolingDown: ctx.candidates.filter((s) => ctx.noEntry.has(s)),
      gross: Object.values(target).reduce((a, b) => a + b, 0),
      turnover: turnover(current, target),
      weights: target,
      from: current,
      clusters: Object.fromEntries([...new Set([...Object.keys(target), ...Object.keys(current)])].sort().map((s) => [s, ctx.state.clusters[s] ?? null])),
    });
  }
}
