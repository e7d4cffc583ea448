import { errorClassNames } from '../utils/errors.js';
import type { Logger } from '../utils/logger.js';
import type { OrderRequest, OrderStatus, Venue, VenueBalances, VenueOrder } from './venue.js';
import { mapVenueError, VenueError } from './venue-errors.js';
import { implausibleBalances, implausibleOrder } from './venue-sanity.js';

/** ccxt's unified order, the fields COCE reads. */
export interface CcxtOrder {
  id: string;
  clientOrderId?: string | undefined;
  symbol: string;
  side: string;
  amount?: number | undefined;
  filled?: number | undefined;
  average?: number | undefined;
  price?: number | undefined;
  cost?: number | undefined;
  status?: string | undefined;
  fee?: { cost?: number | undefined; currency?: string | undefined } | undefined;
}

interface CcxtMarket {
  symbol: string;
  base: string;
  quote: string;
  limits?: { amount?: { min?: number | undefined }; cost?: { min?: number | undefined } };
}

/** The part of a ccxt exchange the venue uses (a real ccxt instance in every mode; tests point it at a loopback server). */
export interface TradingExchange {
  markets?: Record<string, CcxtMarket> | undefined;
  loadMarkets(reload?: boolean): Promise<Record<string, CcxtMarket>>;
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  fetchOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  fetchOpenOrders(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<CcxtOrder[]>;
  fetchBalance(params?: Record<string, unknown>): Promise<{ total?: Record<string, number | undefined> }>;
  amountToPrecision(symbol: string, amount: number): string;
  priceToPrecision(symbol: string, price: number): string;
  options?: Record<string, unknown>;
}

export interface CcxtVenueOptions {
  quote: string;
  /** Fee charged when the exchange does not report one (binance's RESULT answers carry none). */
  takerFeeBps: number;
  /** Where an unreported buy fee is taken: Binance takes it from the coins bought unless BNB pays fees. */
  buyFeeAsset: 'base' | 'quote';
  log: Logger;
}

const STATUS: Record<string, OrderStatus> = { open: 'open', closed: 'filled', canceled: 'canceled', cancelled: 'canceled', expired: 'canceled', rejected: 'rejected' };

const isClass = (err: unknown, name: string): boolean => errorClassNames(err).includes(name);

/**
 * testnet and live orders through ccxt: markets loaded once, amounts and prices rounded to each market's precision
 * and limits, orders placed and looked up by our client id (binance's newClientOrderId / origClientOrderId), ccxt's
 * error classes mapped to venue actions (execution/venue-errors.ts). The exchange instance comes from
 * createCcxtExchange (sandbox on testnet, enableRateLimit on).
 */
export class CcxtVenue implements Venue {
  readonly name = 'ccxt';
  private markets: Record<string, CcxtMarket> = {};

  constructor(
    private readonly ex: TradingExchange,
    private readonly o: CcxtVenueOptions,
  ) {
    // open orders across every market in one call (our prefix filters them); ccxt asks to acknowledge the weight
    ex.options = { ...(ex.options ?? {}), warnOnFetchOpenOrdersWithoutSymbol: false };
  }

  private pair = (symbol: string): string => `${symbol}/${this.o.quote}`;

  async init(): Promise<void> {
    try {
      this.markets = await this.ex.loadMarkets();
    } catch (err) {
      throw mapVenueError(err, 'loadMarkets');
    }
  }

  roundQty(symbol: string, qty: number, priceUsd: number): number {
    const m = this.markets[this.pair(symbol)];
    if (m === undefined || !(qty > 0)) return 0;
    let q: number;
    try {
      q = Number(this.ex.amountToPrecision(m.symbol, qty));
    } catch (err) {
      // ccxt throws InvalidOrder for an amount below the market's precision: nothing can be sent, like a dust amount
      if (isClass(err, 'InvalidOrder')) return 0;
      throw err;
    }
    if (!(q > 0) || q < (m.limits?.amount?.min ?? 0) || q * priceUsd < (m.limits?.cost?.min ?? 0)) return 0;
    return q;
  }

  /** `clientOrderId` is ours, always: binance's cancel answer carries the cancel request's own id in that field. */
  private toVenueOrder(o: CcxtOrder, clientOrderId: string): VenueOrder {
    const filledQty = o.filled ?? 0;
    const avg = o.average ?? (filledQty > 0 && o.cost !== undefined ? o.cost / filledQty : 0);
    const base = o.symbol.split('/')[0]!;
    const side = o.side === 'sell' ? 'sell' : 'buy';
    // the fee as reported (quote or base); unreported, estimated at the taker rate in the asset the exchange takes
    let feeUsd = 0;
    let feeBaseQty = 0;
    if (o.fee?.cost !== undefined && o.fee.currency === this.o.quote) feeUsd = o.fee.cost;
    else if (o.fee?.cost !== undefined && o.fee.currency === base) feeBaseQty = o.fee.cost;
    else if (side === 'buy' && this.o.buyFeeAsset === 'base') feeBaseQty = (filledQty * this.o.takerFeeBps) / 10_000;
    else feeUsd = (filledQty * avg * this.o.takerFeeBps) / 10_000;
    const status = STATUS[o.status ?? 'open'] ?? 'open';
    const order: VenueOrder = {
      clientOrderId,
      venueOrderId: String(o.id),
      symbol: base,
      side,
      qty: o.amount ?? 0,
      filledQty,
      avgFillPriceUsd: avg,
      feeUsd,
      feeBaseQty,
      limitPriceUsd: o.price ?? null,
      status: status === 'open' && filledQty > 0 ? 'partially_filled' : status,
    };
    // a garbled answer is a lost answer: the order is looked up again, never booked as reported
    const why = implausibleOrder(order);
    if (why !== null) throw new VenueError(`order ${clientOrderId}: implausible answer from the exchange (${why})`, 'unknown', { clientOrderId });
    return order;
  }

  async submit(r: OrderRequest): Promise<VenueOrder> {
    const pair = this.pair(r.symbol);
    if (this.markets[pair] === undefined) throw new VenueError(`${pair} is not a market on this exchange`, 'skip', { symbol: r.symbol });
    const price = r.limitPriceUsd === null ? undefined : Number(this.ex.priceToPrecision(pair, r.limitPriceUsd));
    try {
      const o = await this.ex.createOrder(pair, r.type, r.side, r.qty, price, { newClientOrderId: r.clientOrderId, timeInForce: r.type === 'limit' ? 'GTC' : undefined });
      return this.toVenueOrder({ ...o, amount: o.amount ?? r.qty, symbol: o.symbol ?? pair, side: o.side ?? r.side }, r.clientOrderId);
    } catch (err) {
      throw mapVenueError(err, `createOrder ${r.clientOrderId}`);
    }
  }

  async fetchOrder(clientOrderId: string, symbol: string): Promise<VenueOrder | null> {
    try {
      return this.toVenueOrder(await this.ex.fetchOrder('', this.pair(symbol), { origClientOrderId: clientOrderId }), clientOrderId);
    } catch (err) {
      if (isClass(err, 'OrderNotFound')) return null;
      throw mapVenueError(err, `fetchOrder ${clientOrderId}`);
    }
  }

  async cancel(clientOrderId: string, symbol: string): Promise<VenueOrder | null> {
    try {
      return this.toVenueOrder(await this.ex.cancelOrder('', this.pair(symbol), { origClientOrderId: clientOrderId }), clientOrderId);
    } catch (err) {
      // binance refuses to cancel an order that is already done (-2011): its final state is what we want
      if (isClass(err, 'OrderNotFound') || isClass(err, 'OperationRejected') || isClass(err, 'InvalidOrder')) return this.fetchOrder(clientOrderId, symbol);
      throw mapVenueError(err, `cancelOrder ${clientOrderId}`);
    }
  }

  async openOrders(prefix: string): Promise<VenueOrder[]> {
    try {
      const all = await this.ex.fetchOpenOrders();
      return all.filter((o) => o.clientOrderId?.startsWith(`${prefix}-`) === true).map((o) => this.toVenueOrder(o, o.clientOrderId!));
    } catch (err) {
      throw mapVenueError(err, 'fetchOpenOrders');
    }
  }

  async balances(): Promise<VenueBalances> {
    let b;
    try {
      b = await this.ex.fetchBalance();
    } catch (err) {
      throw mapVenueError(err, 'fetchBalance');
    }
    const total = b.total ?? {};
    const assets: Record<string, number> = {};
    for (const [coin, qty] of Object.entries(total).sort(([a], [c]) => (a < c ? -1 : 1))) {
      if (coin === this.o.quote || qty === undefined || qty === 0) continue;
      assets[coin] = qty;
    }
    const b2 = { cashUsd: total[this.o.quote] ?? 0, assets };
    const why = implausibleBalances(b2);
    if (why !== null) throw new VenueError(`fetchBalance: implausible answer from the exchange (${why})`, 'unknown');
    return b2;
  }
}
