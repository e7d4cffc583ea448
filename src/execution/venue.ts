import type { MarketSnapshot } from '../data_ingest/market-data-source.js';

/**
 * The one way orders leave COCE. PaperVenue (sim, backtest) and CcxtVenue (testnet, live) implement it, so the
 * router, the reconciliation and every decision above them run the same code in every mode. Quantities are in the
 * asset's units, prices in the quote currency (USD-like); symbols are COCE tickers ("PEPE"), not market ids.
 */
export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected';

export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  type: 'limit' | 'market';
  /** Worst price accepted (the price-protection band); null for market orders. */
  limitPriceUsd: number | null;
  /** Mid price the order was sized from: slippage is measured against it. */
  refPriceUsd: number;
  /**
   * 'gtc': the order rests on the book until it fills or is cancelled (a take-profit left on the exchange, working
   * while the daemon is down). Without it an order works only this cycle and is cancelled after its TTL.
   */
  timeInForce?: 'gtc';
}

/** An order as the venue reports it. Fills are cumulative: a caller applies the increase since it last looked. */
export interface VenueOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  filledQty: number;
  /** Average fill price so far (0 with no fill). */
  avgFillPriceUsd: number;
  /** Fees paid so far in the quote currency (USD). */
  feeUsd: number;
  /** Fees paid so far in the asset itself (Binance takes a buyer's fee from the coins bought), in its units. */
  feeBaseQty: number;
  limitPriceUsd: number | null;
  status: OrderStatus;
}

export const isTerminal = (s: OrderStatus): boolean => s === 'filled' || s === 'canceled' || s === 'rejected';

export interface VenueBalances {
  /** Free + locked quote currency. */
  cashUsd: number;
  /** Free + locked units per asset (zero balances left out). */
  assets: Record<string, number>;
}

export interface Venue {
  readonly name: string;
  /** Load markets, check credentials; called once before anything else. */
  init?(): Promise<void>;
  /** Paper venues fill against the bar just closed; exchange venues ignore it. */
  observe?(snapshot: MarketSnapshot): void;
  submit(order: OrderRequest): Promise<VenueOrder>;
  /** Cancel by client id; returns the order's final state (a filled order stays filled), null when unknown. */
  cancel(clientOrderId: string, symbol: string): Promise<VenueOrder | null>;
  /** Look an order up by our client id; null when the venue has never seen it. */
  fetchOrder(clientOrderId: string, symbol: string): Promise<VenueOrder | null>;
  /** Open orders whose client id starts with `prefix`. */
  openOrders(prefix: string): Promise<VenueOrder[]>;
  balances(): Promise<VenueBalances>;
  /** Round a quantity down to what the venue accepts for the symbol (0 when below its minimum). */
  roundQty?(symbol: string, qty: number, priceUsd: number): number;
  close?(): Promise<void>;
}
