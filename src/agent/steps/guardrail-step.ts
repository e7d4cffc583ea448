import type { Guardrail } from '../../risk_guardrails/guardrail.js';
import { runGuardrails } from '../../risk_guardrails/pipeline.js';
import { bookPnl } from '../../risk_guardrails/var-floor.js';
import { historicalVar } from '../../risk_guardrails/historical-var.js';
import type { ReturnHistory } from '../return-history.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface GuardrailStepSettings {
  barsPerDay: number;
  varLookbackDays: number;
  corrShortBars: number;
  corrLongBars: number;
  /** VaR confidence level (risk.var.level), for the VaR of any book later steps ask about. */
  varLevel: number;
}

/**
 * Puts the allocation's proposed book through the guardrail pipeline (drawdown, correlation spike, VaR floor, ADV
 * cap, in that order) against the current book, and passes on only the approved book. Every trip is a
 * `guardrail_trip` event with the numbers that tripped it.
 */
export class GuardrailStep implements CycleStep {
  readonly name = 'guardrails';

  constructor(
    private readonly guardrails: readonly Guardrail[],
    private readonly history: ReturnHistory,
    private readonly s: GuardrailStepSettings,
  ) {}

  /**
   * Daily simple returns, oldest first: each day the sum of its bars' log returns; a day with fewer than half its
   * bars (not listed yet, or rejected by the gate) is NaN, so the VaR floor can see how much history is real.
   */
  private dailyReturns(symbol: string): number[] {
    const bars = this.history.window(symbol, this.s.varLookbackDays * this.s.barsPerDay);
    const out: number[] = [];
    for (let end = bars.length; end - this.s.barsPerDay >= 0; end -= this.s.barsPerDay) {
      let sum = 0;
      let have = 0;
      for (let k = end - this.s.barsPerDay; k < end; k++) {
        if (!Number.isFinite(bars[k]!)) continue;
        sum += bars[k]!;
        have++;
      }
      out.unshift(have * 2 >= this.s.barsPerDay ? Math.expm1(sum) : Number.NaN);
    }
    return out;
  }

  run(ctx: CycleContext): void {
    const universe = ctx.universe?.tradable ?? [];
    const avg = (bars: number) => this.history.averageCorrelation(universe, bars);
    // one daily series per asset per cycle: the VaR floor reads it for its history check, its P&L and its recheck
    const daily = new Map<string, number[]>();
    const dailyReturns = (s: string) => {
      let d = daily.get(s);
      if (d === undefined) daily.set(s, (d = this.dailyReturns(s)));
      return d;
    };
    const advUsd: Record<string, number> = {};
    for (const s in ctx.snapshot.liquidity) advUsd[s] = ctx.snapshot.liquidity[s]!.advUsd;
    const r = runGuardrails(this.guardrails, {
      cycle: ctx.cycle,
      navUsd: ctx.navUsd,
      current: ctx.currentWeights,
      proposed: ctx.targetWeights,
      advUsd,
      dailyReturns,
      peakEquityUsd: ctx.state.peakEquityUsd,
      avgCorrelationShort: avg(this.s.corrShortBars),
      avgCorrelationLong: avg(this.s.corrLongBars),
      holding: ctx.proposalIsHeld,
    });
    ctx.entriesBlocked = r.entriesBlocked;
    ctx.varOf = (w) => {
      const pnl = bookPnl(w, dailyReturns);
      return pnl.length < 2 ? 0 : historicalVar(pnl, this.s.varLevel);
    };
    for (const t of r.trips) ctx.emit('meta', 'guardrail_trip', { guardrail: t.guardrail, reason: t.reason, ...t.values, entriesBlocked: r.entriesBlocked });
    ctx.approvedWeights = r.weights;
    ctx.state.approvedWeights = r.weights;
  }
}
