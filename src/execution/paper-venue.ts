import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import { estimateFill, maxNotionalWithinBandUsd, type CostModelSettings } from './cost-model.js';
import { restingFill } from './resting-fill.js';
import { isTerminal, type OrderRequest, type Venue, type VenueBalances, type VenueOrder } from './venue.js';
import { VenueError } from './venue-errors.js';

/**
 * The sim and back-test venue. Orders fill against the bar that just closed through the shared cost model (half
 * spread + square-root impact, fees, at most a share of the bar's volume), never at the close for free. A limit
 * order fills only as much as keeps its average price inside its limit. Paper orders are immediate-or-cancel: what
 * cannot fill now is cancelled (the router re-prices it next cycle), unless it was sent good-till-cancelled: then
 * it rests, holding back the coins (or cash) it may spend, and fills in later bars that trade through its price
 * (resting-fill.ts). Several orders in one bar share the bar's volume;
 * each one's impact is its own (slices are spread over the cycle, so earlier slices' impact has decayed).
 * Balances and resting orders live in memory; `book()` is saved with state after every cycle and seeds the venue on
 * restart, so a resumed run continues from exactly the venue's numbers (not from state's, which round differently).
 */
export class PaperVenue implements Venue {
  readonly name = 'paper';
  private cashUsd: number;
  private readonly assets = new Map<string, number>();
  private readonly orders = new Map<string, VenueOrder>();
  private snapshot: MarketSnapshot | null = null;
  private readonly usedUsd = new Map<string, number>();

  constructor(
    private readonly model: CostModelSettings,
    initial: PaperBook,
  ) {
    this.cashUsd = initial.cashUsd;
    for (const [s, q] of Object.entries(initial.assets)) if (q !== 0) this.assets.set(s, q);
    for (const o of initial.resting ?? []) this.orders.set(o.clientOrderId, { ...o });
  }

  observe(snapshot: MarketSnapshot): void {
    this.snapshot = snapshot;
    this.usedUsd.clear();
    // only resting orders outlive their bar, so earlier bars' orders are never looked up again (bounded memory)
    for (const [id, o] of this.orders) if (isTerminal(o.status)) this.orders.delete(id);
    for (const o of [...this.orders.values()].sort((a, b) => (a.clientOrderId < b.clientOrderId ? -1 : 1))) this.fillResting(o);
  }

  /** A resting order in the bar that just closed: what traded through its price (resting-fill.ts). */
  private fillResting(o: VenueOrder): void {
    const bar = this.snapshot?.bars[o.symbol];
    if (bar === undefined || o.limitPriceUsd === null) return;
    const capacityUsd = Math.max(0, this.model.maxBarVolumeFraction * bar.volumeUsd - (this.usedUsd.get(o.symbol) ?? 0));
    const f = restingFill(o.side, o.qty - o.filledQty, o.limitPriceUsd, { high: bar.high, low: bar.low, volumeUsd: capacityUsd / this.model.maxBarVolumeFraction }, this.model);
    if (f === null) return;
    const qty = o.side === 'sell' ? Math.min(f.qty, this.assets.get(o.symbol) ?? 0) : Math.min(f.qty, Math.max(0, this.cashUsd - f.feeUsd) / f.priceUsd);
    if (!(qty > 0)) return;
    const feeUsd = f.feeUsd * (qty / f.qty);
    this.usedUsd.set(o.symbol, (this.usedUsd.get(o.symbol) ?? 0) + qty * f.priceUsd);
    this.move(o.symbol, o.side, qty, qty * f.priceUsd, feeUsd);
    o.avgFillPriceUsd = (o.avgFillPriceUsd * o.filledQty + f.priceUsd * qty) / (o.filledQty + qty);
    o.filledQty += qty;
    o.feeUsd += feeUsd;
    o.status = o.filledQty >= o.qty * (1 - 1e-12) ? 'filled' : 'partially_filled';
  }

  /** Cash and coins after a fill. */
  private move(symbol: string, side: 'buy' | 'sell', qty: number, notionalUsd: number, feeUsd: number): void {
    const held = this.assets.get(symbol) ?? 0;
    if (side === 'buy') {
      this.cashUsd -= notionalUsd + feeUsd;
      this.assets.set(symbol, held + qty);
    } else {
      this.cashUsd += notionalUsd - feeUsd;
      const left = held - qty;
      if (Math.abs(left) <= 1e-12 * held) this.assets.delete(symbol);
      else this.assets.set(symbol, left);
    }
  }

  /** Coins of `symbol` that resting sells hold back. */
  private lockedQty(symbol: string): number {
    let sum = 0;
    for (const o of this.orders.values()) if (!isTerminal(o.status) && o.side === 'sell' && o.symbol === symbol) sum += o.qty - o.filledQty;
    return sum;
  }

  /** Cash (with maker fees) that resting buys hold back. */
  private lockedCashUsd(): number {
    let sum = 0;
    for (const o of this.orders.values()) if (!isTerminal(o.status) && o.side === 'buy') sum += (o.qty - o.filledQty) * (o.limitPriceUsd ?? 0) * (1 + this.model.makerFeeBps / 10_000);
    return sum;
  }

  submit(o: OrderRequest): Promise<VenueOrder> {
    return Promise.resolve().then(() => this.fill(o));
  }

  private fill(o: OrderRequest): VenueOrder {
    if (this.orders.has(o.clientOrderId)) throw new VenueError(`duplicate client order id ${o.clientOrderId}`, 'skip', { clientOrderId: o.clientOrderId });
    if (!(o.qty > 0)) throw new VenueError(`order ${o.clientOrderId}: quantity must be positive (got ${o.qty})`, 'skip', { clientOrderId: o.clientOrderId });
    const bar = this.snapshot?.bars[o.symbol];
    const liq = this.snapshot?.liquidity[o.symbol];
    const order: VenueOrder = {
      clientOrderId: o.clientOrderId,
      // from the client id, not a counter: a restarted sim numbers its orders exactly as an uninterrupted one
      venueOrderId: `paper-${o.clientOrderId}`,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      filledQty: 0,
      avgFillPriceUsd: 0,
      feeUsd: 0,
      feeBaseQty: 0,
      limitPriceUsd: o.limitPriceUsd,
      status: 'canceled',
    };
    this.orders.set(o.clientOrderId, order);
    if (bar === undefined || liq === undefined || !(liq.advUsd > 0)) {
      order.status = 'rejected';
      return { ...order };
    }
    if (o.side === 'sell' && (this.assets.get(o.symbol) ?? 0) - this.lockedQty(o.symbol) < o.qty * (1 - 1e-12)) {
      this.orders.delete(o.clientOrderId);
      const lockedQty = this.lockedQty(o.symbol);
      throw new VenueError(`insufficient ${o.symbol}: selling ${o.qty}, holding ${this.assets.get(o.symbol) ?? 0}${lockedQty > 0 ? ` of which ${lockedQty} in resting orders` : ''}`, 'skip', { clientOrderId: o.clientOrderId });
    }
    const ref = o.refPriceUsd;
    if (o.timeInForce === 'gtc' && o.limitPriceUsd !== null && (o.side === 'sell' ? o.limitPriceUsd > ref : o.limitPriceUsd < ref)) {
      // away from the market: it rests, and fills in the bars that trade through it
      if (o.side === 'buy' && o.qty * o.limitPriceUsd * (1 + this.model.makerFeeBps / 10_000) > this.cashUsd - this.lockedCashUsd()) {
        this.orders.delete(o.clientOrderId);
        throw new VenueError(`insufficient cash for a resting buy of ${o.qty} ${o.symbol} at ${o.limitPriceUsd}`, 'skip', { clientOrderId: o.clientOrderId });
      }
      order.status = 'open';
      return { ...order };
    }
    const capacityLeftUsd = Math.max(0, this.model.maxBarVolumeFraction * bar.volumeUsd - (this.usedUsd.get(o.symbol) ?? 0));
    let qty = o.qty;
    if (o.limitPriceUsd !== null) {
      const bandBps = (Math.abs(o.limitPriceUsd - ref) / ref) * 10_000;
      qty = Math.min(qty, maxNotionalWithinBandUsd(liq.spreadBps, liq.advUsd, bandBps, this.model.impactCoefficient) / ref);
    }
    if (!(qty > 0) || !(capacityLeftUsd > 0)) return { ...order };
    const f = estimateFill(
      {
        side: o.side,
        qty,
        refPriceUsd: ref,
        spreadBps: liq.spreadBps,
        advUsd: liq.advUsd,
        barVolumeUsd: capacityLeftUsd / this.model.maxBarVolumeFraction,
        liquidity: 'taker',
      },
      this.model,
    );
    if (o.side === 'buy' && f.notionalUsd + f.feeUsd > this.cashUsd - this.lockedCashUsd()) {
      this.orders.delete(o.clientOrderId);
      throw new VenueError(`insufficient cash: buying ${f.notionalUsd.toFixed(2)} + fee with ${this.cashUsd.toFixed(2)} USD`, 'skip', { clientOrderId: o.clientOrderId });
    }
    this.usedUsd.set(o.symbol, (this.usedUsd.get(o.symbol) ?? 0) + f.filledQty * ref);
    this.move(o.symbol, o.side, f.filledQty, f.notionalUsd, f.feeUsd);
    order.filledQty = f.filledQty;
    order.avgFillPriceUsd = f.avgPriceUsd;
    order.feeUsd = f.feeUsd;
    // a good-till-cancelled order keeps what did not fill on the book
    order.status = f.filledQty >= o.qty ? 'filled' : o.timeInForce === 'gtc' ? 'partially_filled' : 'canceled';
    return { ...order };
  }

  cancel(clientOrderId: string): Promise<VenueOrder | null> {
    // only a resting order is still working; any other is found in its final state
    const o = this.orders.get(clientOrderId);
    if (o !== undefined && !isTerminal(o.status)) o.status = 'canceled';
    return this.fetchOrder(clientOrderId);
  }

  fetchOrder(clientOrderId: string): Promise<VenueOrder | null> {
    const o = this.orders.get(clientOrderId);
    return Promise.resolve(o === undefined ? null : { ...o });
  }

  openOrders(prefix = ''): Promise<VenueOrder[]> {
    return Promise.resolve([...this.orders.values()].filter((o) => !isTerminal(o.status) && o.clientOrderId.startsWith(prefix)).map((o) => ({ ...o })));
  }

  balances(): Promise<VenueBalances> {
    const { cashUsd, assets } = this.book();
    return Promise.resolve({ cashUsd, assets });
  }

  /** The venue's balances and resting orders now (what state saves for a restart). */
  book(): PaperBook {
    const resting = [...this.orders.values()].filter((o) => !isTerminal(o.status)).map((o) => ({ ...o, status: o.status as 'open' | 'partially_filled' }));
    return { cashUsd: this.cashUsd, assets: Object.fromEntries([...this.assets].sort(([a], [b]) => (a < b ? -1 : 1))), ...(resting.length > 0 ? { resting } : {}) };
  }
}

/** The paper venue's book: balances, and the orders resting on it (left out when there are none). */
export interface PaperBook extends VenueBalances {
  resting?: (VenueOrder & { status: 'open' | 'partially_filled' })[];
}
