import { createRequire } from 'node:module';

// Full relative precision in the tails (FreeBSD msun's erfc): a deep-OTM option's price is a difference of two tiny
// normal tail probabilities, and 1 - erf(x) would lose every digit there.
// Loaded on first use: its ~40 small modules cost every `coce` start ~20 ms, and most runs price no option.
let erfcFn: ((x: number) => number) | null = null;
const erfc = (x: number): number => (erfcFn ??= createRequire(import.meta.url)('@stdlib/math-base-special-erfc') as (x: number) => number)(x);

export type OptionType = 'call' | 'put';

export interface OptionInput {
  /** Underlying price (USD). */
  S: number;
  K: number;
  /** Years to expiry. */
  T: number;
  /** Continuously compounded annual rate. */
  r: number;
  /** Annual volatility (0.8 = 80 %). */
  sigma: number;
  type: OptionType;
}

export interface Greeks {
  delta: number;
  gamma: number;
  /** Per 1.00 of volatility (divide by 100 for one vol point). */
  vega: number;
  /** Per year (divide by 365 for one day). */
  theta: number;
  rho: number;
}

/** Standard normal CDF as 0.5 erfc(-x / sqrt 2): accurate relatively far into both tails. */
export const normCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
export const normPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

function check(o: Omit<OptionInput, 'sigma'> & { sigma?: number }): void {
  const bad = (['S', 'K', 'T'] as const).filter((k) => !(o[k] > 0 && Number.isFinite(o[k])));
  if (o.sigma !== undefined && !(o.sigma > 0 && Number.isFinite(o.sigma))) bad.push('sigma' as never);
  if (!Number.isFinite(o.r)) bad.push('r' as never);
  if (bad.length > 0) throw new RangeError(`Black-Scholes needs positive finite ${bad.join(', ')} (got ${bad.map((k) => `${k}=${String((o as Record<string, unknown>)[k])}`).join(', ')})`);
}

function d1d2(o: OptionInput): [number, number] {
  const v = o.sigma * Math.sqrt(o.T);
  const d1 = (Math.log(o.S / o.K) + (o.r + 0.5 * o.sigma * o.sigma) * o.T) / v;
  return [d1, d1 - v];
}

/**
 * Black-Scholes price in USD. Each type is priced from its own tail (a call from N(d1), N(d2); a put from N(-d2),
 * N(-d1)), never through put-call parity, so an out-of-the-money option keeps its relative precision.
 */
export function bsPrice(o: OptionInput): number {
  check(o);
  const [d1, d2] = d1d2(o);
  const df = Math.exp(-o.r * o.T);
  const p = o.type === 'call' ? o.S * normCdf(d1) - o.K * df * normCdf(d2) : o.K * df * normCdf(-d2) - o.S * normCdf(-d1);
  return Math.max(p, 0);
}

export function bsGreeks(o: OptionInput): Greeks {
  check(o);
  const [d1, d2] = d1d2(o);
  const df = Math.exp(-o.r * o.T);
  const sqrtT = Math.sqrt(o.T);
  const pdf = normPdf(d1);
  const gamma = pdf / (o.S * o.sigma * sqrtT);
  const vega = o.S * pdf * sqrtT;
  const decay = (-o.S * pdf * o.sigma) / (2 * sqrtT);
  if (o.type === 'call') {
    return { delta: normCdf(d1), gamma, vega, theta: decay - o.r * o.K * df * normCdf(d2), rho: o.K * o.T * df * normCdf(d2) };
  }
  return { delta: -normCdf(-d1), gamma, vega, theta: decay + o.r * o.K * df * normCdf(-d2), rho: -o.K * o.T * df * normCdf(-d2) };
}

const MIN_VOL = 1e-6;
const MAX_VOL = 20;

/**
 * Implied volatility: the sigma whose Black-Scholes price is `price`. Newton steps on log(price) (deep-OTM prices
 * span many orders of magnitude; in logs the function is close to linear in sigma), each kept inside a bracket that
 * bisection shrinks whenever Newton would leave it, so it always converges. Throws when the price is outside the
 * no-arbitrage bounds.
 */
export function impliedVol(price: number, o: Omit<OptionInput, 'sigma'>): number {
  check(o);
  const df = Math.exp(-o.r * o.T);
  const lower = o.type === 'call' ? Math.max(0, o.S - o.K * df) : Math.max(0, o.K * df - o.S);
  const upper = o.type === 'call' ? o.S : o.K * df;
  if (!(price > lower && price < upper)) {
    throw new RangeError(`implied volatility: price ${price} is outside the no-arbitrage bounds (${lower}, ${upper}) for ${o.type} S=${o.S} K=${o.K} T=${o.T}`);
  }
  // work on the time value: the intrinsic part carries no information about sigma
  const target = Math.log(price - lower);
  const f = (s: number) => Math.log(Math.max(bsPrice({ ...o, sigma: s }) - lower, Number.MIN_VALUE)) - target;
  let lo = MIN_VOL;
  let hi = MAX_VOL;
  if (f(lo) > 0 || f(hi) < 0) throw new RangeError(`implied volatility: price ${price} needs a volatility outside [${MIN_VOL}, ${MAX_VOL}]`);
  // a start near the answer for most options (Brenner-Subrahmanyam), clamped into the bracket
  let s = Math.min(Math.max(Math.sqrt((2 * Math.PI) / o.T) * (price / o.S), 0.05), 5);
  for (let i = 0; i < 200; i++) {
    const fs = f(s);
    if (fs > 0) hi = s;
    else lo = s;
    if (Math.abs(fs) < 1e-14 || hi - lo < 1e-15 * hi) return s;
    const p = bsPrice({ ...o, sigma: s }) - lower;
    const slope = bsGreeks({ ...o, sigma: s }).vega / p; // d log(time value) / d sigma
    let next = s - fs / slope;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    s = next;
  }
  return s;
}

/**
 * Deribit's inverse convention: an option on BTC is quoted and settled in BTC, so its price in coin is the USD price
 * over the index, and its delta in coin terms is the USD delta less that price (the premium itself moves with BTC).
 */
export function inversePrice(o: OptionInput): number {
  return bsPrice(o) / o.S;
}

export function inverseDelta(o: OptionInput): number {
  return bsGreeks(o).delta - inversePrice(o);
}
