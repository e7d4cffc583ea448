import { withoutEntries } from '../../risk_guardrails/guardrail.js';
import { auditPerformance, type AuditSettings } from '../meta-audit.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface MetaSettings extends AuditSettings {
  barMs: number;
  onHalt: 'hold' | 'flatten';
  dailyAuditHourUtc: number;
  weeklyAuditWeekday: number;
}

/**
 * The meta kill-switch, between allocation and the guardrails. At the daily audit hour it audits performance (in
 * full, with the settings in the event, on the weekly audit day) and halts trading when the edge is gone. While
 * halted it replaces the allocation's proposal with the current book held, or flattened (meta.on_halt); the
 * guardrails then still apply (a flattening sells no faster than the ADV cap allows), and no guardrail can open or
 * increase a position. Only `coce resume` lifts a halt.
 */
export class MetaStep implements CycleStep {
  readonly name = 'meta';

  constructor(private readonly s: MetaSettings) {}

  run(ctx: CycleContext): void {
    const close = new Date(ctx.closeMs);
    if (close.getUTCHours() === this.s.dailyAuditHourUtc && close.getUTCMinutes() === 0) {
      // after a resume only what happened since counts (the kill-switch's sinceCycle while active)
      const since = ctx.state.killSwitch.state === 'active' ? ctx.state.killSwitch.sinceCycle : null;
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
      if (a.verdict === 'halt' && ctx.state.killSwitch.state !== 'halted') {
        ctx.state.killSwitch = { state: 'halted', reason: a.reasons.join('; '), sinceCycle: ctx.cycle };
        ctx.emit('meta', 'halt', { reason: ctx.state.killSwitch.reason, sharpe: a.sharpe, hitRate: a.hitRate, onHalt: this.s.onHalt });
      }
    }
    if (ctx.state.killSwitch.state === 'halted') {
      const current = ctx.currentWeights;
      ctx.targetWeights = this.s.onHalt === 'flatten' ? {} : withoutEntries(current, current);
      ctx.proposalIsHeld = this.s.onHalt === 'hold';
    }
  }
}
