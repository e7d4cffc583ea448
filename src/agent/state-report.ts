import { money } from '../utils/money.js';
import { currentDrawdown, maxDrawdown } from '../risk_guardrails/drawdown.js';
import type { EngineState } from '../state/schema.js';

/** The numbers an operator reads after a run and in `coce status`, derived from state alone. */
export interface StateReport {
  /** What NAV and amounts are in (the data's quote currency). */
  currency: string;
  mode: string;
  seed: number | null;
  lastCompletedCycle: number | null;
  lastCompletedTs: string | null;
  cycles: number;
  startNavUsd: number;
  navUsd: number;
  cashUsd: number;
  returnPct: number | null;
  peakEquityUsd: number;
  drawdownPct: number;
  maxDrawdownPct: number;
  /** Bars of equity curve the worst drawdown was measured over. */
  curveBars: number;
  killSwitch: EngineState['killSwitch'];
  positions: { symbol: string; qty: number; lastPriceUsd: number; valueUsd: number; weightPct: number }[];
  openOrders: number;
  sleevePositions: number;
  /** The operator's hand: entries paused (console, Telegram) and requests waiting for the next cycle (null: not read). */
  operator: { entriesPaused: { by: string; sinceCycle: number } | null; requestsWaiting: number | null };
  /** The options sleeve: its account's net premium flow, its options at their marks, the budget period's spend. */
  sleeve: { cashUsd: number; marksUsd: number; periodSpentUsd: number; options: { instrument: string; qty: number; premiumPaidUsd: number; markUsd: number }[] };
}

/** `requestsWaiting`: operator requests in the state folder's file not applied yet (the caller reads the file). */
export function reportState(s: EngineState, o: { requestsWaiting?: number } = {}): StateReport {
  const last = s.equityCurve.at(-1);
  const positionsValue = Object.values(s.positions).reduce((sum, p) => sum + p.qty * p.lastPriceUsd, 0);
  const marksUsd = s.sleevePositions.reduce((a, p) => a + p.markUsd, 0);
  const navUsd = last?.navUsd ?? s.cashUsd + positionsValue + s.sleeve.cashUsd + marksUsd;
  const startNavUsd = s.startNavUsd;
  return {
    mode: s.run.mode,
    currency: s.run.quote ?? 'USDT',
    seed: s.run.seed,
    lastCompletedCycle: s.lastCompletedCycle,
    lastCompletedTs: s.lastCompletedTs,
    cycles: s.lastCompletedCycle === null ? 0 : s.lastCompletedCycle - s.run.firstCycle + 1,
    startNavUsd,
    navUsd,
    cashUsd: s.cashUsd,
    returnPct: startNavUsd === 0 ? null : 100 * (navUsd / startNavUsd - 1),
    peakEquityUsd: s.peakEquityUsd,
    drawdownPct: 100 * currentDrawdown(navUsd, s.peakEquityUsd),
    // the curve in state is bounded: its worst drawdown is over the bars kept (the current one counts from the all-time peak)
    maxDrawdownPct: 100 * Math.max(maxDrawdown(s.equityCurve.map((p) => p.navUsd)), currentDrawdown(navUsd, s.peakEquityUsd)),
    curveBars: s.equityCurve.length,
    killSwitch: s.killSwitch,
    positions: Object.entries(s.positions)
      .map(([symbol, p]) => {
        const valueUsd = p.qty * p.lastPriceUsd;
        return { symbol, qty: p.qty, lastPriceUsd: p.lastPriceUsd, valueUsd, weightPct: navUsd > 0 ? (100 * valueUsd) / navUsd : 0 };
      })
      .sort((a, b) => Math.abs(b.valueUsd) - Math.abs(a.valueUsd)),
    openOrders: s.openOrders.length,
    operator: { entriesPaused: s.operator === undefined ? null : { by: s.operator.by, sinceCycle: s.operator.sinceCycle }, requestsWaiting: o.requestsWaiting ?? null },
    sleevePositions: s.sleevePositions.length,
    sleeve: {
      cashUsd: s.sleeve.cashUsd,
      marksUsd,
      periodSpentUsd: s.sleeve.periodSpentUsd,
      options: s.sleevePositions.map((p) => ({ instrument: p.instrument, qty: p.qty, premiumPaidUsd: p.premiumPaidUsd, markUsd: p.markUsd })),
    },
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)} %`);

/** Plain-text lines for the terminal. */
export function formatReport(r: StateReport): string {
  const usd = (x: number) => money(x, r.currency);
  const ks = r.killSwitch;
  const lines = [
    `mode            ${r.mode}${r.seed === null ? '' : `  seed ${r.seed}`}`,
    `last cycle      ${r.lastCompletedCycle ?? 'none yet'}${r.lastCompletedTs ? `  (${r.lastCompletedTs})` : ''}  cycles run ${r.cycles}`,
    `NAV             ${usd(r.navUsd)}  (cash ${usd(r.cashUsd)})`,
    `return          ${pct(r.returnPct)}  from ${usd(r.startNavUsd)} at the start of the run`,
    `drawdown        ${pct(r.drawdownPct)} now, ${pct(r.maxDrawdownPct)} worst in the last ${r.curveBars} bars  (peak ${usd(r.peakEquityUsd)})`,
    `kill-switch     ${ks.state}${ks.reason ? `: ${ks.reason}` : ''}${ks.sinceCycle === null ? '' : ` since cycle ${ks.sinceCycle}`}`,
    `positions       ${r.positions.length}  open orders ${r.openOrders}  sleeve options ${r.sleevePositions}`,
  ];
  const op = r.operator;
  const waiting = op.requestsWaiting ?? 0;
  if (op.entriesPaused !== null || waiting > 0) {
    const paused = op.entriesPaused === null ? [] : [`entries paused by ${op.entriesPaused.by} since cycle ${op.entriesPaused.sinceCycle}`];
    const queued = waiting === 0 ? [] : [`${waiting} request${waiting === 1 ? '' : 's'} waiting for the next cycle`];
    lines.push(`operator        ${[...paused, ...queued].join('; ')}`);
  }
  for (const p of r.positions) {
    lines.push(
      `  ${p.symbol.padEnd(10)} qty ${p.qty.toPrecision(6).padStart(14)}  px ${p.lastPriceUsd.toPrecision(6).padStart(12)}  value ${usd(p.valueUsd).padStart(18)}  ${p.weightPct.toFixed(2).padStart(6)} %`,
    );
  }
  if (r.sleevePositions > 0 || r.sleeve.cashUsd !== 0) {
    lines.push(`sleeve          options ${usd(r.sleeve.marksUsd)}, net premium ${usd(r.sleeve.cashUsd)}, spent this period ${usd(r.sleeve.periodSpentUsd)}`);
    for (const o of r.sleeve.options) lines.push(`  ${o.instrument.padEnd(24)} qty ${String(o.qty).padStart(6)}  paid ${usd(o.premiumPaidUsd).padStart(14)}  mark ${usd(o.markUsd).padStart(14)}`);
  }
  return lines.join('\n');
}
