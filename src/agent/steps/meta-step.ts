import { scaleAdditions, withoutEntries } from '../../risk_guardrails/guardrail.js';
import { auditPerformance, type AuditSettings } from '../meta-audit.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface MetaSettings extends AuditSettings {
  barMs: number;
  onHalt: 'hold' | 'flatten';
  dailyAuditHourUtc: number;
  weeklyAuditWeekday: number;
  /** Days after an audit's halt that trading resumes on probation; null: only `coce resume` (always so in live). */
  autoResumeAfterDays: number | null;
  /** On probation entries are scaled by this. */
  probationGrossScale: number;
}

/**
 * The meta kill-switch, between allocation and the guardrails. At the daily audit hour it audits performance (in
 * full, with the settings in the event, on the weekly audit day) and halts trading when the edge is gone. While
 * halted it replaces the allocation's proposal with the current book held (after an audit's halt exits still sell;
 * nothing is entered), or flattened (meta.on_halt); the guardrails then still apply (a flattening sells no faster than the ADV cap
 * allows), and no guardrail can open or increase a position. `coce resume` lifts a halt; with
 * meta.auto_resume_after_days an audit's halt (not a venue's) is lifted that many days later onto probation: entries
 * at probation_gross_scale of their size until an audit passes, then full size again, each step a meta event.
 */
export class MetaStep implements CycleStep {
  readonly name = 'meta';

  constructor(private readonly s: MetaSettings) {}

  private resumeBars(): number | null {
    return this.s.autoResumeAfterDays === null ? null : Math.round((this.s.autoResumeAfterDays * 86_400_000) / this.s.barMs);
  }

  run(ctx: CycleContext): void {
    const close = new Date(ctx.closeMs);
    const ks = () => ctx.state.killSwitch;
    if (close.getUTCHours() === this.s.dailyAuditHourUtc && close.getUTCMinutes() === 0) {
      // after a resume only what happened since counts (the kill-switch's sinceCycle while trading)
      const since = ks().state === 'active' || ks().state === 'probation' ? ks().sinceCycle : null;
      const windowStart = Math.max(ctx.cycle - (this.s.windowDays * 86_400_000) / this.s.barMs, since ?? -Infinity);
      const trades = ctx.state.closedTrades.filter((t) => t.closedCycle > windowStart);
      // the day the resume happened in is the first day's close that counts (the return from it onward)
      const sinceDay = since === null ? '' : new Date((since + 1) * this.s.barMs - 1).toISOString().slice(0, 10);
      const a = auditPerformance(ctx.state.dailyNav.filter((d) => d.day >= sinceDay).map((d) => d.navUsd), trades, this.s);
      const weekly = close.getUTCDay() === this.s.weeklyAuditWeekday;
      ctx.emit('meta', weekly ? 'weekly_audit' : 'daily_audit', {
        sharpe: a.sharpe,
        hitRate: a.hitRate,
        days: a.days,
        trades: a.trades,
        verdict: a.verdict,
        reasons: a.reasons,
        ...(weekly ? { minSharpe: this.s.minSharpe, minHitRate: this.s.minHitRate, minTrades: this.s.minTrades, minDays: this.s.minDays } : {}),
      });
      if (a.verdict === 'halt' && ks().state !== 'halted') {
        const from = ks().state;
        ctx.state.killSwitch = { state: 'halted', reason: a.reasons.join('; '), sinceCycle: ctx.cycle, cause: 'audit' };
        // with auto-resume the cool-down starts here: the event says when probation begins
        const resumeBars = this.resumeBars();
        ctx.emit('meta', 'halt', { reason: ks().reason, sharpe: a.sharpe, hitRate: a.hitRate, onHalt: this.s.onHalt, ...(from === 'probation' ? { from } : {}), ...(resumeBars === null ? {} : { autoResumeAtCycle: ctx.cycle + resumeBars }) });
      } else if (a.verdict === 'ok' && ks().state === 'probation') {
        ctx.state.killSwitch = { state: 'active', reason: `probation passed: Sharpe ${a.sharpe!.toFixed(2)}, hit rate ${a.hitRate === null ? 'n/a' : (100 * a.hitRate).toFixed(1) + ' %'}`, sinceCycle: ks().sinceCycle };
        ctx.emit('meta', 'probation_passed', { sharpe: a.sharpe, hitRate: a.hitRate, trades: a.trades, sinceCycle: ks().sinceCycle });
      }
    }
    const k = ks();
    const resumeBars = this.resumeBars();
    if (k.state === 'halted' && k.cause === 'audit' && resumeBars !== null && k.sinceCycle !== null && ctx.cycle - k.sinceCycle >= resumeBars) {
      ctx.state.killSwitch = { state: 'probation', reason: `auto-resumed after ${this.s.autoResumeAfterDays} days halted (${k.reason ?? 'no reason'})`, sinceCycle: ctx.cycle };
      ctx.emit('meta', 'resume', { by: 'auto', reason: ks().reason, haltedSinceCycle: k.sinceCycle, previousReason: k.reason, probationGrossScale: this.s.probationGrossScale });
    }
    if (ks().state === 'halted') {
      const current = ctx.currentWeights;
      // holding after an audit's halt keeps the exits (they still sell, nothing is entered); after a venue's or a
      // reconciliation's halt nothing is sent at all until an operator has looked
      const held = ks().cause === 'audit' ? ctx.targetWeights : current;
      ctx.targetWeights = this.s.onHalt === 'flatten' ? {} : withoutEntries(current, held);
      ctx.proposalIsHeld = this.s.onHalt === 'hold';
    } else if (ks().state === 'probation') {
      ctx.targetWeights = scaleAdditions(ctx.currentWeights, ctx.targetWeights, this.s.probationGrossScale);
    }
  }
}
