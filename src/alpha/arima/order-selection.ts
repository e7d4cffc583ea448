import { createRequire } from 'node:module';
import type ArimaPackage from 'arima';
import type { ArimaOrder } from './fit-arima.js';

export interface OrderScore {
  order: ArimaOrder;
  /** Median squared one-step-ahead error over the hold-out ends (median: one diverged package fit cannot decide). */
  mse: number;
}

/**
 * Chooses an ARIMA order for the training set with the `arima` package (ctsa's exact-ML fits in WASM): every
 * candidate is fitted on each series without its last `holdOut` points and scored by the one-step forecast errors
 * on them; the order with the lowest median squared error over all series wins (ties: the first candidate, so the
 * simpler order should be listed first). The package fits but exposes no coefficients, so it cannot drive the
 * incremental filter; it serves here, where only forecasts are needed.
 */
export function selectOrder(series: readonly number[][], candidates: readonly ArimaOrder[], holdOut = 24): { best: ArimaOrder; scores: OrderScore[] } {
  // loaded on first use: its WASM module costs ~36 ms of every start-up otherwise, and only `coce train` fits with it
  const ARIMA = createRequire(import.meta.url)('arima') as typeof ArimaPackage;
  const scores = candidates.map((order) => {
    const errs: number[] = [];
    for (const s of series) {
      if (s.length <= holdOut + 30) continue;
      for (let k = holdOut; k >= 1; k -= Math.max(1, Math.floor(holdOut / 4))) {
        const train = s.slice(0, s.length - k);
        const m = new ARIMA({ p: order[0], d: order[1], q: order[2], verbose: false }).train(train);
        try {
          const [pred] = m.predict(1);
          const err = s[s.length - k]! - pred[0]!;
          errs.push(Number.isFinite(err) ? err * err : Infinity);
        } finally {
          m.destroy(); // the WASM model leaks without it
        }
      }
    }
    errs.sort((a, b) => a - b);
    return { order, mse: errs.length === 0 ? Infinity : errs[errs.length >> 1]! };
  });
  let best = scores[0]!;
  for (const s of scores) if (s.mse < best.mse) best = s;
  return { best: best.order, scores };
}
