import type { Dataset } from './dataset.js';
import { falseAlarms } from './false-alarms.js';
import { KK_SETTINGS, kampsKleinbergFlags, type KkSetting } from './kamps-kleinberg.js';
import { confusion, median, prAuc, rocAuc } from './metrics.js';

/** One detector's evaluation on a dataset (row level against the actionable window, event level for lead time). */
export interface DetectorReport {
  detector: string;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  prAuc: number;
  alarms: number;
  /** Asset-days scored: asset-bars x bar length (recorded pump files cover a few weeks per coin, not the whole span). */
  assetDays: number;
  /** False alarms (stretches of alarms outside actionable windows, one per horizon begun: false-alarms.ts) per asset-day scored. */
  falseAlarmsPerAssetDay: number;
  events: number;
  /** Events with an alarm at least one bar before the peak. */
  eventsDetected: number;
  /**
   * Median over ALL events of the hours from the first alarm to the peak, the alarm searched from 24 h before the
   * pump's start up to one bar before the peak; a missed event counts as 0 h.
   */
  medianLeadHours: number;
  /** Share of all events with an alarm at or before the pump's start. */
  shareFlaggedBeforeStart: number;
}

/** How far back an alarm still counts as early warning of a pump (lead time only; precision uses the horizon). */
const LEAD_SEARCH_MS = 24 * 3_600_000;

/**
 * Scores alarms (row, flag) and scores (for the AUCs) of one detector. A row is positive when its bar closes between
 * `horizonBars` before a pump's start and the pump's peak: an alarm there can still be traded before the top.
 */
export function evaluateDetector(name: string, ds: Dataset, alarms: boolean[], scores: number[], horizonBars: number, barMs: number): DetectorReport {
  const y = ds.rows.map((r) => r.actionable);
  const c = confusion(y, alarms);
  const assetDays = (ds.rows.length * barMs) / 86_400_000;
  const firstAlarm = new Map<string, number[]>();
  ds.rows.forEach((r, i) => {
    if (alarms[i]) firstAlarm.set(r.symbol, [...(firstAlarm.get(r.symbol) ?? []), r.closeMs]);
  });
  const leads: number[] = [];
  let before = 0;
  let detected = 0;
  for (const e of ds.events) {
    // an alarm closing at least one bar before the peak leaves time to act
    const times = (firstAlarm.get(e.symbol) ?? []).filter((t) => t >= e.pumpStartMs - LEAD_SEARCH_MS && t <= e.peakMs - barMs);
    if (times.length === 0) {
      leads.push(0);
      continue;
    }
    const first = Math.min(...times);
    detected++;
    leads.push((e.peakMs - first) / 3_600_000);
    if (first <= e.pumpStartMs) before++;
  }
  return {
    detector: name,
    precision: c.precision,
    recall: c.recall,
    f1: c.f1,
    rocAuc: rocAuc(y, scores),
    prAuc: prAuc(y, scores),
    alarms: c.tp + c.fp,
    assetDays,
    falseAlarmsPerAssetDay: falseAlarms(ds.rows, alarms, horizonBars) / Math.max(assetDays, 1e-9),
    events: ds.events.length,
    eventsDetected: detected,
    medianLeadHours: leads.length === 0 ? 0 : median(leads),
    shareFlaggedBeforeStart: ds.events.length === 0 ? 0 : before / ds.events.length,
  };
}

/** Kamps & Kleinberg flags and scores for every dataset row (rows without candle history are not flagged). */
export function baselineAlarms(ds: Dataset, s: KkSetting): { alarms: boolean[]; scores: number[] } {
  const by = new Map<string, Map<number, { flag: boolean; score: number }>>();
  for (const [symbol, k] of ds.candles) {
    const f = kampsKleinbergFlags(k.high, k.close, k.volume, s);
    by.set(symbol, new Map(k.cycles.map((c, i) => [c, { flag: f.flags[i]!, score: f.scores[i]! }])));
  }
  const hits = ds.rows.map((r) => by.get(r.symbol)?.get(r.cycle));
  return { alarms: hits.map((h) => h?.flag ?? false), scores: hits.map((h) => h?.score ?? 0) };
}

export function evaluateBaselines(ds: Dataset, horizonBars: number, barMs: number): DetectorReport[] {
  return KK_SETTINGS.map((s) => {
    const b = baselineAlarms(ds, s);
    return evaluateDetector(`kamps-kleinberg ${s.name}`, ds, b.alarms, b.scores, horizonBars, barMs);
  });
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : 'n/a');

export function formatReports(reports: readonly DetectorReport[]): string {
  const head = ['detector', 'precision %', 'recall %', 'F1 %', 'ROC-AUC', 'PR-AUC', 'alarms', 'false/asset-day', 'events hit', 'median lead h', 'before start %'];
  const rows = reports.map((r) => [
    r.detector,
    pct(r.precision),
    pct(r.recall),
    pct(r.f1),
    Number.isFinite(r.rocAuc) ? r.rocAuc.toFixed(3) : 'n/a',
    Number.isFinite(r.prAuc) ? r.prAuc.toFixed(3) : 'n/a',
    String(r.alarms),
    r.falseAlarmsPerAssetDay.toFixed(3),
    `${r.eventsDetected}/${r.events}`,
    r.medianLeadHours.toFixed(1),
    pct(r.shareFlaggedBeforeStart),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}
