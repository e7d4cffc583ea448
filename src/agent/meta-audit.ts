import { hitRate, sharpe } from '../risk_guardrails/performance.js';

/** One closed trade's result (execution records them). */
export interface ClosedTrade {
  closedCycle: number;
  pnlUsd: number;
}

export interface AuditSettings {
  windowDays: number;
  minSharpe: number;
  minHitRate: number;
  minTrades: number;
  minDays: number;
}

export interface AuditResult {
  /** 7-day Sharpe of daily returns, annualised with sqrt(365) (crypto trades every day), rf = 0. */
  sharpe: number | null;
  hitRate: number | null;
  days: number;
  trades: number;
  verdict: 'ok' | 'halt' | 'not-judged';
  reasons: string[];
}

/**
 * The performance audit behind the kill-switch. Daily returns come from the NAV at each UTC day's last bar over the
 * last `windowDays` days; the hit rate from the trades closed in that window. With fewer than `minDays` days or
 * `minTrades` closed trades the audit says so instead of halting on noise. Pure.
 */
export function auditPerformance(dailyNavUsd: readonly number[], trades: readonly ClosedTrade[], s: AuditSettings): AuditResult {
  const navs = dailyNavUsd.slice(-(s.windowDays + 1));
  const returns = navs.slice(1).map((v, i) => v / navs[i]! - 1);
  const days = returns.length;
  const tradeCount = trades.length;
  if (days < s.minDays || tradeCount < s.minTrades) {
    const why: string[] = [];
    if (days < s.minDays) why.push(`${days} days of returns, needs ${s.minDays}`);
    if (tradeCount < s.minTrades) why.push(`${tradeCount} closed trades, needs ${s.minTrades}`);
    return { sharpe: days >= 2 ? sharpe(returns, 365) : null, hitRate: tradeCount > 0 ? hitRate(trades.map((t) => t.pnlUsd)) : null, days, trades: tradeCount, verdict: 'not-judged', reasons: why };
  }
  // returns without variance (a book in cash) have no defined Sharpe: their mean's sign decides (0 for a flat book)
  const raw = sharpe(returns, 365);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const sr = Number.isFinite(raw) ? raw : mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
  // with no closed trade (min_trades 0) there is no hit rate to judge
  const hr = trades.length > 0 ? hitRate(trades.map((t) => t.pnlUsd)) : null;
  const reasons: string[] = [];
  // an undefined Sharpe says why, not "-Infinity"
  const srText = Number.isFinite(sr) ? sr.toFixed(2) : `${sr > 0 ? '+' : '-'}inf (returns without spread, mean ${(100 * mean).toFixed(3)} % a day)`;
  if (!(sr >= s.minSharpe)) reasons.push(`7-day Sharpe ${srText} < ${s.minSharpe}`);
  if (hr !== null && !(hr >= s.minHitRate)) reasons.push(`hit rate ${(100 * hr).toFixed(1)} % < ${(100 * s.minHitRate).toFixed(0)} %`);
  return { sharpe: sr, hitRate: hr, days, trades: tradeCount, verdict: reasons.length > 0 ? 'halt' : 'ok', reasons };
}
