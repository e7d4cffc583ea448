import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import { estimateFill, maxNotionalWithinBandUsd, type CostModelSettings } from './cost-model.js';
import type { OrderRequest, Venue, VenueBalances, VenueOrder } from './venue.js';
import { VenueError } from './venue-errors.js';

/**
 * The sim and back-test venue. Orders fill against the bar that just closed through the shared cost model (half
 * spread + square-root impact, fees, at most a share of the bar's volume), never at the close for free. A limit
 * order fills only as much as keeps its average price inside its limit. Paper orders are immediate-or-cancel: what
 * cannot fill now is cancelled (the router re-prices it next cycle). Several orders in one bar share the bar's volume;
 * each one's impact is its own (slices are spread over the cycle, so earlier slices' impact has decayed).
 * Balances live in memory; `book()` is saved with state after every cycle and seeds the venue on restart, so a
 * resumed run continues from exactly the venue's numbers (not from state's, which round differently).
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
    initial: VenueBalances,
  ) {
    this.cashUsd = initial.cashUsd;
    for (const [s, q] of Object.entries(initial.assets)) if (q !== 0) this.assets.set(s, q);
  }

  observe(snapshot: MarketSnapshot): void {
    this.snapshot = snapshot;
    this.usedUsd.clear();
    // nothing rests across bars, so earlier bars' orders are never looked up again (bounded memory)
    this.orders.clear();
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
    if (o.side === 'sell' && (this.assets.get(o.symbol) ?? 0) < o.qty * (1 - 1e-12)) {
      this.orders.delete(o.clientOrderId);
      throw new VenueError(`insufficient ${o.symbol}: selling ${o.qty}, holding ${this.assets.get(o.symbol) ?? 0}`, 'skip', { clientOrderId: o.clientOrderId });
    }
    const ref = o.refPriceUsd;
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
    if (o.side === 'buy' && f.notionalUsd + f.feeUsd > this.cashUsd) {
      this.orders.delete(o.clientOrderId);
      throw new VenueError(`insufficient cash: buying ${f.notionalUsd.toFixed(2)} + fee with ${this.cashUsd.toFixed(2)} USD`, 'skip', { clientOrderId: o.clientOrderId });
    }
    this.usedUsd.set(o.symbol, (this.usedUsd.get(o.symbol) ?? 0) + f.filledQty * ref);
    const held = this.assets.get(o.symbol) ?? 0;
    if (o.side === 'buy') {
      this.cashUsd -= f.notionalUsd + f.feeUsd;
      this.assets.set(o.symbol, held + f.filledQty);
    } else {
      this.cashUsd += f.notionalUsd - f.feeUsd;
      const left = held - f.filledQty;
      if (Math.abs(left) <= 1e-12 * held) this.assets.delete(o.symbol);
      else this.assets.set(o.symbol, left);
    }
    order.filledQty = f.filledQty;
    order.avgFillPriceUsd = f.avgPriceUsd;
    order.feeUsd = f.feeUsd;
    order.status = f.filledQty >= o.qty ? 'filled' : 'canceled';
    return { ...order };
  }

  cancel(clientOrderId: string): Promise<VenueOrder | null> {
    // nothing rests on the paper book: a cancel finds the order in its final state
    return this.fetchOrder(clientOrderId);
  }

  fetchOrder(clientOrderId: string): Promise<VenueOrder | null> {
    const o = this.orders.get(clientOrderId);
    return Promise.resolve(o === undefined ? null : { ...o });
  }

  openOrders(): Promise<VenueOrder[]> {
    return Promise.resolve([]);
  }

  balances(): Promise<VenueBalances> {
    return Promise.resolve(this.book());
  }

  /** The venue's balances now (what state saves for a restart). */
  book(): VenueBalances {
    return { cashUsd: this.cashUsd, assets: Object.fromEntries([...this.assets].sort(([a], [b]) => (a < b ? -1 : 1))) };
  }
}
