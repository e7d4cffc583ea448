import type { Dataset, DatasetRow } from './dataset.js';
import { fitScaler, scale, type Scaler } from './features.js';
import { LogisticModel, type LogisticJson } from './logistic-model.js';
import { confusion, median } from './metrics.js';


/**
 * The in-pump view: "a pump starts in this bar", the question La Morgia et al. (ICCCN 2020) answer on 5-25 s chunks
 * of the same Binance events. The pump model warns before a start; this companion detector fires on the start bar
 * itself, from the bar's own surprises (volume, return, trades, buy share, rush orders) and its volume against ADV.
 * It is a logistic fit on the model's training rows with the start bars as positives, its threshold the best F1 on
 * the model's validation rows. It reads columns of the model's feature vector, so it costs nothing to compute.
 */
export const IN_PUMP_FEATURES: readonly string[] = ['z_volume', 'z_return', 'log_volume_to_adv', 'z_trades', 'z_buy_share', 'z_rush_orders', 'log_rush_orders', 'buy_share'];

export interface InPumpDetectorFile {
  features: string[];
  scaler: Scaler;
  logistic: LogisticJson;
  threshold: number;
}

/** 1 for the bar that holds a pump's start (its announcement), else 0. */
export function startBarLabels(ds: Pick<Dataset, 'rows' | 'events'>, barMs: number): (0 | 1)[] {
  const starts = new Set(ds.events.map((e) => `${e.symbol}:${Math.floor(e.pumpStartMs / barMs)}`));
  return ds.rows.map((r) => (starts.has(`${r.symbol}:${r.cycle}`) ? 1 : 0));
}

const columnsOf = (modelFeatures: readonly string[]) => IN_PUMP_FEATURES.map((f) => modelFeatures.indexOf(f)).filter((j) => j >= 0);

/** The detector as a function of the model's feature vectors (its columns picked and scaled, its logistic built once). */
export function inPumpScorer(d: InPumpDetectorFile, modelFeatures: readonly string[]): (rows: readonly (readonly number[])[]) => number[] {
  const cols = d.features.map((f) => modelFeatures.indexOf(f));
  const model = LogisticModel.fromJSON(d.logistic);
  return (rows) => model.predictProba(rows.map((x) => scale(cols.map((j) => x[j]!), d.scaler)));
}

/** The detector's probabilities for rows of the model's feature vectors. */
export function inPumpScores(d: InPumpDetectorFile, modelFeatures: readonly string[], rows: readonly { x: number[] }[]): number[] {
  return inPumpScorer(d, modelFeatures)(rows.map((r) => r.x));
}

/** Fit on `train`, threshold on `valid` (best F1 there); null when either side has no start bar. */
export function trainInPumpDetector(modelFeatures: readonly string[], train: readonly DatasetRow[], yTrain: readonly (0 | 1)[], valid: readonly DatasetRow[], yValid: readonly (0 | 1)[]): InPumpDetectorFile | null {
  const cols = columnsOf(modelFeatures);
  if (cols.length === 0 || !yTrain.includes(1) || !yValid.includes(1)) return null;
  const X = train.map((r) => cols.map((j) => r.x[j]!));
  const scaler = fitScaler(X);
  const model = new LogisticModel({ l2: 1, classWeight: 'balanced' }).fit(X.map((x) => scale(x, scaler)), [...yTrain]);
  const file: InPumpDetectorFile = { features: cols.map((j) => modelFeatures[j]!), scaler, logistic: model.toJSON(), threshold: 0.5 };
  const p = inPumpScores(file, modelFeatures, valid);
  // one sweep down the sorted scores: the confusion at every distinct score, O(n log n)
  const order = [...p.keys()].sort((a, b) => p[b]! - p[a]!);
  const positives = yValid.reduce<number>((a, v) => a + v, 0);
  let tp = 0;
  let alarms = 0;
  let best = { f1: -1, t: p[order[0]!] ?? 0.5 };
  order.forEach((i, k) => {
    alarms++;
    tp += yValid[i]!;
    if (k + 1 < order.length && p[order[k + 1]!] === p[i]) return;
    const f1 = (2 * tp) / (alarms + positives);
    if (f1 > best.f1) best = { f1, t: p[i]! };
  });
  file.threshold = best.t;
  return file;
}

export interface InPumpReport {
  detector: string;
  precision: number;
  recall: number;
  f1: number;
  events: number;
  /** Events with an alarm from the start bar to an hour after the start. */
  caughtWithinHour: number;
  /** Median minutes from the start bar's open to the close of the first alarm bar, over the events caught. */
  medianMinutesToAlarm: number;
}

/** Scores alarms against the start bars (bar level) and says how soon after each start the first alarm came. */
export function inPumpReport(name: string, ds: Pick<Dataset, 'rows' | 'events'>, alarms: readonly boolean[], barMs: number): InPumpReport {
  const y = startBarLabels(ds, barMs);
  const c = confusion(y, [...alarms]);
  const alarmCloses = new Map<string, number[]>();
  ds.rows.forEach((r, i) => {
    if (alarms[i]) alarmCloses.set(r.symbol, [...(alarmCloses.get(r.symbol) ?? []), r.closeMs]);
  });
  const minutes: number[] = [];
  for (const e of ds.events) {
    const open = Math.floor(e.pumpStartMs / barMs) * barMs;
    const first = (alarmCloses.get(e.symbol) ?? []).find((t) => t > open && t <= open + 3_600_000);
    if (first !== undefined) minutes.push((first - open) / 60_000);
  }
  return {
    detector: name,
    precision: c.precision,
    recall: c.recall,
    f1: c.f1,
    events: ds.events.length,
    caughtWithinHour: minutes.length,
    medianMinutesToAlarm: median(minutes),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : 'n/a');

export function formatInPumpReports(reports: readonly InPumpReport[], barLabel: string): string {
  const head = [`"a pump starts in this ${barLabel} bar"`, 'precision %', 'recall %', 'F1 %', 'caught within 1 h', 'median minutes to alarm'];
  const rows = reports.map((r) => [r.detector, pct(r.precision), pct(r.recall), pct(r.f1), `${r.caughtWithinHour}/${r.events}`, Number.isFinite(r.medianMinutesToAlarm) ? r.medianMinutesToAlarm.toFixed(0) : 'n/a']);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}
