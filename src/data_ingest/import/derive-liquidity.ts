import type { Liquidity } from '../../domain/market.js';
import type { Candle } from './candle.js';

/** What the liquidity columns of an imported folder are made of (recorded in its meta.json). */
export const LIQUIDITY_METHOD =
  'derived from the bars, each from past bars only: ADV = quote volume of the last 30 days / days covered (at least one); ' +
  'spread = Abdi & Ranaldo (2017) close-high-low estimator, mean over the last 48 bars, in bps, at least 1; ' +
  'realised volatility = standard deviation of the last 30 days of log returns, annualised; no market cap';

const DAY_MS = 86_400_000;

/**
 * Liquidity of every bar of one pair from its own history (candles sorted, cleaned). Pure and causal: bar t uses bars
 * up to t only (the spread estimator pairs bar t with bar t - 1), so a back-test never sees the future through it.
 * Real candles carry no market cap: it is null, never invented.
 */
export function deriveLiquidity(candles: readonly Candle[], barMs: number): { liquidity: Liquidity; realizedVol: number | null }[] {
  const out: { liquidity: Liquidity; realizedVol: number | null }[] = [];
  const windowMs = 30 * DAY_MS;
  const barsPerYear = (365 * DAY_MS) / barMs;
  let volStart = 0;
  let quoteSum = 0;
  const spreadTerms: number[] = [];
  let spreadSum = 0;
  // log returns of consecutive bars within the 30-day window (a return across a gap spans several bars: left out)
  const rets: { at: number; r: number }[] = [];
  let retStart = 0;
  let rSum = 0;
  let r2Sum = 0;
  for (let t = 0; t < candles.length; t++) {
    const c = candles[t]!;
    quoteSum += c.volumeQuote;
    while (candles[volStart]!.openMs <= c.openMs - windowMs) quoteSum -= candles[volStart++]!.volumeQuote;
    const daysCovered = Math.max(1, (c.openMs - candles[volStart]!.openMs + barMs) / DAY_MS);
    if (t > 0 && candles[t - 1]!.openMs === c.openMs - barMs) {
      const p = candles[t - 1]!;
      // Abdi & Ranaldo: s^2 = 4 (c_{t-1} - eta_{t-1}) (c_{t-1} - eta_t), eta = mid of log high and log low
      const etaPrev = (Math.log(p.high) + Math.log(p.low)) / 2;
      const eta = (Math.log(c.high) + Math.log(c.low)) / 2;
      const term = 4 * (Math.log(p.close) - etaPrev) * (Math.log(p.close) - eta);
      spreadTerms.push(term);
      spreadSum += term;
      if (spreadTerms.length > 48) spreadSum -= spreadTerms.shift()!;
      const r = Math.log(c.close / p.close);
      rets.push({ at: c.openMs, r });
      rSum += r;
      r2Sum += r * r;
    }
    while (retStart < rets.length && rets[retStart]!.at <= c.openMs - windowMs) {
      rSum -= rets[retStart]!.r;
      r2Sum -= rets[retStart]!.r ** 2;
      retStart++;
    }
    const n = rets.length - retStart;
    const spreadBps = spreadTerms.length === 0 ? 1 : Math.max(1, 10_000 * Math.sqrt(Math.max(0, spreadSum / spreadTerms.length)));
    const variance = n >= 2 ? Math.max(0, (r2Sum - (rSum * rSum) / n) / (n - 1)) : null;
    out.push({ liquidity: { marketCapUsd: null, advUsd: quoteSum / daysCovered, spreadBps }, realizedVol: variance === null ? null : Math.sqrt(variance * barsPerYear) });
    if (retStart > 4096) {
      rets.splice(0, retStart);
      retStart = 0;
    }
  }
  return out;
}
