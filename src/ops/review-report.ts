import { money } from '../utils/money.js';
import { existsSync } from 'node:fs';
import { DataFileError } from '../utils/errors.js';
import { join } from 'node:path';
import type { EngineState } from '../state/schema.js';
import { EventLogs } from '../state/event-logs.js';
import { forEachJsonlEvent, readJsonlLog, type LogEvent } from '../state/jsonl-log.js';
import { feesPaidUsd, tradeFigureRows, tradeFigures, tripsByGuardrail, type TradeFigures } from './log-figures.js';
import { barChart, esc, lineChart } from './svg-chart.js';
import { addEvents, consoleSnapshot, newHistory, SERIES, SERIES_FIELDS, type ConsoleSnapshot, type EquityPoint, type SeriesName } from './console/console-figures.js';
import { SeriesTrack, type SeriesFigures } from './series-track.js';


export interface ReviewData {
  fromMs: number;
  toMs: number;
  equity: LogEvent[];
  trades: LogEvent[];
  meta: LogEvent[];
  state: EngineState;
  /** NAV at the start of the window. */
  startNavUsd: number;
  /** The benchmarks' values at the start of the window (the bar before it), where the run had them. */
  startBenchmarks: Record<string, number>;
  /** The window's bars as the console charts them (drawdowns from the peaks since the run's start). */
  points: EquityPoint[];
  /** What the console shows now for this state and these logs (positions, clusters, kill-switch, since-start figures). */
  snapshot: ConsoleSnapshot;
}


/** "7d", "36h", "all": the window, counted back from the last logged event (simulated time in sims). */
export function parseSince(since: string): number | null {
  if (since === 'all') return null;
  const m = /^([1-9]\d*)([dh])$/.exec(since);
  if (m === null) throw new RangeError(`--since must look like 7d, 36h or all (got ${JSON.stringify(since)})`);
  return Number(m[1]) * (m[2] === 'd' ? 86_400_000 : 3_600_000);
}

/** The logs and state of a run, cut to the review window. */
export function loadReview(logDir: string, state: EngineState, since: string, statePath = 'state.json'): ReviewData {
  const span = parseSince(since);
  if (!existsSync(join(logDir, 'equity.jsonl'))) throw new DataFileError(`${logDir} holds no equity.jsonl: not the log folder of a run (--log-dir)`);
  // figures from another run's logs would be wrong without a word: the logs must be the ones this state was saved with
  new EventLogs(logDir).check({ offsets: state.logOffsets, tails: state.logTails }, state.lastCompletedCycle, statePath);
  const off = state.logOffsets;
  // up to the lengths state.json recorded: what a running daemon writes now, or a crashed cycle wrote, is not in yet
  const equity = readJsonlLog(join(logDir, 'equity.jsonl'), off['equity.jsonl']);
  if (equity.length === 0) throw new DataFileError(`${logDir}/equity.jsonl is empty: the run has not completed a cycle`);
  // the window ends at the last bar (simulated time in sims; a resume line carries the wall clock)
  const toMs = Date.parse(equity.at(-1)!.ts);
  const fromMs = span === null ? -Infinity : toMs - span;
  const inWindow = (e: LogEvent) => {
    const t = Date.parse(e.ts);
    return !Number.isFinite(t) || t > fromMs; // a resume is stamped with the wall clock: kept
  };
  // trades and meta events of the window only, streamed: a long run's meta log need not fit in memory
  const windowOf = (name: string) => {
    const kept: LogEvent[] = [];
    forEachJsonlEvent(join(logDir, name), off[name], (e) => {
      if (inWindow(e)) kept.push(e);
    });
    return kept;
  };
  const trades = windowOf('trades.jsonl');
  const meta = windowOf('meta_events.jsonl');
  // the NAV the window starts from: the last bar before it (or the run's start)
  const before = equity.filter((e) => !inWindow(e)).at(-1);
  // before the run's first bar both benchmarks stood at the start NAV
  const startBenchmarks: Record<string, number> = {};
  for (const k of [SERIES_FIELDS.btc, SERIES_FIELDS.microCaps]) {
    const v = before === undefined ? state.startNavUsd : before[k];
    if (typeof v === 'number') startBenchmarks[k] = v;
  }
  // the console's figures from the same lines: the whole run, so drawdowns are from the run's peaks as on the console
  const history = newHistory();
  addEvents(history, equity, state.startNavUsd, { equity: Infinity, alarms: 0, guardrailTrips: 0 });
  const snapshot = consoleSnapshot(state, history, state.run.mode);
  const points = history.equity.filter((p) => Date.parse(p.ts) > fromMs);
  return { fromMs: Number.isFinite(fromMs) ? fromMs : Date.parse(equity[0]!.ts) - state.run.barMs, toMs, startNavUsd: (before?.navUsd as number | undefined) ?? state.startNavUsd, startBenchmarks, equity: equity.filter(inWindow), trades, meta, state, points, snapshot };
}

export interface ReviewFigures extends TradeFigures {
  navStartUsd: number | null;
  navEndUsd: number | null;
  returnPct: number | null;
  maxDrawdownPct: number;
  /** The NAV and the buy-and-hold benchmarks over the window (null: no data), from the value the window opened at. */
  window: Record<SeriesName, SeriesFigures | null>;
  fills: number;
  closedTrades: number;
  winners: number;
  tradePnlUsd: number;
  feesUsd: number;
  guardrailTrips: Record<string, number>;
  halts: number;
  resumes: number;
  sleevePnlUsd: number;
}

/** The figures the page and the terminal summary share; what the console also shows comes from `d.snapshot`. Pure. */
export function reviewFigures(d: ReviewData): ReviewFigures {
  const start: Record<SeriesName, number | null> = { nav: d.startNavUsd, btc: d.startBenchmarks[SERIES_FIELDS.btc] ?? null, microCaps: d.startBenchmarks[SERIES_FIELDS.microCaps] ?? null };
  const window = {} as Record<SeriesName, SeriesFigures | null>;
  for (const k of SERIES) {
    // the console's tracking, from the value the window opened at
    const track = new SeriesTrack(start[k]);
    for (const e of d.equity) track.add(typeof e[SERIES_FIELDS[k]] === 'number' ? (e[SERIES_FIELDS[k]] as number) : null);
    window[k] = track.figures();
  }
  const closed = d.trades.filter((e) => e.type === 'trade_closed');
  const fills = d.trades.filter((e) => e.type === 'fill');
  const sleeve = d.trades.filter((e) => e.type === 'option_settled' || (e.type === 'option_fill' && e.side === 'sell')).reduce((a, e) => a + (e.pnlUsd as number), 0);
  return {
    navStartUsd: window.nav?.startUsd ?? d.startNavUsd,
    navEndUsd: window.nav?.lastUsd ?? d.startNavUsd,
    // a window that starts from nothing has no return to show (never Infinity)
    returnPct: window.nav?.returnPct ?? null,
    maxDrawdownPct: window.nav?.maxDrawdownPct ?? 0,
    window,
    fills: fills.length,
    closedTrades: closed.length,
    winners: closed.filter((e) => (e.pnlUsd as number) > 0).length,
    tradePnlUsd: closed.reduce((a, e) => a + (e.pnlUsd as number), 0),
    feesUsd: feesPaidUsd(d.trades),
    guardrailTrips: tripsByGuardrail(d.meta),
    halts: d.meta.filter((e) => e.type === 'halt').length,
    resumes: d.meta.filter((e) => e.type === 'resume').length,
    sleevePnlUsd: sleeve,
    ...tradeFigures(d.trades, d.equity),
  };
}

const usdIn = (currency: string) => (x: number | null) => (x === null ? 'n/a' : money(x, currency));
const pct = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)} %`);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function table(id: string, head: string[], rows: (string | number)[][], cap = 300): string {
  const shown = rows.slice(-cap);
  const more = rows.length > shown.length ? `<p>${rows.length - shown.length} earlier rows not shown (see the JSONL logs).</p>` : '';
  return `${more}<table data-table="${esc(id)}" data-rows="${rows.length}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${shown.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}

const ddOf = (x: SeriesFigures | null) => (x === null ? 'n/a' : `${pct(x.returnPct)} (max drawdown ${pct(x.maxDrawdownPct)})`);

/** The benchmarks over the window: return and max drawdown from the value the window opened at. */
function benchmarkLine(d: ReviewData, w: ReviewFigures['window']): string {
  return `${d.state.benchmark.symbol} ${ddOf(w.btc)}, micro-caps at equal weight ${ddOf(w.microCaps)}`;
}

/** What the console shows since the run's first bar: return and drawdown now, the NAV beside the benchmarks. */
function sinceStartLine(d: ReviewData): string {
  const p = d.snapshot.performance;
  const one = (x: SeriesFigures | null) => (x === null ? 'n/a' : `${pct(x.returnPct)}, drawdown ${pct(x.drawdownPct)}`);
  return `NAV ${one(p.nav)}; ${d.state.benchmark.symbol} ${one(p.btc)}; micro-caps ${one(p.microCaps)}`;
}

/** An earlier review page (what `coce report` may replace). */
export const isReviewHtml = (text: string): boolean => text.startsWith('<!doctype html>') && text.includes('<h1>COCE weekly review:');

/** The weekly review as one self-contained HTML page (inline CSS and SVG; no script, nothing fetched). */
export function reviewHtml(d: ReviewData, f: ReviewFigures): string {
  const usd = usdIn(d.state.run.quote ?? 'USDT');
  const t = (e: LogEvent) => Date.parse(e.ts);
  const equityChart = lineChart(
    'equity',
    `Equity (NAV) and the buy-and-hold benchmarks, ${d.state.run.quote ?? 'USD'}`,
    [
      { name: 'NAV', color: '#1f77b4', points: d.equity.map((e) => ({ x: t(e), y: e.navUsd as number })) },
      { name: `${d.state.benchmark.symbol} buy-and-hold`, color: '#aaa', points: d.equity.filter((e) => typeof e.benchmarkNavUsd === 'number').map((e) => ({ x: t(e), y: e.benchmarkNavUsd as number })) },
      { name: 'micro-caps equal weight', color: '#2ca02c', points: d.equity.filter((e) => typeof e.universeBenchmarkNavUsd === 'number').map((e) => ({ x: t(e), y: e.universeBenchmarkNavUsd as number })) },
    ],
    { xLabel: day },
  );
  // the console's drawdown series: each from its peak since the run's start (the NAV's is equity.jsonl's drawdownPct)
  const pt = (p: EquityPoint) => Date.parse(p.ts);
  const ddSeries = (name: string, color: string, k: 'navDrawdownPct' | 'btcDrawdownPct' | 'microCapsDrawdownPct') => ({ name, color, points: d.points.filter((p) => p[k] !== null).map((p) => ({ x: pt(p), y: -p[k]! })) });
  const ddChart = lineChart(
    'drawdown',
    'Drawdown from the peak since the run began, %: NAV and the buy-and-hold benchmarks',
    [ddSeries('NAV drawdown %', '#d62728', 'navDrawdownPct'), ddSeries(`${d.state.benchmark.symbol} drawdown %`, '#aaa', 'btcDrawdownPct'), ddSeries('micro-caps drawdown %', '#2ca02c', 'microCapsDrawdownPct')],
    { xLabel: day, fill: true, height: 200 },
  );
  const snap = d.snapshot;
  const clusters = barChart('clusters', 'Exposure per cluster (held now), % of NAV', snap.exposure.map((c) => ({ label: c.cluster, valuePct: c.weightPct })));
  const positions = snap.positions.map((p) => [p.symbol, p.qty.toPrecision(6), p.avgEntryPriceUsd.toPrecision(6), p.lastPriceUsd.toPrecision(6), p.valueUsd.toFixed(2), p.pnlUsd.toFixed(2), `${p.pnlPct.toFixed(2)} %`, p.takeProfitUsd === null ? '' : p.takeProfitUsd.toPrecision(6), p.exit ?? '']);
  const closed = d.trades.filter((e) => e.type === 'trade_closed').map((e) => [e.ts.slice(0, 16), String(e.symbol), String(e.openedCycle), (e.pnlUsd as number).toFixed(2)]);
  const trips = d.meta.filter((e) => e.type === 'guardrail_trip').map((e) => [e.ts.slice(0, 16), String(e.guardrail), String(e.reason)]);
  const kill = d.meta.filter((e) => ['daily_audit', 'weekly_audit', 'halt', 'resume', 'reconcile_mismatch'].includes(e.type)).map((e) => [e.ts.slice(0, 16), e.type, String((e.verdict ?? e.reason ?? '') as string), e.sharpe == null ? '' : (e.sharpe as number).toFixed(2), e.hitRate == null ? '' : `${(100 * (e.hitRate as number)).toFixed(1)} %`]);
  const sleeve = d.trades.filter((e) => e.type === 'option_fill' || e.type === 'option_settled').map((e) => [e.ts.slice(0, 16), e.type === 'option_settled' ? 'settled' : String(e.reason), String(e.instrument), String(e.qty), e.type === 'option_fill' && e.side === 'buy' ? `-${(e.costUsd as number).toFixed(2)}` : ((e.proceedsUsd ?? e.payoffUsd) as number).toFixed(2), e.pnlUsd === undefined ? '' : (e.pnlUsd as number).toFixed(2)]);
  const s = d.state;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>COCE review ${esc(day(d.fromMs))} to ${esc(day(d.toMs))}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}figure{margin:8px 0}figcaption{font-weight:600}svg text{font-size:11px;fill:#333}.kv td:first-child{font-weight:600}</style></head>
<body>
<h1>COCE weekly review: ${esc(day(d.fromMs))} to ${esc(day(d.toMs))} UTC</h1>
<table class="kv" data-table="summary"><tbody>
<tr><td>mode</td><td>${esc(s.run.mode)}${s.run.seed === null ? '' : ` (seed ${s.run.seed})`}</td></tr>
<tr><td>NAV</td><td>${esc(usd(f.navStartUsd))} to ${esc(usd(f.navEndUsd))} (${esc(pct(f.returnPct))})</td></tr>
<tr><td>max drawdown in the window</td><td>${esc(pct(f.maxDrawdownPct))}</td></tr>
<tr><td>buy-and-hold in the window</td><td>${esc(benchmarkLine(d, f.window))}</td></tr>
<tr><td>since the run began</td><td>${esc(sinceStartLine(d))}</td></tr>
<tr><td>closed trades</td><td>${f.closedTrades} (${f.winners} winners), P&amp;L ${esc(usd(f.tradePnlUsd))}, ${f.fills} fills, fees ${esc(usd(f.feesUsd))}</td></tr>
${tradeFigureRows(f, usd).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('\n')}
<tr><td>guardrail trips</td><td>${esc(Object.entries(f.guardrailTrips).map(([g, n]) => `${g} ${n}`).join(', ') || 'none')}</td></tr>
<tr><td>kill-switch</td><td>${esc(snap.killSwitch.state)}${snap.killSwitch.reason ? esc(`: ${snap.killSwitch.reason}`) : ''}; ${f.halts} halt(s), ${f.resumes} resume(s) in the window${snap.entriesPaused === null ? '' : esc(`; entries paused by ${snap.entriesPaused.by} since cycle ${snap.entriesPaused.sinceCycle}`)}</td></tr>
<tr><td>options sleeve</td><td>realised P&amp;L ${esc(usd(f.sleevePnlUsd))}, ${snap.sleeve.positions.length} option(s) held, net ${esc(usd(snap.sleeve.valueUsd))} (marks plus the sleeve's cash)</td></tr>
</tbody></table>
<h2>Equity and drawdown</h2>
${equityChart}
${ddChart}
<h2>Open positions</h2>
${table('positions', ['asset', 'qty', 'entry', 'last', 'value USD', 'P&L USD', 'P&L %', 'take-profit', 'exit'], positions)}
<h2>Exposure per cluster</h2>
${clusters}
<h2>Closed trades</h2>
${table('trades', ['closed (UTC)', 'asset', 'opened cycle', 'P&L USD'], closed)}
<h2>Guardrail trips</h2>
${table('guardrails', ['time (UTC)', 'guardrail', 'reason'], trips)}
<h2>Kill-switch: audits, halts, resumes</h2>
${table('killswitch', ['time (UTC)', 'event', 'verdict / reason', 'Sharpe', 'hit rate'], kill)}
<h2>Options sleeve</h2>
${table('sleeve', ['time (UTC)', 'event', 'instrument', 'qty', 'cash USD', 'P&L USD'], sleeve)}
<p>Generated from logs/*.jsonl and data/state.json; every number above can be traced to a line of those files.</p>
</body></html>
`;
}

/** The terminal's plain-text version of the same figures. */
export function reviewText(d: ReviewData, f: ReviewFigures): string {
  const usd = usdIn(d.state.run.quote ?? 'USDT');
  return [
    `COCE review ${day(d.fromMs)} to ${day(d.toMs)} UTC`,
    `NAV              ${usd(f.navStartUsd)} -> ${usd(f.navEndUsd)} (${pct(f.returnPct)}), max drawdown ${pct(f.maxDrawdownPct)}`,
    `buy-and-hold     ${benchmarkLine(d, f.window)}`,
    `since start      ${sinceStartLine(d)}`,
    `closed trades    ${f.closedTrades} (${f.winners} winners), P&L ${usd(f.tradePnlUsd)}; fills ${f.fills}, fees ${usd(f.feesUsd)}`,
    ...tradeFigureRows(f, usd).map(([k, v]) => `${k.padEnd(16)} ${v}`),
    `guardrail trips  ${Object.entries(f.guardrailTrips).map(([g, n]) => `${g} ${n}`).join(', ') || 'none'}`,
    `kill-switch      ${d.snapshot.killSwitch.state}; ${f.halts} halt(s), ${f.resumes} resume(s)${d.snapshot.entriesPaused === null ? '' : `; entries paused by ${d.snapshot.entriesPaused.by} since cycle ${d.snapshot.entriesPaused.sinceCycle}`}`,
    `positions        ${d.snapshot.positions.length} open, ${usd(d.snapshot.positions.reduce((a, p) => a + p.pnlUsd, 0))} unrealised; ${d.snapshot.exposure.map((c) => `${c.cluster} ${c.weightPct.toFixed(1)} %`).join(', ') || 'nothing held'}`,
    `options sleeve   realised ${usd(f.sleevePnlUsd)}, ${d.snapshot.sleeve.positions.length} held`,
  ].join('\n');
}
