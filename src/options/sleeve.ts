import { quoteDelta, type ChainQuote } from './chain.js';
import type { OptionType } from './black-scholes.js';

export interface SleeveSettings {
  /** Premium per budget period, fraction of NAV (sleeve.budget_pct_nav / 100, at most 0.005). */
  budgetFraction: number;
  budgetPeriodMs: number;
  underlyings: string[];
  minDteDays: number;
  maxDteDays: number;
  deltaMin: number;
  deltaMax: number;
  includePuts: boolean;
  /** (ask - bid) / mid ceiling, fraction. */
  maxSpread: number;
  minOpenInterest: number;
  rollDteDays: number;
  takeProfitMultiple: number;
}

/** Deribit's contract steps and fee: 0.0003 coin per contract, at most 12.5 % of the option's price. */
export const CONTRACT_STEP: Record<string, number> = { BTC: 0.1, ETH: 1 };
export const FEE_PER_CONTRACT_COIN = 0.0003;
export const FEE_CAP_FRACTION = 0.125;

export const optionFeeCoin = (priceCoin: number, qty: number): number => Math.min(FEE_PER_CONTRACT_COIN, FEE_CAP_FRACTION * priceCoin) * qty;

const DAY = 86_400_000;

/**
 * The option to buy for one underlying and type: expiry inside the days-to-expiry band, |delta| inside the target
 * band, a real two-sided market (bid > 0) no wider than the spread ceiling, enough open interest. Among those, the
 * one whose |delta| is nearest the middle of the band; ties go to the cheaper ask, then the name. Pure.
 */
export function selectOption(chain: readonly ChainQuote[], underlying: string, type: OptionType, nowMs: number, s: SleeveSettings): ChainQuote | null {
  const mid = (s.deltaMin + s.deltaMax) / 2;
  let best: { q: ChainQuote; score: number } | null = null;
  for (const q of chain) {
    if (q.underlying !== underlying || q.type !== type) continue;
    const dte = (q.expiryMs - nowMs) / DAY;
    if (dte < s.minDteDays || dte > s.maxDteDays) continue;
    if (!(q.bid > 0) || (q.ask - q.bid) / ((q.ask + q.bid) / 2) > s.maxSpread || q.openInterest < s.minOpenInterest) continue;
    const d = Math.abs(quoteDelta(q, nowMs));
    if (d < s.deltaMin || d > s.deltaMax) continue;
    const score = Math.abs(d - mid);
    if (best === null || score < best.score - 1e-12 || (Math.abs(score - best.score) <= 1e-12 && (q.ask < best.q.ask || (q.ask === best.q.ask && q.instrument < best.q.instrument)))) best = { q, score };
  }
  return best?.q ?? null;
}

export interface Budget {
  periodStartMs: number;
  spentUsd: number;
}

/** The budget period `nowMs` falls in: a new period starts with nothing spent. */
export function budgetAt(b: Budget, nowMs: number, periodMs: number): Budget {
  if (nowMs < b.periodStartMs + periodMs) return b;
  const periods = Math.floor((nowMs - b.periodStartMs) / periodMs);
  return { periodStartMs: b.periodStartMs + periods * periodMs, spentUsd: 0 };
}

/**
 * How many contracts of a quote the budget allows: premium plus fee, in USD at the index, within what is left of the
 * period's budget and this position's share of it, rounded down to the contract step. 0 when not even one step fits.
 */
export function contractsWithinBudget(q: ChainQuote, allowanceUsd: number): number {
  const step = CONTRACT_STEP[q.underlying] ?? 1;
  const perContractUsd = (q.ask + Math.min(FEE_PER_CONTRACT_COIN, FEE_CAP_FRACTION * q.ask)) * q.indexUsd;
  if (!(perContractUsd > 0) || !(allowanceUsd > 0)) return 0;
  // the 1e-9 lets an exact fit through float noise; the loop makes sure rounding never overspends beyond it
  let n = Number((Math.floor(allowanceUsd / perContractUsd / step + 1e-9) * step).toFixed(8));
  while (n > 0 && n * perContractUsd > allowanceUsd * (1 + 1e-12)) n = Number((n - step).toFixed(8));
  return n;
}
