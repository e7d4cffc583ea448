/**
 * Historical-simulation value at risk. Losses are -pnl; VaR at `level` (0.95, 0.99) is the `level` quantile of the
 * losses with linear interpolation between order statistics (numpy's default "linear" method: position
 * (n - 1) x level in the ascending losses). Positive = a loss. Pure.
 */
export function historicalVar(pnl: number[], level: number): number {
  if (pnl.length === 0) return Number.NaN;
  if (!(level > 0 && level < 1)) throw new RangeError(`VaR level must be in (0, 1), got ${level}`);
  const losses = pnl.map((p) => -p).sort((a, b) => a - b);
  const h = (losses.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return losses[lo]! + (h - lo) * (losses[hi]! - losses[lo]!);
}

/** Expected shortfall: the mean of the losses at or beyond the VaR. */
export function historicalCvar(pnl: number[], level: number): number {
  const v = historicalVar(pnl, level);
  if (Number.isNaN(v)) return v;
  const tail = pnl.map((p) => -p).filter((l) => l >= v);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
