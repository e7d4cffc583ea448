import { markToMarket } from '../../portfolio/mark-to-market.js';
import { currentDrawdown } from '../../risk_guardrails/drawdown.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';
import { sleeveValueUsd } from '../../state/schema.js';

/**
 * Values the book at the bar's closes, extends the equity curve (bounded in state, complete in logs/equity.jsonl)
 * and moves the equity peak the drawdown tracker reads.
 */
export class MarkToMarketStep implements CycleStep {
  readonly name = 'mark-to-market';

  constructor(
    private readonly equityCurveMaxPoints: number,
    /** UTC hour of the day's one-line summary for the operator (notify.slack.daily_summary_hour_utc); null: none. */
    private readonly dailySummaryHourUtc: number | null = null,
    /** Drawdown levels (fractions) whose crossing, either way, is worth telling the operator. */
    private readonly drawdownLevels: readonly number[] = [],
    /** Reference assets, left out of the equal-weight benchmark of the micro-caps. */
    private readonly majors: readonly string[] = [],
  ) {}

  run(ctx: CycleContext): void {
    const s = ctx.state;
    const prices: Record<string, number> = {};
    for (const symbol in ctx.snapshot.bars) prices[symbol] = ctx.snapshot.bars[symbol]!.close;
    const m = markToMarket(s.positions, s.cashUsd, prices);
    s.positions = m.positions;
    const sleeveUsd = sleeveValueUsd(s);
    m.navUsd += sleeveUsd;
    s.peakEquityUsd = Math.max(s.peakEquityUsd, m.navUsd);
    s.equityCurve.push({ cycle: ctx.cycle, ts: ctx.ts, navUsd: m.navUsd });
    // the UTC day this bar belongs to (a bar closing at 00:00 closes the previous day); its NAV is the day's close
    const day = new Date(ctx.closeMs - 1).toISOString().slice(0, 10);
    if (s.dailyNav.at(-1)?.day === day) s.dailyNav[s.dailyNav.length - 1] = { day, navUsd: m.navUsd };
    else s.dailyNav.push({ day, navUsd: m.navUsd });
    if (s.dailyNav.length > 60) s.dailyNav.splice(0, s.dailyNav.length - 60);
    const benchPx = prices[s.benchmark.symbol];
    if (s.benchmark.startPriceUsd === null && benchPx !== undefined) s.benchmark.startPriceUsd = benchPx;
    const benchmarkNavUsd =
      s.benchmark.startPriceUsd === null || benchPx === undefined ? null : (s.startNavUsd * benchPx) / s.benchmark.startPriceUsd;
    const universeBenchmarkNavUsd = this.universeBenchmark(s, prices);
    if (s.equityCurve.length > this.equityCurveMaxPoints) {
      s.equityCurve.splice(0, s.equityCurve.length - this.equityCurveMaxPoints);
    }
    const ddNow = currentDrawdown(m.navUsd, s.peakEquityUsd);
    const prev = s.equityCurve.at(-2);
    if (prev !== undefined && this.drawdownLevels.length > 0) {
      const level = (dd: number) => this.drawdownLevels.filter((l) => dd >= l).length;
      const was = level(currentDrawdown(prev.navUsd, Math.max(s.peakEquityUsd, prev.navUsd)));
      const is = level(ddNow);
      if (was !== is) ctx.emit('meta', 'drawdown_level', { from: was === 0 ? 0 : this.drawdownLevels[was - 1]!, to: is === 0 ? 0 : this.drawdownLevels[is - 1]!, drawdownPct: 100 * ddNow, navUsd: m.navUsd, peakEquityUsd: s.peakEquityUsd });
    }
    if (this.dailySummaryHourUtc !== null && new Date(ctx.closeMs).getUTCHours() === this.dailySummaryHourUtc && ctx.closeMs % 3_600_000 === 0) {
      const dayAgo = s.dailyNav.at(-2)?.navUsd ?? s.startNavUsd;
      ctx.emit('meta', 'daily_summary', { navUsd: m.navUsd, dayReturnPct: 100 * (m.navUsd / dayAgo - 1), drawdownPct: 100 * ddNow, positions: Object.keys(m.positions).length, sleeveOptions: s.sleevePositions.length, killSwitch: s.killSwitch.state });
    }
    ctx.emit('equity', 'equity', {
      navUsd: m.navUsd,
      cashUsd: s.cashUsd,
      grossExposureUsd: m.grossExposureUsd,
      peakEquityUsd: s.peakEquityUsd,
      drawdownPct: 100 * currentDrawdown(m.navUsd, s.peakEquityUsd),
      positions: Object.keys(m.positions).length,
      ...(s.sleevePositions.length > 0 || s.sleeve.cashUsd !== 0 ? { sleeveUsd, sleevePositions: s.sleevePositions.length } : {}),
      benchmarkNavUsd,
      universeBenchmarkNavUsd,
      ...(m.stale.length > 0 ? { stalePrices: m.stale } : {}),
    });
  }

  /**
   * The equal-weight buy-and-hold of the micro-caps with a bar at the run's first cycle: the start NAV split equally
   * between them then, never rebalanced; an asset without a bar keeps its last price. Null when there were none.
   */
  private universeBenchmark(s: CycleContext['state'], prices: Readonly<Record<string, number>>): number | null {
    if (s.benchmark.universe === null) {
      const start: Record<string, number> = {};
      for (const [sym, px] of Object.entries(prices)) if (!this.majors.includes(sym)) start[sym] = px;
      s.benchmark.universe = { startPrices: start, lastPrices: { ...start } };
    }
    const u = s.benchmark.universe;
    let held = 0;
    let sum = 0;
    for (const sym in u.startPrices) {
      const px = prices[sym];
      if (px !== undefined) u.lastPrices[sym] = px;
      sum += u.lastPrices[sym]! / u.startPrices[sym]!;
      held++;
    }
    if (held === 0) return null;
    return (s.startNavUsd * sum) / held;
  }
}
