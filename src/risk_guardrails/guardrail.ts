/**
 * The guardrail contract. Each check is a pure function of the proposed book and the market and portfolio state,
 * returning an approved (possibly scaled or cut) book and, when it acted, a trip with the numbers that made it act.
 * Weights are fractions of NAV; `current` is the book now, `proposed` what the allocation wants.
 */
export type Weights = Record<string, number>;

export interface GuardrailInput {
  cycle: number;
  navUsd: number;
  current: Readonly<Weights>;
  proposed: Readonly<Weights>;
  /** 30-day average daily dollar volume per asset. */
  advUsd: Readonly<Record<string, number>>;
  /** Daily returns per asset, oldest first (for VaR), the last `lookbackDays`. */
  dailyReturns: (symbol: string) => number[];
  /** Equity now and its peak (drawdown). */
  peakEquityUsd: number;
  /** Average pairwise correlation of the universe over the short and the long window (NaN when unknown). */
  avgCorrelationShort: number;
  avgCorrelationLong: number;
  /**
   * The proposal keeps each held position as it is or sells it, and adds only entries (a pump strategy holds until
   * an exit; halted and holding). Checks that scale a proposal by a factor scale only its additions then: applied to
   * the held book every bar they would compound (x0.75 a bar).
   */
  holding?: boolean;
}

export interface GuardrailTrip {
  guardrail: string;
  reason: string;
  /** The numbers that tripped it. */
  values: Record<string, number | string | boolean>;
}

export interface GuardrailResult {
  weights: Weights;
  trip: GuardrailTrip | null;
  /** No position may be opened or increased this cycle. */
  blockEntries?: boolean;
}

export interface Guardrail {
  readonly name: string;
  /** One line for the start-up banner. */
  describe(): string;
  check(input: GuardrailInput): GuardrailResult;
  /** Optional look at the final book after every check ran (a later check may have undone part of this one). */
  recheck?(input: GuardrailInput, finalBook: Readonly<Weights>): GuardrailTrip | null;
}

/** Only reductions of `current`: opening or increasing a position is undone (a blocked-entries book). */
export function withoutEntries(current: Readonly<Weights>, proposed: Readonly<Weights>): Weights {
  const out: Weights = {};
  for (const [s, v] of Object.entries(proposed)) {
    const cur = current[s] ?? 0;
    const w = Math.min(v, cur);
    if (w > 0) out[s] = w;
  }
  return out;
}

/** Keeps what `proposed` holds or sells of `current` and scales only what it adds (entries and increases) by f. */
export function scaleAdditions(current: Readonly<Weights>, proposed: Readonly<Weights>, f: number): Weights {
  const out: Weights = {};
  for (const [s, v] of Object.entries(proposed)) {
    const cur = current[s] ?? 0;
    const w = v <= cur ? v : cur + f * (v - cur);
    if (w > 0) out[s] = w;
  }
  return out;
}

export const gross = (w: Readonly<Weights>): number => Object.values(w).reduce((a, b) => a + b, 0);
export const scaleWeights = (w: Readonly<Weights>, f: number): Weights => Object.fromEntries(Object.entries(w).map(([s, v]) => [s, v * f]));
