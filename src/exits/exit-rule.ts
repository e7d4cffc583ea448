import type { ExitReason } from '../domain/trade.js';

/**
 * Exits for pump trades: small pure rules, one per file (as freqtrade keeps one protection per file), each looking at
 * one held position and its asset's bar; the exit step (agent/) applies them in EXIT_ORDER and sends what they close
 * through the same guardrails and order path as every order.
 */

/** Why a position was closed; the `exit` field of its `trade_closed` event. */
export type { ExitReason } from '../domain/trade.js';

/** A held position as the exit rules see it. Prices in the run's quote currency. */
export interface HeldPosition {
  symbol: string;
  avgEntryPriceUsd: number;
  openedCycle: number;
  /** Highest close since the position was opened (its entry price at the start). */
  highWaterUsd: number;
}

/** The position's asset at this bar's close. */
export interface ExitBar {
  cycle: number;
  closeUsd: number;
  /** The previous bar's close (null at the first bar seen). */
  prevCloseUsd: number | null;
  volumeUsd: number;
  /** 30-day average daily volume. */
  advUsd: number;
  barsPerDay: number;
  /** The model's in-pump probability this bar (null without an in-pump detector). */
  inPumpProbability: number | null;
}

/** A rule's decision to close, with the numbers that made it (logged with the exit). */
export interface ExitSignal {
  reason: ExitReason;
  detail: string;
  values: Record<string, number>;
}

export interface ExitRule {
  readonly reason: ExitReason;
  /** Null to hold. */
  check(p: HeldPosition, bar: ExitBar): ExitSignal | null;
}

/**
 * Slack on every threshold: a price exactly at a level counts as reaching it whatever its binary rounding (2.00 to
 * 1.84 is a fall of 0.07999999999999996 in doubles, and a stop at 8 % must take it).
 */
export const LEVEL_SLACK = 1e-9;

/** Gain of the close over the entry price (0.1 = +10 %). */
export const gainOf = (p: HeldPosition, bar: ExitBar): number => bar.closeUsd / p.avgEntryPriceUsd - 1;
