import type { Candle } from './candle.js';

/** One trade as ccxt's fetch_trades gives it (the pump files' layout). */
export interface Trade {
  timestampMs: number;
  side: 'buy' | 'sell';
  price: number;
  amount: number;
  /** Quote amount (price x amount where the source has no column for it). */
  cost: number;
}

/**
 * Bars of `barMs` from trades sorted by time. Pure. OHLC from the trades in order, volume in base and quote units,
 * and how the bar traded: the trade count, the share of the quote volume that takers bought, and rush orders (La
 * Morgia et al. 2020: a taker's market order filled against several resting orders shows as several trades of one
 * side in one millisecond; counted here as the buy-side groups of two or more such trades). An interval without a
 * trade is a bar with zero volume at the last price (as the exchange's own candles print it), from the first trade
 * on; intervals before it have no bar.
 */
export function tradesToBars(trades: readonly Trade[], barMs: number): Candle[] {
  const out: Candle[] = [];
  let bar: Candle | null = null;
  let buyQuote = 0;
  let groupMs = Number.NaN;
  let groupSide = '';
  let groupSize = 0;
  const closeGroup = () => {
    if (bar !== null && groupSide === 'buy' && groupSize >= 2) bar.rushOrders!++;
  };
  const finish = () => {
    if (bar === null) return;
    closeGroup();
    bar.buyShare = bar.volumeQuote > 0 ? buyQuote / bar.volumeQuote : 0;
    out.push(bar);
  };
  for (const t of trades) {
    const openMs = Math.floor(t.timestampMs / barMs) * barMs;
    if (bar === null || openMs !== bar.openMs) {
      finish();
      // empty intervals since the last bar: zero volume at its close
      if (bar !== null) {
        for (let o = bar.openMs + barMs; o < openMs; o += barMs) out.push({ openMs: o, open: bar.close, high: bar.close, low: bar.close, close: bar.close, volumeBase: 0, volumeQuote: 0, trades: 0, buyShare: 0, rushOrders: 0 });
      }
      bar = { openMs, open: t.price, high: t.price, low: t.price, close: t.price, volumeBase: 0, volumeQuote: 0, trades: 0, buyShare: 0, rushOrders: 0 };
      buyQuote = 0;
      groupMs = Number.NaN;
      groupSize = 0;
    }
    bar.high = Math.max(bar.high, t.price);
    bar.low = Math.min(bar.low, t.price);
    bar.close = t.price;
    bar.volumeBase += t.amount;
    bar.volumeQuote += t.cost;
    bar.trades!++;
    if (t.side === 'buy') buyQuote += t.cost;
    if (t.timestampMs === groupMs && t.side === groupSide) groupSize++;
    else {
      closeGroup();
      groupMs = t.timestampMs;
      groupSide = t.side;
      groupSize = 1;
    }
  }
  finish();
  return out;
}
