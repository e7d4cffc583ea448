import { join } from 'node:path';
import { forEachJsonlEvent } from '../../state/jsonl-log.js';
import type { EngineState } from '../../state/schema.js';
import { sleeveValueUsd } from '../../state/schema.js';
import { SeriesTrack, type SeriesFigures } from '../series-track.js';

/** An event line as the engine writes it to logs/*.jsonl. */
export type ConsoleEvent = Record<string, unknown> & { ts: string; type: string };

/** One bar of the NAV chart: the NAV and the benchmarks, and each one's drawdown from its peak since the run began. */
export interface EquityPoint {
  ts: string;
  navUsd: number | null;
  btcUsd: number | null;
  microCapsUsd: number | null;
  navDrawdownPct: number | null;
  btcDrawdownPct: number | null;
  microCapsDrawdownPct: number | null;
}

/** The series the console and the review set side by side. */
export const SERIES = ['nav', 'btc', 'microCaps'] as const;
export type SeriesName = (typeof SERIES)[number];
/** Their fields in equity.jsonl. */
export const SERIES_FIELDS: Record<SeriesName, string> = { nav: 'navUsd', btc: 'benchmarkNavUsd', microCaps: 'universeBenchmarkNavUsd' };

/**
 * The console's history: the recent bars (bounded), the run's tracks of the NAV and the benchmarks (since the run's
 * first bar, unbounded in time, constant in memory), recent alarms and guardrail trips.
 */
export interface ConsoleHistory {
  equity: EquityPoint[];
  /** Null until the first equity line (started then at the run's start NAV, where both benchmarks start too). */
  tracks: Record<SeriesName, SeriesTrack> | null;
  alarms: ConsoleEvent[];
  guardrailTrips: ConsoleEvent[];
}

export const HISTORY_LIMITS = { equity: 24 * 30, alarms: 50, guardrailTrips: 50 } as const;

export const newHistory = (): ConsoleHistory => ({ equity: [], tracks: null, alarms: [], guardrailTrips: [] });

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * Adds a run's events (from its logs, then a cycle's), keeping the newest within `limits`. `startNavUsd` is the run's
 * (state.startNavUsd): the NAV and both buy-and-hold benchmarks stand there before the first bar.
 */
export function addEvents(h: ConsoleHistory, events: readonly ConsoleEvent[], startNavUsd: number, limits: { equity: number; alarms: number; guardrailTrips: number } = HISTORY_LIMITS): void {
  for (const e of events) {
    if (e.type === 'equity') {
      const t = (h.tracks ??= { nav: new SeriesTrack(startNavUsd), btc: new SeriesTrack(startNavUsd), microCaps: new SeriesTrack(startNavUsd) });
      const v = { nav: num(e[SERIES_FIELDS.nav]), btc: num(e[SERIES_FIELDS.btc]), microCaps: num(e[SERIES_FIELDS.microCaps]) };
      h.equity.push({ ts: e.ts, navUsd: v.nav, btcUsd: v.btc, microCapsUsd: v.microCaps, navDrawdownPct: t.nav.add(v.nav), btcDrawdownPct: t.btc.add(v.btc), microCapsDrawdownPct: t.microCaps.add(v.microCaps) });
    } else if (e.type === 'pump_alarm') h.alarms.push(e);
    else if (e.type === 'guardrail_trip') h.guardrailTrips.push(e);
  }
  for (const k of ['equity', 'alarms', 'guardrailTrips'] as const) if (h[k].length > limits[k]) h[k].splice(0, h[k].length - limits[k]);
}

/**
 * A run's history from its logs, read only as far as state.json recorded them (a crashed cycle's lines are not in),
 * streamed: memory stays within the limits however long the run (meta lines other than alarms and trips unparsed).
 */
export function historyFromLogs(logDir: string, state: EngineState, limits = HISTORY_LIMITS): ConsoleHistory {
  const h = newHistory();
  let batch: ConsoleEvent[] = [];
  const add = (e: ConsoleEvent) => {
    batch.push(e);
    if (batch.length >= 10_000) {
      addEvents(h, batch, state.startNavUsd, limits);
      batch = [];
    }
  };
  forEachJsonlEvent(join(logDir, 'equity.jsonl'), state.logOffsets['equity.jsonl'], add);
  forEachJsonlEvent(join(logDir, 'meta_events.jsonl'), state.logOffsets['meta_events.jsonl'], add, (l) => l.includes('"type":"pump_alarm"') || l.includes('"type":"guardrail_trip"'));
  addEvents(h, batch, state.startNavUsd, limits);
  return h;
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

/**
 * Everything the console shows, from state and the history: one source of numbers for the page, /api/status, Telegram's
 * /status and the weekly review (`coce report`).
 */
export interface ConsoleSnapshot {
  mode: string;
  /** The buy-and-hold benchmark's asset (universe.majors[0], BTC by default). */
  benchmark: string;
  cycle: number | null;
  ts: string | null;
  navUsd: number;
  cashUsd: number;
  peakEquityUsd: number;
  drawdownPct: number;
  returnPct: number | null;
  killSwitch: { state: string; reason: string | null; sinceCycle: number | null };
  /** Entries paused by the operator (console, Telegram): by whom, since which cycle; null while not paused. */
  entriesPaused: { by: string; sinceCycle: number } | null;
  /** Operator requests (console, Telegram) waiting for the next cycle. */
  requestsWaiting: number;
  /** The NAV and the buy-and-hold benchmarks (BTC; the micro-caps at equal weight) since the run's first bar. */
  performance: Record<SeriesName, SeriesFigures | null>;
  /** The recent bars, as columns for the charts. */
  equity: {
    ts: string[];
    navUsd: (number | null)[];
    btcUsd: (number | null)[];
    microCapsUsd: (number | null)[];
    navDrawdownPct: (number | null)[];
    btcDrawdownPct: (number | null)[];
    microCapsDrawdownPct: (number | null)[];
  };
  positions: ConsolePosition[];
  /** What is held now, per cluster (`cluster N`, or `unclustered`), as a share of the NAV. */
  exposure: { cluster: string; weightPct: number }[];
  alarms: { ts: string; symbol: string; probability: number; candidate: boolean }[];
  clusters: { cluster: number; symbols: string[] }[];
  guardrailTrips: { ts: string; guardrail: string; reason: string }[];
  /** The options sleeve: cash and marks; `markUsd` is a position's whole value at the last mark. */
  sleeve: { valueUsd: number; positions: { instrument: string; qty: number; markUsd: number }[] };
}

export function consoleSnapshot(state: EngineState, history: ConsoleHistory, mode: string, requestsWaiting = 0): ConsoleSnapshot {
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
  // what is held now by its last cluster, as a share of the NAV
  const byCluster = new Map<string, number>();
  for (const p of positions) {
    const c = state.clusters[p.symbol];
    const key = c === undefined ? 'unclustered' : `cluster ${c}`;
    if (navUsd > 0 && p.valueUsd > 0) byCluster.set(key, (byCluster.get(key) ?? 0) + (100 * p.valueUsd) / navUsd);
  }
  const clusterNo = (k: string) => (k === 'unclustered' ? Infinity : Number(k.slice(8)));
  const groups = new Map<number, string[]>();
  for (const [s, c] of Object.entries(state.clusters)) groups.set(c, [...(groups.get(c) ?? []), s]);
  return {
    mode,
    benchmark: state.benchmark.symbol,
    cycle: state.lastCompletedCycle,
    ts: state.lastCompletedTs,
    navUsd,
    cashUsd: state.cashUsd,
    peakEquityUsd: state.peakEquityUsd,
    drawdownPct: state.peakEquityUsd > 0 ? 100 * Math.max(0, 1 - navUsd / state.peakEquityUsd) : 0,
    returnPct: state.startNavUsd !== null && state.startNavUsd > 0 ? 100 * (navUsd / state.startNavUsd - 1) : null,
    killSwitch: { state: state.killSwitch.state, reason: state.killSwitch.reason, sinceCycle: state.killSwitch.sinceCycle },
    entriesPaused: state.operator === undefined ? null : { by: state.operator.by, sinceCycle: state.operator.sinceCycle },
    requestsWaiting,
    performance: { nav: history.tracks?.nav.figures() ?? null, btc: history.tracks?.btc.figures() ?? null, microCaps: history.tracks?.microCaps.figures() ?? null },
    equity: {
      ts: history.equity.map((e) => e.ts),
      navUsd: history.equity.map((e) => e.navUsd),
      btcUsd: history.equity.map((e) => e.btcUsd),
      microCapsUsd: history.equity.map((e) => e.microCapsUsd),
      navDrawdownPct: history.equity.map((e) => e.navDrawdownPct),
      btcDrawdownPct: history.equity.map((e) => e.btcDrawdownPct),
      microCapsDrawdownPct: history.equity.map((e) => e.microCapsDrawdownPct),
    },
    positions,
    exposure: [...byCluster].sort(([a], [b]) => clusterNo(a) - clusterNo(b)).map(([cluster, weightPct]) => ({ cluster, weightPct })),
    alarms: history.alarms.map((e) => ({ ts: e.ts, symbol: String(e.symbol), probability: num(e.probability) ?? 0, candidate: e.candidate === true })).reverse(),
    clusters: [...groups].sort(([a], [b]) => a - b).map(([cluster, symbols]) => ({ cluster, symbols: symbols.sort() })),
    guardrailTrips: history.guardrailTrips.map((e) => ({ ts: e.ts, guardrail: String(e.guardrail), reason: String(e.reason) })).reverse(),
    sleeve: { valueUsd: sleeveValueUsd(state), positions: state.sleevePositions.map((p) => ({ instrument: p.instrument, qty: p.qty, markUsd: p.markUsd })) },
  };
}
