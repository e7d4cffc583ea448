/** One candle as an exchange or a candle file gives it: open time, OHLC, volume in the base and the quote currency. */
export interface Candle {
  openMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volumeBase: number;
  /** Quote volume: from the source where it has one (trades), else close x base volume (candle files have none). */
  volumeQuote: number;
  /** Bars built from trades: how they traded. */
  trades?: number;
  buyShare?: number;
  rushOrders?: number;
}
