/**
 * The book as the pure core sees it: a held position, a closed round trip and why it closed. Persistence
 * (state/schema.ts) holds its schema to these types; the core never imports persistence.
 */

/** A held position. Prices in the run's quote currency. */
export interface Position {
  qty: number;
  avgEntryPriceUsd: number;
  lastPriceUsd: number;
  openedCycle: number;
  /** P&L realised so far in this round trip, fees included (a buy's fee is a realised cost). */
  realizedPnlUsd: number;
}

/** The exit rules' reasons (src/exits/), in the order they are asked. */
export const EXIT_REASONS = ['stop_loss', 'take_profit', 'spike', 'trailing_stop', 'time_limit'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * What the exit step sells: a rule's exit, a flattening the operator asked for (`operator`: console or Telegram), or
 * a position no entry of COCE's opened (`adopted`: taken from the exchange account at a new run's start, its cost
 * unknown), sold at its first bar as the allocation never wanted it.
 */
export const SALE_REASONS = [...EXIT_REASONS, 'adopted', 'operator'] as const;
export type SaleReason = (typeof SALE_REASONS)[number];

/**
 * Why a round trip closed: the exit step's sale, or one it did not ask for: the guardrails' reductions (`risk`), the
 * kill-switch flattening (`halt`), or the allocation's rebalancing (`rebalance`, the only way before exits existed).
 */
export const CLOSE_REASONS = [...SALE_REASONS, 'risk', 'halt', 'rebalance'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** One round trip, fees included. */
export interface ClosedTrade {
  closedCycle: number;
  symbol: string;
  openedCycle: number;
  pnlUsd: number;
  exit: CloseReason;
}
