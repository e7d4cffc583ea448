import { historicalCvar, historicalVar } from './historical-var.js';
import { gross, scaleWeights, type Guardrail, type GuardrailInput, type GuardrailResult, type GuardrailTrip, type Weights } from './guardrail.js';

/** Daily P&L of a book (fraction of NAV) from its assets' aligned daily returns; days missing for an asset count 0. */
export function bookPnl(w: Readonly<Weights>, dailyReturns: (s: string) => number[]): number[] {
  const series = Object.entries(w).map(([s, v]) => [v, dailyReturns(s)] as const);
  const days = Math.max(0, ...series.map(([, r]) => r.length));
  const pnl = new Array<number>(days).fill(0);
  for (const [v, r] of series) for (let d = 0; d < r.length; d++) pnl[days - r.length + d]! += v * (Number.isFinite(r[d]!) ? r[d]! : 0);
  return pnl;
}

/**
 * Historical VaR floor: the proposed book's 1-day VaR at `level`, by historical simulation over its assets' last
 * days of returns (loss as a positive fraction of NAV, linear interpolation). Above `maxVar` the whole book is scaled
 * down to fit: VaR of a scaled book scales linearly, so the factor is maxVar / VaR. An asset with fewer than
 * `minDays` days of real returns (a new listing) cannot be measured, so it may not be bought or increased.
 */
export class VarFloor implements Guardrail {
  readonly name = 'var';

  constructor(private readonly s: { level: number; maxVar: number; minDays: number }) {}

  describe(): string {
    return `historical VaR ${(100 * this.s.level).toFixed(0)} % 1-day <= ${(100 * this.s.maxVar).toFixed(2)} % of NAV, else the book is scaled to fit`;
  }

  recheck(i: GuardrailInput, finalBook: Readonly<Weights>): GuardrailTrip | null {
    const pnl = bookPnl(finalBook, i.dailyReturns);
    if (pnl.length < 2) return null;
    const v = historicalVar(pnl, this.s.level);
    if (!(v > this.s.maxVar * (1 + 1e-9))) return null;
    return {
      guardrail: this.name,
      reason: `book still at 1-day VaR ${(100 * v).toFixed(2)} % > ${(100 * this.s.maxVar).toFixed(2)} % after the ADV cap slowed its sales`,
      values: { var: v, limit: this.s.maxVar, afterAdvCap: true },
    };
  }

  check(i: GuardrailInput): GuardrailResult {
    const unmeasured = Object.keys(i.proposed).filter((s) => (i.proposed[s] ?? 0) > (i.current[s] ?? 0) && i.dailyReturns(s).filter(Number.isFinite).length < this.s.minDays).sort();
    if (unmeasured.length > 0) {
      const weights = { ...i.proposed };
      for (const s of unmeasured) {
        const cur = i.current[s] ?? 0;
        if (cur > 0) weights[s] = cur;
        else delete weights[s];
      }
      const rest = this.check({ ...i, proposed: weights });
      return {
        weights: rest.weights,
        trip: {
          guardrail: this.name,
          reason: `${unmeasured.length} asset(s) with under ${this.s.minDays} days of returns not increased: ${unmeasured.join(', ')}${rest.trip ? `; ${rest.trip.reason}` : ''}`,
          values: { ...(rest.trip?.values ?? {}), unmeasured: unmeasured.join(','), minDays: this.s.minDays },
        },
      };
    }
    const pnl = bookPnl(i.proposed, i.dailyReturns);
    if (pnl.length < 2) return { weights: { ...i.proposed }, trip: null };
    const v = historicalVar(pnl, this.s.level);
    if (!(v > this.s.maxVar)) return { weights: { ...i.proposed }, trip: null };
    const f = this.s.maxVar / v;
    return {
      weights: scaleWeights(i.proposed, f),
      trip: {
        guardrail: this.name,
        reason: `1-day VaR ${(100 * v).toFixed(2)} % > ${(100 * this.s.maxVar).toFixed(2)} %: book x${f.toFixed(3)}`,
        values: { var: v, cvar: historicalCvar(pnl, this.s.level), limit: this.s.maxVar, level: this.s.level, scale: f, days: pnl.length, grossBefore: gross(i.proposed) },
      },
    };
  }
}
