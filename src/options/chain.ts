import { bsGreeks, bsPrice, type OptionType } from './black-scholes.js';
import { fridayExpiries, instrumentName } from './instrument.js';

/** One option of a chain, Deribit style: prices in the underlying coin (inverse), open interest in contracts. */
export interface ChainQuote {
  instrument: string;
  underlying: string;
  expiryMs: number;
  strike: number;
  type: OptionType;
  /** Coin per contract (one contract = one coin of underlying); bid 0 when nobody bids. */
  bid: number;
  ask: number;
  mark: number;
  /** Mark implied volatility (annual). */
  markIv: number;
  openInterest: number;
  /** Underlying index price (USD) the quote was made at. */
  indexUsd: number;
}

export interface SyntheticChainSettings {
  /** Implied over realized volatility (the variance premium option sellers charge). */
  volPremium: number;
  /** Floor of at-the-money implied volatility. */
  minAtmVol: number;
  /** Smile: iv = atm x (1 + curvature x z^2 + skew x z), z = ln(K/F) / (atm sqrt T), capped at maxVolMultiple x atm. */
  smileCurvature: number;
  smileSkew: number;
  maxVolMultiple: number;
  /** Deribit's tick for cheap options (0.0001 coin); quotes are rounded to it, bids down, asks up. */
  tickCoin: number;
  /** Half-spread as a share of the mark, at least one tick. */
  halfSpreadFraction: number;
  /** Strikes from minMoneyness x S to maxMoneyness x S, `strikeSteps` of them, rounded to a round step. */
  minMoneyness: number;
  maxMoneyness: number;
  strikeStepPct: number;
  maxExpiryDays: number;
}

export const DEFAULT_CHAIN: SyntheticChainSettings = {
  volPremium: 1.1,
  minAtmVol: 0.3,
  smileCurvature: 0.03,
  smileSkew: 0.02,
  maxVolMultiple: 3,
  tickCoin: 0.0001,
  halfSpreadFraction: 0.04,
  minMoneyness: 0.3,
  maxMoneyness: 3,
  strikeStepPct: 2.5,
  maxExpiryDays: 120,
};

/** A round strike step near `pct` % of the price: 1, 2 or 5 times a power of ten (2 500 for BTC at 60 000 x 2.5 %). */
export function strikeStep(priceUsd: number, pct: number): number {
  const raw = (priceUsd * pct) / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw * 0.8) ?? 10 * p;
}

/** Implied volatility of the synthetic smile at strike K. */
export function smileVol(atm: number, F: number, K: number, T: number, s: SyntheticChainSettings): number {
  const z = Math.log(K / F) / (atm * Math.sqrt(T));
  return Math.min(atm * (1 + s.smileCurvature * z * z + s.smileSkew * z), s.maxVolMultiple * atm);
}

/**
 * A Deribit-like chain for the sim, from the synthetic underlying's price and realized volatility: Friday expiries at
 * 08:00 UTC, a round strike grid, a volatility smile over a variance premium, inverse (coin) prices rounded to the
 * tick with a spread that is at least one tick (so deep-OTM options are wide, as on Deribit), and open interest that
 * thins out away from the money. Pure: the same inputs give the same chain.
 */
export function syntheticChain(underlying: string, indexUsd: number, realizedVol: number, nowMs: number, s: SyntheticChainSettings = DEFAULT_CHAIN): ChainQuote[] {
  const step = strikeStep(indexUsd, s.strikeStepPct);
  const out: ChainQuote[] = [];
  for (const expiryMs of fridayExpiries(nowMs, nowMs + s.maxExpiryDays * 86_400_000)) {
    for (let K = Math.ceil((s.minMoneyness * indexUsd) / step) * step; K <= s.maxMoneyness * indexUsd; K += step) {
      for (const type of ['call', 'put'] as const) out.push(quoteOf(underlying, expiryMs, K, type, indexUsd, realizedVol, nowMs, s));
    }
  }
  return out;
}

/** The synthetic quote of one option (also for a held option whose strike has left the listed grid). */
export function quoteOf(underlying: string, expiryMs: number, K: number, type: OptionType, indexUsd: number, realizedVol: number, nowMs: number, s: SyntheticChainSettings = DEFAULT_CHAIN): ChainQuote {
  const atm = Math.max(s.minAtmVol, realizedVol * s.volPremium);
  const T = Math.max((expiryMs - nowMs) / (365 * 86_400_000), 1e-9);
  const iv = smileVol(atm, indexUsd, K, T, s);
  const markCoin = bsPrice({ S: indexUsd, K, T, r: 0, sigma: iv, type }) / indexUsd;
  const half = Math.max(s.tickCoin, markCoin * s.halfSpreadFraction);
  const bid = Math.max(0, Math.floor((markCoin - half) / s.tickCoin) * s.tickCoin);
  const ask = Math.max(s.tickCoin, Math.ceil((markCoin + half) / s.tickCoin) * s.tickCoin);
  const z = Math.abs(Math.log(K / indexUsd)) / (atm * Math.sqrt(T));
  return {
    instrument: instrumentName(underlying, expiryMs, K, type),
    underlying,
    expiryMs,
    strike: K,
    type,
    bid: Number(bid.toFixed(4)),
    ask: Number(ask.toFixed(4)),
    mark: markCoin,
    markIv: iv,
    openInterest: Math.round(2_000 * Math.exp(-0.5 * z)),
    indexUsd,
  };
}

/** Delta of a quote at its mark volatility, at `nowMs`. */
export function quoteDelta(q: ChainQuote, nowMs: number): number {
  const T = Math.max((q.expiryMs - nowMs) / (365 * 86_400_000), 1e-9);
  return bsGreeks({ S: q.indexUsd, K: q.strike, T, r: 0, sigma: q.markIv, type: q.type }).delta;
}
