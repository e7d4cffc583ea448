import { join } from 'node:path';
import type { PumpEvent } from '../data_ingest/synthetic/pump-schedule.js';
import { maxDrawdown } from '../risk_guardrails/drawdown.js';
import { hitRate, sharpe } from '../risk_guardrails/performance.js';
import { readJsonlLog } from '../state/jsonl-log.js';
import { feesPaidUsd, tradeFigureRows, tradeFigures, tripsByGuardrail, type TradeFigures } from '../ops/log-figures.js';
import { money } from '../utils/money.js';


export interface BacktestSummary extends TradeFigures {
  days: number;
  startNavUsd: number;
  endNavUsd: number;
  returnPct: number;
  cagrPct: number;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdownPct: number;
  /** Share of closed round trips with P&L > 0 (null with none). */
  hitRate: number | null;
  roundTrips: number;
  fills: number;
  tradedUsd: number;
  /** Traded notional over the average NAV, per year. */
  turnoverPerYear: number;
  feesUsd: number;
  slippageUsd: number;
  guardrailTrips: Record<string, number>;
  halts: number;
  /** Days the kill-switch held trading halted (halt to resume, or to the end). */
  haltedDays: number;
  sleevePremiumUsd: number;
  pumps: { alarms: number; truePositives: number; precision: number | null; pumpsInWindow: number; caught: number; recall: number | null } | null;
  /** Buy-and-hold benchmarks over the same bars: the first major (BTC), and the micro-caps at equal weight. */
  benchmarks: { symbol: string; returnPct: number | null; universeReturnPct: number | null };
  /** The currency NAV and amounts are in (the data's quote). */
  currency: string;
}


/** Sortino ratio of periodic returns: mean over the downside deviation (target 0, over all periods), annualised. */
export function sortino(returns: readonly number[], periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const down = Math.sqrt(returns.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / returns.length);
  return down === 0 ? null : (mean / down) * Math.sqrt(periodsPerYear);
}

/** The NAV at each UTC day's last bar (a bar closing at 00:00 belongs to the day before), from equity.jsonl lines. */
export function dailyNavs(equity: readonly Record<string, unknown>[]): { day: string; navUsd: number }[] {
  const byDay = new Map<string, number>();
  for (const e of equity) byDay.set(new Date(Date.parse(e.ts as string) - 1).toISOString().slice(0, 10), e.navUsd as number);
  return [...byDay].map(([day, navUsd]) => ({ day, navUsd }));
}

/**
 * The back-test's figures, from its logs alone (equity, trades, meta events) and, for the pump model, the market's
 * ground truth. Daily returns are from the NAV at each UTC day's last bar. One window decides both pump figures, the
 * model's own label window: from `horizonBars` before a pump starts to its peak. An alarm is right when it falls in
 * such a window of its asset; a pump is caught when an alarm of its asset falls in its window.
 */
export function summarizeBacktest(logDir: string, o: { startNavUsd: number; barMs: number; horizonBars: number; pumps: readonly PumpEvent[] | null; benchmark?: string; currency?: string }): BacktestSummary {
  const equity = readJsonlLog(join(logDir, 'equity.jsonl'));
  const trades = readJsonlLog(join(logDir, 'trades.jsonl'));
  const meta = readJsonlLog(join(logDir, 'meta_events.jsonl'));
  if (equity.length === 0) throw new RangeError(`${logDir}/equity.jsonl is empty: nothing to summarise`);
  const nav = [o.startNavUsd, ...equity.map((e) => e.navUsd as number)];
  const firstMs = Date.parse(equity[0]!.ts) - o.barMs;
  const lastMs = Date.parse(equity.at(-1)!.ts);
  const days = (lastMs - firstMs) / 86_400_000;
  const dayNav = dailyNavs(equity).map((d) => d.navUsd);
  const startNavUsd = o.startNavUsd;
  const closes = [startNavUsd, ...dayNav];
  const daily = closes.slice(1).map((v, i) => v / closes[i]! - 1);
  const endNavUsd = nav.at(-1)!;
  const fills = trades.filter((e) => e.type === 'fill');
  const tradedUsd = fills.reduce((a, f) => a + (f.notionalUsd as number), 0);
  const avgNav = nav.reduce((a, b) => a + b, 0) / nav.length;
  const closed = trades.filter((e) => e.type === 'trade_closed').map((e) => e.pnlUsd as number);
  // halted from each halt to the resume after it, or to the last bar
  let haltedMs = 0;
  let haltedAt: number | null = null;
  for (const e of meta) {
    if (e.type === 'halt' && haltedAt === null) haltedAt = Date.parse(e.ts);
    else if (e.type === 'resume' && haltedAt !== null) {
      haltedMs += Date.parse(e.ts) - haltedAt;
      haltedAt = null;
    }
  }
  if (haltedAt !== null) haltedMs += lastMs - haltedAt;
  // a benchmark's return from its last logged NAV (null when the data never had it: BTC in a BTC-quoted folder)
  const benchReturn = (field: string): number | null => {
    const last = equity.findLast((e) => typeof e[field] === 'number')?.[field] as number | undefined;
    return last === undefined ? null : 100 * (last / startNavUsd - 1);
  };
  let pumps: BacktestSummary['pumps'] = null;
  if (o.pumps !== null) {
    const alarms = meta.filter((e) => e.type === 'pump_alarm').map((e) => ({ symbol: e.symbol as string, ms: Date.parse(e.ts) }));
    const horizonMs = o.horizonBars * o.barMs;
    const bySymbol = new Map<string, PumpEvent[]>();
    for (const p of o.pumps) bySymbol.set(p.symbol, [...(bySymbol.get(p.symbol) ?? []), p]);
    const inLabel = (a: { ms: number }, p: PumpEvent) => a.ms >= p.pumpStartMs - horizonMs && a.ms <= p.peakMs;
    const right = alarms.filter((a) => (bySymbol.get(a.symbol) ?? []).some((p) => inLabel(a, p))).length;
    const inWindow = o.pumps.filter((p) => p.pumpStartMs > firstMs && p.pumpStartMs <= lastMs);
    const caught = inWindow.filter((p) => alarms.some((a) => a.symbol === p.symbol && inLabel(a, p))).length;
    pumps = { alarms: alarms.length, truePositives: right, precision: alarms.length > 0 ? right / alarms.length : null, pumpsInWindow: inWindow.length, caught, recall: inWindow.length > 0 ? caught / inWindow.length : null };
  }
  return {
    days,
    startNavUsd,
    endNavUsd,
    returnPct: 100 * (endNavUsd / startNavUsd - 1),
    cagrPct: 100 * ((endNavUsd / startNavUsd) ** (365 / Math.max(days, 1e-9)) - 1),
    sharpe: daily.length >= 2 ? sharpe(daily, 365) : null,
    sortino: sortino(daily, 365),
    maxDrawdownPct: 100 * maxDrawdown(nav),
    hitRate: closed.length > 0 ? hitRate(closed) : null,
    roundTrips: closed.length,
    fills: fills.length,
    tradedUsd,
    turnoverPerYear: avgNav > 0 && days > 0 ? tradedUsd / avgNav / (days / 365) : 0,
    feesUsd: feesPaidUsd(trades),
    slippageUsd: fills.reduce((a, f) => a + (f.slippageUsd as number), 0),
    guardrailTrips: tripsByGuardrail(meta),
    halts: meta.filter((e) => e.type === 'halt').length,
    haltedDays: haltedMs / 86_400_000,
    ...tradeFigures(trades, equity),
    sleevePremiumUsd: trades.filter((e) => e.type === 'option_fill' && e.reason === 'open').reduce((a, e) => a + (e.costUsd as number), 0),
    pumps,
    benchmarks: { symbol: o.benchmark ?? 'BTC', returnPct: benchReturn('benchmarkNavUsd'), universeReturnPct: benchReturn('universeBenchmarkNavUsd') },
    currency: o.currency ?? 'USD',
  };
}

const f2 = (x: number | null, unit = '') => (x === null ? 'n/a' : `${x.toFixed(2)}${unit}`);

/** The summary as an aligned two-column table for the terminal. */
export function formatSummary(s: BacktestSummary): string {
  const usd = (x: number) => money(x, s.currency);
  const rows: [string, string][] = [
    ['days', s.days.toFixed(1)],
    ['NAV', `${usd(s.startNavUsd)} -> ${usd(s.endNavUsd)}`],
    ['return', f2(s.returnPct, ' %')],
    ['CAGR', f2(s.cagrPct, ' %')],
    ['Sharpe (daily, sqrt 365)', f2(s.sharpe)],
    ['Sortino (daily, sqrt 365)', f2(s.sortino)],
    ['max drawdown', f2(s.maxDrawdownPct, ' %')],
    ['hit rate', s.hitRate === null ? 'n/a' : `${(100 * s.hitRate).toFixed(1)} % of ${s.roundTrips} round trips`],
    ...tradeFigureRows(s, usd),
    ['fills / traded', `${s.fills} / ${usd(s.tradedUsd)}`],
    ['turnover', `${s.turnoverPerYear.toFixed(1)} x NAV a year`],
    ['fees paid', usd(s.feesUsd)],
    ['slippage paid', usd(s.slippageUsd)],
    ['guardrail trips', Object.entries(s.guardrailTrips).map(([g, n]) => `${g} ${n}`).join(', ') || 'none'],
    ['halts', `${s.halts} (${s.haltedDays.toFixed(1)} days halted)`],
    ['options premium', usd(s.sleevePremiumUsd)],
    [`buy-and-hold ${s.benchmarks.symbol}`, s.benchmarks.returnPct === null ? `n/a (no ${s.benchmarks.symbol} in the data)` : f2(s.benchmarks.returnPct, ' %')],
    ['buy-and-hold micro-caps (equal weight)', f2(s.benchmarks.universeReturnPct, ' %')],
    [`return over ${s.benchmarks.symbol} / micro-caps`, `${s.benchmarks.returnPct === null ? 'n/a' : f2(s.returnPct - s.benchmarks.returnPct, ' pp')} / ${s.benchmarks.universeReturnPct === null ? 'n/a' : f2(s.returnPct - s.benchmarks.universeReturnPct, ' pp')}`],
    [
      'pump model',
      s.pumps === null
        ? 'not scored: the data has no labelled pumps (import with --pumps to score it)'
        : `precision ${s.pumps.precision === null ? 'n/a' : `${(100 * s.pumps.precision).toFixed(1)} %`} (${s.pumps.truePositives}/${s.pumps.alarms} alarms), recall ${s.pumps.recall === null ? 'n/a' : `${(100 * s.pumps.recall).toFixed(1)} %`} (${s.pumps.caught}/${s.pumps.pumpsInWindow} pumps)`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
