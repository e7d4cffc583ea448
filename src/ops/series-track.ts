import { currentDrawdown } from '../risk_guardrails/drawdown.js';

/** What a value series (the NAV, a buy-and-hold benchmark) did since a start: the console and the review read these. */
export interface SeriesFigures {
  startUsd: number;
  lastUsd: number;
  peakUsd: number;
  /** Last over start (null when the start is not above 0). */
  returnPct: number | null;
  /** Fall of the last value from the peak since the start, % (0 at the peak; the guardrail's and equity.jsonl's formula). */
  drawdownPct: number;
  /** Largest fall from a peak since the start, % (the same as risk_guardrails' maxDrawdown of [start, ...values]). */
  maxDrawdownPct: number;
}

/**
 * Follows one series point by point without keeping the points: a long-running console reads weeks of logs at
 * start-up and then one point a cycle, and the weekly review feeds the same class the points of its window.
 */
export class SeriesTrack {
  private start: number | null;
  private peak: number;
  private last: number | null = null;
  private worst = 0;

  /** `startUsd`: the value before the first point (null: the first point is the start). */
  constructor(startUsd: number | null) {
    this.start = startUsd;
    this.peak = startUsd ?? -Infinity;
  }

  /** Adds a point; returns its drawdown from the peak so far, % (null for a missing value, which changes nothing). */
  add(valueUsd: number | null): number | null {
    if (valueUsd === null || !Number.isFinite(valueUsd)) return null;
    this.start ??= valueUsd;
    this.last = valueUsd;
    if (valueUsd > this.peak) this.peak = valueUsd;
    const dd = 100 * currentDrawdown(valueUsd, this.peak);
    if (dd > this.worst) this.worst = dd;
    return dd;
  }

  /** Null until the series has a point. */
  figures(): SeriesFigures | null {
    if (this.start === null || this.last === null) return null;
    return {
      startUsd: this.start,
      lastUsd: this.last,
      peakUsd: this.peak,
      returnPct: this.start > 0 ? 100 * (this.last / this.start - 1) : null,
      drawdownPct: 100 * currentDrawdown(this.last, this.peak),
      maxDrawdownPct: this.worst,
    };
  }
}
