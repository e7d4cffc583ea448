/**
 * Sharpe ratio of per-period returns: mean / standard deviation (ddof 1) x sqrt(periodsPerYear), risk-free rate 0.
 * NaN with fewer than two returns; with zero dispersion, 0 for a zero mean and +-Infinity otherwise. Pure.
 */
export function sharpe(returns: number[], periodsPerYear: number): number {
  const n = returns.length;
  if (n < 2) return Number.NaN;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1);
  if (variance === 0) return mean === 0 ? 0 : Math.sign(mean) * Infinity;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}

/** Share of trades with P&L above zero (a zero counts as a miss); NaN without trades. */
export function hitRate(tradePnl: number[]): number {
  if (tradePnl.length === 0) return Number.NaN;
  return tradePnl.filter((p) => p > 0).length / tradePnl.length;
}
