import type { EngineState } from '../../state/schema.js';
import { sleeveValueUsd } from '../../state/schema.js';

/** An event line as the engine writes it to logs/*.jsonl. */
export type ConsoleEvent = Record<string, unknown> & { ts: string; type: string };

/** The console's recent history, bounded: what the page draws besides the state. */
export interface ConsoleHistory {
  equity: ConsoleEvent[];
  alarms: ConsoleEvent[];
  guardrailTrips: ConsoleEvent[];
}

export const HISTORY_LIMITS = { equity: 24 * 30, alarms: 50, guardrailTrips: 50 } as const;

/** Adds a cycle's events to the history, keeping the newest within the limits. */
export function addEvents(h: ConsoleHistory, events: readonly ConsoleEvent[]): void {
  for (const e of events) {
    if (e.type === 'equity') h.equity.push(e);
    else if (e.type === 'pump_alarm') h.alarms.push(e);
    else if (e.type === 'guardrail_trip') h.guardrailTrips.push(e);
  }
  for (const k of ['equity', 'alarms', 'guardrailTrips'] as const) if (h[k].length > HISTORY_LIMITS[k]) h[k].splice(0, h[k].length - HISTORY_LIMITS[k]);
}

export interface ConsolePosition {
  symbol: string;
  qty: number;
  avgEntryPriceUsd: number;
  lastPriceUsd: number;
  valueUsd: number;
  pnlUsd: number;
  pnlPct: number;
  openedCycle: number;
  /** The exit rule selling it (null while none has fired). */
  exit: string | null;
  /** The take-profit resting on the venue for it, if any. */
  takeProfitUsd: number | null;
}

/** Everything the console shows, from state and the recent events: one source of numbers for the page and the API. */
export interface ConsoleSnapshot {
  mode: string;
  cycle: number | null;
  ts: string | null;
  navUsd: number;
  cashUsd: number;
  peakEquityUsd: number;
  drawdownPct: number;
  returnPct: number | null;
  killSwitch: { state: string; reason: string | null; sinceCycle: number | null };
  equity: { ts: string[]; navUsd: number[]; btcUsd: (number | null)[]; microCapsUsd: (number | null)[] };
  positions: ConsolePosition[];
  alarms: { ts: string; symbol: string; probability: number; candidate: boolean }[];
  clusters: { cluster: number; symbols: string[] }[];
  guardrailTrips: { ts: string; guardrail: string; reason: string }[];
  sleeve: { valueUsd: number; positions: { instrument: string; qty: number; markUsd: number }[] };
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export function consoleSnapshot(state: EngineState, history: ConsoleHistory, mode: string): ConsoleSnapshot {
  const navUsd = state.equityCurve.at(-1)?.navUsd ?? state.cashUsd;
  const positions: ConsolePosition[] = Object.entries(state.positions)
    .map(([symbol, p]) => {
      const valueUsd = p.qty * p.lastPriceUsd;
      const costUsd = p.qty * p.avgEntryPriceUsd;
      const tp = state.openOrders.find((o) => o.symbol === symbol && o.resting === true);
      return {
        symbol,
        qty: p.qty,
        avgEntryPriceUsd: p.avgEntryPriceUsd,
        lastPriceUsd: p.lastPriceUsd,
        valueUsd,
        pnlUsd: valueUsd - costUsd,
        pnlPct: costUsd > 0 ? (100 * (valueUsd - costUsd)) / costUsd : 0,
        openedCycle: p.openedCycle,
        exit: state.openTrades[symbol]?.exit?.reason ?? null,
        takeProfitUsd: tp?.limitPriceUsd ?? null,
      };
    })
    .sort((a, b) => b.valueUsd - a.valueUsd);
  const groups = new Map<number, string[]>();
  for (const [s, c] of Object.entries(state.clusters)) groups.set(c, [...(groups.get(c) ?? []), s]);
  return {
    mode,
    cycle: state.lastCompletedCycle,
    ts: state.lastCompletedTs,
    navUsd,
    cashUsd: state.cashUsd,
    peakEquityUsd: state.peakEquityUsd,
    drawdownPct: state.peakEquityUsd > 0 ? 100 * Math.max(0, 1 - navUsd / state.peakEquityUsd) : 0,
    returnPct: state.startNavUsd !== null && state.startNavUsd > 0 ? 100 * (navUsd / state.startNavUsd - 1) : null,
    killSwitch: { state: state.killSwitch.state, reason: state.killSwitch.reason, sinceCycle: state.killSwitch.sinceCycle },
    equity: {
      ts: history.equity.map((e) => e.ts),
      navUsd: history.equity.map((e) => num(e.navUsd) ?? 0),
      btcUsd: history.equity.map((e) => num(e.benchmarkNavUsd)),
      microCapsUsd: history.equity.map((e) => num(e.universeBenchmarkNavUsd)),
    },
    positions,
    alarms: history.alarms.map((e) => ({ ts: e.ts, symbol: String(e.symbol), probability: num(e.probability) ?? 0, candidate: e.candidate === true })).reverse(),
    clusters: [...groups].sort(([a], [b]) => a - b).map(([cluster, symbols]) => ({ cluster, symbols: symbols.sort() })),
    guardrailTrips: history.guardrailTrips.map((e) => ({ ts: e.ts, guardrail: String(e.guardrail), reason: String(e.reason) })).reverse(),
    sleeve: { valueUsd: sleeveValueUsd(state), positions: state.sleevePositions.map((p) => ({ instrument: p.instrument, qty: p.qty, markUsd: p.markUsd })) },
  };
}
