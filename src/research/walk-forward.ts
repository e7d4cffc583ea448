import { sharpe } from '../risk_guardrails/performance.js';
import { UsageError } from '../utils/errors.js';

/** One config point's daily returns on each market (a seed or a data set), all over the same days. */
export interface PointReturns {
  point: number;
  values: Record<string, unknown>;
  /** Market (`s4`, `d0`) -> daily returns, day 1 first. */
  daily: Record<string, readonly number[]>;
}

export interface WindowFigures {
  returnPct: number;
  sharpe: number | null;
  maxDrawdownPct: number;
}

export interface WalkForwardWindow {
  index: number;
  /** 1-based day numbers, inclusive. */
  trainDays: [number, number];
  testDays: [number, number];
  chosen: { point: number; values: Record<string, unknown> };
  /** The chosen point's in-sample score: the median over markets of its in-sample Sharpe. */
  inSampleSharpe: number | null;
  /** The chosen point on the window's out-of-sample days, per market. */
  outOfSample: Record<string, WindowFigures>;
}

export interface WalkForwardReport {
  windows: WalkForwardWindow[];
  /** Every window's out-of-sample days chained, per market: the only headline figures. */
  outOfSample: Record<string, WindowFigures & { days: number }>;
  /** Medians over markets of the chained figures. */
  median: { returnPct: number; sharpe: number | null; maxDrawdownPct: number };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Sharpe of daily returns annualised with 365 (null with fewer than two days). */
const sharpeOf = (r: readonly number[]): number | null => (r.length < 2 ? null : sharpe([...r], 365));

export function figures(r: readonly number[]): WindowFigures {
  let nav = 1;
  let peak = 1;
  let dd = 0;
  for (const x of r) {
    nav *= 1 + x;
    peak = Math.max(peak, nav);
    dd = Math.max(dd, 1 - nav / peak);
  }
  return { returnPct: 100 * (nav - 1), sharpe: sharpeOf(r), maxDrawdownPct: 100 * dd };
}

/**
 * Walk-forward optimisation over back-tests already run on the whole span: each window chooses the point with the
 * best median in-sample Sharpe over the markets (ties: the lower point) on `trainDays` days, and scores it on the
 * next `testDays` days; then the windows roll by `testDays`. A window's choice sees only days before its
 * out-of-sample days. Every point ran continuously from day 1, so a chosen point's out-of-sample days carry the
 * positions it opened before them, as a config that had been running all along would. Pure.
 */
export function walkForward(points: readonly PointReturns[], trainDays: number, testDays: number): WalkForwardReport {
  if (points.length === 0) throw new UsageError('walk-forward needs at least one config point that ran');
  const markets = Object.keys(points[0]!.daily).sort();
  const days = Math.min(...points.flatMap((p) => markets.map((m) => p.daily[m]?.length ?? 0)));
  if (trainDays + testDays > days) throw new UsageError(`the back-tests cover ${days} days: no window of ${trainDays} training + ${testDays} test days fits`);
  const windows: WalkForwardWindow[] = [];
  const chained: Record<string, number[]> = Object.fromEntries(markets.map((m) => [m, []]));
  for (let k = 0, start = 0; start + trainDays + testDays <= days; k++, start += testDays) {
    const trainEnd = start + trainDays;
    const testEnd = trainEnd + testDays;
    let best: { p: PointReturns; score: number } | null = null;
    for (const p of points) {
      const scores = markets.map((m) => sharpeOf(p.daily[m]!.slice(start, trainEnd)) ?? -Infinity);
      const score = median(scores);
      if (best === null || score > best.score) best = { p, score };
    }
    const outOfSample: Record<string, WindowFigures> = {};
    for (const m of markets) {
      const r = best!.p.daily[m]!.slice(trainEnd, testEnd);
      outOfSample[m] = figures(r);
      chained[m]!.push(...r);
    }
    windows.push({
      index: k + 1,
      trainDays: [start + 1, trainEnd],
      testDays: [trainEnd + 1, testEnd],
      chosen: { point: best!.p.point, values: best!.p.values },
      inSampleSharpe: Number.isFinite(best!.score) ? best!.score : null,
      outOfSample,
    });
  }
  const outOfSample = Object.fromEntries(markets.map((m) => [m, { ...figures(chained[m]!), days: chained[m]!.length }]));
  const all = Object.values(outOfSample);
  const sharpes = all.map((f) => f.sharpe).filter((x): x is number => x !== null);
  return {
    windows,
    outOfSample,
    median: { returnPct: median(all.map((f) => f.returnPct)), sharpe: sharpes.length === 0 ? null : median(sharpes), maxDrawdownPct: median(all.map((f) => f.maxDrawdownPct)) },
  };
}

/** Daily returns from NAVs at each day's close, the first against the start NAV. */
export function dailyReturns(startNavUsd: number, navs: readonly number[]): number[] {
  return navs.map((v, i) => v / (i === 0 ? startNavUsd : navs[i - 1]!) - 1);
}

const f = (x: number | null, d = 2) => (x === null ? 'n/a' : x.toFixed(d));

/** The report a trader reads: one line per window (chosen values, in-sample score, out-of-sample figures), then the chained out-of-sample headline. */
export function formatWalkForward(r: WalkForwardReport): string {
  const lines = r.windows.map((w) => {
    const oos = Object.entries(w.outOfSample)
      .map(([m, x]) => `${m} ${f(x.returnPct)} % (Sharpe ${f(x.sharpe)})`)
      .join(', ');
    return `window ${w.index}: chose c${w.chosen.point} ${JSON.stringify(w.chosen.values)} on days ${w.trainDays[0]}-${w.trainDays[1]} (in-sample Sharpe ${f(w.inSampleSharpe)}); out of sample, days ${w.testDays[0]}-${w.testDays[1]}: ${oos}`;
  });
  const chained = Object.entries(r.outOfSample).map(([m, x]) => `  ${m}: return ${f(x.returnPct)} %, Sharpe ${f(x.sharpe)}, max DD ${f(x.maxDrawdownPct)} % over ${x.days} days`);
  return [...lines, '', 'out of sample only (every window\'s test days chained):', ...chained, `  median: return ${f(r.median.returnPct)} %, Sharpe ${f(r.median.sharpe)}, max DD ${f(r.median.maxDrawdownPct)} %`].join('\n');
}
