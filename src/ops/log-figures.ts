import type { LogEvent } from '../state/jsonl-log.js';

/**
 * Figures the back-test summary and the weekly review both read off the logs, so the two always agree.
 */

/** Fees paid: spot fills (quote fees, and coin fees at the fill price) and option fills (coin fees at the index). */
export function feesPaidUsd(trades: readonly LogEvent[]): number {
  let usd = 0;
  for (const e of trades) {
    if (e.type === 'fill') usd += (e.feeUsd as number) + ((e.feeBaseQty as number | undefined) ?? 0) * (e.priceUsd as number);
    else if (e.type === 'option_fill') usd += (e.feeCoin as number) * (e.indexUsd as number);
  }
  return usd;
}

/** Guardrail trips per guardrail, by name. */
export function tripsByGuardrail(meta: readonly LogEvent[]): Record<string, number> {
  const trips: Record<string, number> = {};
  for (const t of meta) if (t.type === 'guardrail_trip') trips[t.guardrail as string] = (trips[t.guardrail as string] ?? 0) + 1;
  return Object.fromEntries(Object.entries(trips).sort());
}

/** What a trader reads first about the round trips and the time in the market (back-test summary, weekly review). */
export interface TradeFigures {
  /** Round trips by what closed them (exit rule, risk, halt, rebalance): count, P&L and winners. */
  tradesByExit: Record<string, { trades: number; pnlUsd: number; wins: number }>;
  /** Mean P&L of the winning and of the losing round trips (null with none). */
  avgWinUsd: number | null;
  avgLossUsd: number | null;
  /** Gross profit over gross loss of the round trips (null without a loss). */
  profitFactor: number | null;
  /** Share of bars with a position held, and the mean gross exposure over all bars (% of NAV). */
  timeInMarketPct: number;
  avgGrossExposurePct: number;
}

/** From `trade_closed` events (trades.jsonl) and equity points (equity.jsonl). A trade closed before exits existed was closed by rebalancing. */
export function tradeFigures(trades: readonly LogEvent[], equity: readonly LogEvent[]): TradeFigures {
  const closed = trades.filter((e) => e.type === 'trade_closed');
  const tradesByExit: TradeFigures['tradesByExit'] = {};
  let won = 0;
  let lost = 0;
  let wins = 0;
  for (const e of closed) {
    const pnl = e.pnlUsd as number;
    const t = (tradesByExit[(e.exit as string | undefined) ?? 'rebalance'] ??= { trades: 0, pnlUsd: 0, wins: 0 });
    t.trades++;
    t.pnlUsd += pnl;
    if (pnl > 0) {
      t.wins++;
      wins++;
      won += pnl;
    } else lost += pnl;
  }
  const losses = closed.length - wins;
  let inMarket = 0;
  let gross = 0;
  for (const e of equity) {
    const g = typeof e.grossExposureUsd === 'number' ? e.grossExposureUsd : 0;
    if (g > 0) inMarket++;
    if ((e.navUsd as number) > 0) gross += g / (e.navUsd as number);
  }
  return {
    tradesByExit,
    avgWinUsd: wins > 0 ? won / wins : null,
    avgLossUsd: losses > 0 ? lost / losses : null,
    profitFactor: lost < 0 ? won / -lost : null,
    timeInMarketPct: equity.length > 0 ? (100 * inMarket) / equity.length : 0,
    avgGrossExposurePct: equity.length > 0 ? (100 * gross) / equity.length : 0,
  };
}

/** The trade figures as lines of a two-column table. */
export function tradeFigureRows(f: TradeFigures, usd: (x: number) => string): [string, string][] {
  return [
    ['round trips by exit', Object.entries(f.tradesByExit).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => `${k} ${t.trades} (${t.wins} won, ${usd(t.pnlUsd)})`).join(', ') || 'none'],
    ['average win / loss', `${f.avgWinUsd === null ? 'n/a' : usd(f.avgWinUsd)} / ${f.avgLossUsd === null ? 'n/a' : usd(f.avgLossUsd)}`],
    ['profit factor', f.profitFactor === null ? 'n/a' : f.profitFactor.toFixed(2)],
    ['time in market', `${f.timeInMarketPct.toFixed(1)} % of bars, mean gross ${f.avgGrossExposurePct.toFixed(1)} % of NAV`],
  ];
}
