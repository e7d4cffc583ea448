/** Largest peak-to-trough fall of an equity curve, as a positive fraction of the peak (0 for an empty curve). */
export function maxDrawdown(equity: number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    if (peak > 0) worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

/** Drawdown of `equityUsd` from `peakUsd`, a positive fraction (0 at or above the peak). */
export function currentDrawdown(equityUsd: number, peakUsd: number): number {
  return peakUsd > 0 && equityUsd < peakUsd ? (peakUsd - equityUsd) / peakUsd : 0;
}
