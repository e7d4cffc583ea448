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

  constructor(private readonly equityCurveMaxPoints: number) {}

  run(ctx: CycleContext): void {
    const s = ctx.state;
    const prices: Record<string, number> = {};
    for (const [symbol, bar] of Object.entries(ctx.snapshot.bars)) prices[symbol] = bar.close;
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
    if (s.equityCurve.length > this.equityCurveMaxPoints) {
      s.equityCurve.splice(0, s.equityCurve.length - this.equityCurveMaxPoints);
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
      ...(m.stale.length > 0 ? { stalePrices: m.stale } : {}),
    });
  }
}
