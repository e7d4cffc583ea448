import type { MarketInput } from '../domain/market.js';
import { ModelError } from '../utils/errors.js';
import type { Dataset } from './dataset.js';
import { startBarLabels, trainInPumpDetector } from './in-pump.js';
import { falseAlarms as countFalseAlarms, type AlarmRow } from './false-alarms.js';
import { fitScaler, scale } from './features.js';
import { LogisticModel, type ClassWeight } from './logistic-model.js';
import { confusion, prAuc, rocAuc } from './metrics.js';
import type { PumpModelFile } from './pump-model.js';

export interface TrainSettings {
  l2: number;
  classWeight: ClassWeight | null;
  horizonBars: number;
  precisionTarget: number;
  /** False alarms (alarms outside the actionable window) allowed per asset-day of validation; null: no budget. */
  maxFalseAlarmsPerAssetDay: number | null;
  purgeBars: number;
  /** Share of the bars (by time) used for fitting; the rest, after the purge gap, chooses the threshold. */
  trainShare: number;
  walkForwardFolds: number;
}

export interface FoldReport {
  trainCycles: [number, number];
  testCycles: [number, number];
  rows: number;
  positives: number;
  rocAuc: number;
  prAuc: number;
}

export interface ChosenThreshold {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  precisionTargetMet: boolean;
  /** Validation false alarms (false-alarms.ts) per asset-day at the chosen threshold. */
  falseAlarmsPerAssetDay: number;
  /** False when even the highest score raises more false alarms than the budget allows (no budget: true). */
  falseAlarmBudgetMet: boolean;
}

/** What the threshold is judged on besides the target: the rows (asset, bar, actionable) and the asset-days they cover. */
export interface FalseAlarmBudget {
  rows: readonly AlarmRow[];
  assetDays: number;
  horizonBars: number;
  maxPerAssetDay: number | null;
}

/**
 * The alarm threshold: among the thresholds whose false alarms (as `coce eval` counts them: false-alarms.ts) stay within the
 * budget, the lowest that reaches the precision target on validation (so recall is as
 * high as the target allows); when none reaches it, the one with the best F1. A trader pays for every false alarm
 * with a round trip, so the budget binds before F1 does. Without a budget every threshold is a candidate; when no
 * threshold keeps to it, the highest score is taken (fewest alarms) and the budget is reported as not met.
 */
export function chooseThreshold(y: readonly (0 | 1)[], p: readonly number[], precisionTarget: number, budget?: FalseAlarmBudget): ChosenThreshold {
  const sorted = [...new Set(p)].sort((a, b) => b - a);
  const maxFalse = budget?.maxPerAssetDay == null ? Infinity : budget.maxPerAssetDay * budget.assetDays;
  const falseAlarms = (t: number) => (budget === undefined ? 0 : countFalseAlarms(budget.rows, p.map((v) => v >= t), budget.horizonBars));
  // the candidates in falling order, each one's alarms a superset of the last's: counts grow as rows join
  const tally = new AlarmTally(y, p, budget);
  type Pick = { threshold: number; precision: number; recall: number; f1: number; falseAlarms: number };
  let best: Pick | null = null;
  let bestF1: Pick | null = null;
  // every one of the top 100 scores, then steps of 1 % of the rank: fine where a false-alarm budget binds (the few
  // highest scores of a 5m validation set), about 1 200 candidates for 100 000 rows
  for (let i = 0; i < sorted.length; i += Math.max(1, Math.floor(i / 100))) {
    const t = sorted[i]!;
    const c = tally.at(t);
    // a lower threshold can merge two stretches into one, so a threshold over the budget does not end the search
    if (c.falseAlarms > maxFalse) continue;
    const pick = { threshold: t, precision: c.precision, recall: c.recall, f1: c.f1, falseAlarms: c.falseAlarms };
    if (bestF1 === null || c.f1 > bestF1.f1) bestF1 = pick;
    if (c.precision >= precisionTarget && c.tp >= 3) best = pick;
  }
  const perDay = (fa: number) => (budget === undefined ? 0 : fa / Math.max(budget.assetDays, 1e-9));
  if (best !== null) return { ...strip(best), precisionTargetMet: true, falseAlarmsPerAssetDay: perDay(best.falseAlarms), falseAlarmBudgetMet: true };
  if (bestF1 !== null) return { ...strip(bestF1), precisionTargetMet: false, falseAlarmsPerAssetDay: perDay(bestF1.falseAlarms), falseAlarmBudgetMet: true };
  // even the top score breaks the budget: the fewest alarms there can be
  const t = sorted[0] ?? 1;
  const c = confusion([...y], p.map((v) => v >= t));
  return { threshold: t, precision: c.precision, recall: c.recall, f1: c.f1, precisionTargetMet: false, falseAlarmsPerAssetDay: perDay(falseAlarms(t)), falseAlarmBudgetMet: false };
}

/**
 * confusion() and falseAlarms() at thresholds taken in falling order, without a pass over every row for each: rows
 * join as the threshold falls, and only the assets they belong to have their entries recounted (the same rule over the
 * same rows, so the same integers; precision, recall and F1 by confusion()'s formulas). chooseThreshold spent 3 s of
 * the 19 s of `coce train` re-counting from scratch (measured; issue 16).
 */
class AlarmTally {
  private readonly byScore: number[];
  private next = 0;
  private tp = 0;
  private fp = 0;
  private readonly positives: number;
  private readonly alarmedRows = new Map<string, number[]>();
  private readonly entries = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly y: readonly (0 | 1)[],
    private readonly p: readonly number[],
    private readonly budget: FalseAlarmBudget | undefined,
  ) {
    this.byScore = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
    this.positives = y.reduce<number>((a, v) => a + v, 0);
  }

  at(t: number): { tp: number; precision: number; recall: number; f1: number; falseAlarms: number } {
    const touched = new Set<string>();
    for (; this.next < this.byScore.length && this.p[this.byScore[this.next]!]! >= t; this.next++) {
      const i = this.byScore[this.next]!;
      if (this.y[i] === 1) this.tp++;
      else this.fp++;
      if (this.budget === undefined) continue;
      const symbol = this.budget.rows[i]!.symbol;
      let list = this.alarmedRows.get(symbol);
      if (list === undefined) this.alarmedRows.set(symbol, (list = []));
      // kept in row order (cycle order per asset), as falseAlarms walks them
      let at = list.length;
      while (at > 0 && list[at - 1]! > i) at--;
      list.splice(at, 0, i);
      touched.add(symbol);
    }
    for (const symbol of touched) {
      const now = this.entriesOf(this.alarmedRows.get(symbol)!);
      this.total += now - (this.entries.get(symbol) ?? 0);
      this.entries.set(symbol, now);
    }
    const { tp, fp } = this;
    const fn = this.positives - tp;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { tp, precision, recall, f1, falseAlarms: this.total };
  }

  /** falseAlarms() of one asset's alarmed rows. */
  private entriesOf(rows: readonly number[]): number {
    const h = Math.max(1, this.budget!.horizonBars);
    let last: number | undefined;
    let count = 0;
    for (const i of rows) {
      const r = this.budget!.rows[i]!;
      if (last !== undefined && r.cycle - last < h) continue;
      last = r.cycle;
      if (r.actionable === 0) count++;
    }
    return count;
  }
}

const strip = ({ threshold, precision, recall, f1 }: { threshold: number; precision: number; recall: number; f1: number }) => ({ threshold, precision, recall, f1 });

function fit(rows: Dataset['rows'], s: TrainSettings) {
  const scaler = fitScaler(rows.map((r) => r.x));
  const y = rows.map((r) => r.y);
  const model = new LogisticModel({ l2: s.l2, ...(s.classWeight ? { classWeight: s.classWeight } : {}) }).fit(
    rows.map((r) => scale(r.x, scaler)),
    y,
  );
  // Class weights shift the log-odds by log(w1 / w0); taking it back out of the intercept (prior correction, King &
  // Zeng 2001) makes the outputs probabilities again, so thresholds and entry_probability mean what they say.
  if (s.classWeight !== null) {
    const n = y.length;
    const pos = y.reduce<number>((a, v) => a + v, 0);
    const w1 = s.classWeight === 'balanced' ? n / (2 * Math.max(pos, 1)) : s.classWeight[1];
    const w0 = s.classWeight === 'balanced' ? n / (2 * Math.max(n - pos, 1)) : s.classWeight[0];
    model.intercept -= Math.log(w1 / w0);
  }
  return { scaler, model };
}

/**
 * Walk-forward training on one dataset: never a random row split. Bars are cut by time; a purge gap of `purgeBars`
 * separates fitting from validation so the bars around one event never sit on both sides. The scaler comes from the
 * fitting rows only. Also reports expanding-window folds (fit on everything before a cut, test after a purge).
 */
export function trainPumpModel(ds: Dataset, s: TrainSettings, meta: { seed: number; days: number; barMs: number; features: string[]; inputs: MarketInput[]; arima: PumpModelFile['arima']; featureSettings: PumpModelFile['featureSettings'] }): PumpModelFile {
  const span = ds.lastCycle - ds.firstCycle + 1;
  const trainEnd = ds.firstCycle + Math.round(span * s.trainShare) - 1;
  const validFrom = trainEnd + s.purgeBars + 1;
  const train = ds.rows.filter((r) => r.cycle <= trainEnd);
  const valid = ds.rows.filter((r) => r.cycle >= validFrom);
  if (train.filter((r) => r.y === 1).length < 5 || valid.length === 0) {
    throw new ModelError(`too few pumps to train on (${train.filter((r) => r.y === 1).length} positive rows before cycle ${trainEnd}, at least 5 needed); use more --days`);
  }
  const { scaler, model } = fit(train, s);
  const pValid = model.predictProba(valid.map((r) => scale(r.x, scaler)));
  const yValid = valid.map((r) => r.y);
  // asset-days as `coce eval` counts them: the asset-bars scored (sparse recorded data covers far fewer than assets x days)
  const chosen = chooseThreshold(yValid, pValid, s.precisionTarget, {
    rows: valid,
    horizonBars: s.horizonBars,
    assetDays: (valid.length * meta.barMs) / 86_400_000,
    maxPerAssetDay: s.maxFalseAlarmsPerAssetDay,
  });
  const starts = (rows: typeof ds.rows) => startBarLabels({ rows, events: ds.events }, meta.barMs);
  const inPump = trainInPumpDetector(meta.features, train, starts(train), valid, starts(valid));
  const folds: FoldReport[] = [];
  for (let k = 1; k <= s.walkForwardFolds; k++) {
    const cut = ds.firstCycle + Math.floor((span * (k + 1)) / (s.walkForwardFolds + 2)) - 1;
    const next = ds.firstCycle + Math.floor((span * (k + 2)) / (s.walkForwardFolds + 2)) - 1;
    const tr = ds.rows.filter((r) => r.cycle <= cut);
    const te = ds.rows.filter((r) => r.cycle > cut + s.purgeBars && r.cycle <= next);
    if (tr.filter((r) => r.y === 1).length < 5 || te.length === 0) continue;
    const f = fit(tr, s);
    const p = f.model.predictProba(te.map((r) => scale(r.x, f.scaler)));
    folds.push({
      trainCycles: [ds.firstCycle, cut],
      testCycles: [cut + s.purgeBars + 1, next],
      rows: te.length,
      positives: te.filter((r) => r.y === 1).length,
      rocAuc: rocAuc(te.map((r) => r.y), p),
      prAuc: prAuc(te.map((r) => r.y), p),
    });
  }
  return {
    format: 'coce-pump-model/1',
    features: meta.features,
    inputs: meta.inputs,
    scaler,
    logistic: model.toJSON(),
    threshold: chosen.threshold,
    horizonBars: s.horizonBars,
    arima: meta.arima,
    featureSettings: meta.featureSettings,
    training: {
      seed: meta.seed,
      days: meta.days,
      barMs: meta.barMs,
      trainCycles: [ds.firstCycle, trainEnd],
      purgeBars: s.purgeBars,
      validationCycles: [validFrom, ds.lastCycle],
      rows: train.length,
      positives: train.filter((r) => r.y === 1).length,
    },
    metrics: {
      validation: {
        ...chosen,
        rocAuc: rocAuc(yValid, pValid),
        prAuc: prAuc(yValid, pValid),
        rows: valid.length,
        positives: yValid.filter((v) => v === 1).length,
        // pumps that start inside the validation window: what the threshold and the scores were judged on
        pumps: ds.events.filter((e) => Math.floor(e.pumpStartMs / meta.barMs) >= validFrom && Math.floor(e.pumpStartMs / meta.barMs) <= ds.lastCycle).length,
      },
      walkForward: folds,
      arimaFits: ds.fitStats,
    },
    ...(inPump === null ? {} : { inPump }),
  };
}
