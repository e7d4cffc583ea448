import type { Bar, Liquidity, MarketSnapshot, Sentiment, TradeStats } from '../market-data-source.js';

/**
 * A snapshot as two typed arrays, for the back-test market's worker to post. A structured clone of the 300-asset
 * records cost the engine's thread ~0.6 ms a cycle to read (each of ~1 500 objects and four 300-key records rebuilt
 * property by property); typed arrays are copied whole and the objects rebuilt here from literals (measured; issue 16).
 * It carries exactly what SyntheticMarket makes: the four records (and trade statistics when present), each entry's
 * own fields in their order, the records' key order, null market caps; the round trip is tested against the market.
 */
export interface SnapshotWire {
  cycle: number;
  closeMs: number;
  /** Per record: its entry count, then each entry's symbol index (a null market cap is -1 - index). */
  ints: Int32Array;
  nums: Float64Array;
  hasTradeStats: boolean;
}

const BAR = 7;
const LIQ = 3;
const SENT = 2;
const TRADE = 3;

/** Packs `s`; `index` maps each symbol to its place in the list unpackSnapshot is given. */
export function packSnapshot(s: MarketSnapshot, index: ReadonlyMap<string, number>): SnapshotWire {
  const bars = Object.keys(s.bars);
  const liq = Object.keys(s.liquidity);
  const sent = Object.keys(s.sentiment);
  const vol = Object.keys(s.realizedVol);
  const trades = s.tradeStats === undefined ? [] : Object.keys(s.tradeStats);
  const ints = new Int32Array(5 + bars.length + liq.length + sent.length + vol.length + trades.length);
  const nums = new Float64Array(BAR * bars.length + LIQ * liq.length + SENT * sent.length + vol.length + TRADE * trades.length);
  let i = 0;
  let n = 0;
  const at = (symbol: string) => {
    const k = index.get(symbol);
    if (k === undefined) throw new Error(`packSnapshot: ${symbol} is not in the symbol list`);
    return k;
  };
  ints[i++] = bars.length;
  for (const sym of bars) {
    const b = s.bars[sym]!;
    ints[i++] = at(sym);
    nums[n++] = b.openMs;
    nums[n++] = b.open;
    nums[n++] = b.high;
    nums[n++] = b.low;
    nums[n++] = b.close;
    nums[n++] = b.volumeBase;
    nums[n++] = b.volumeUsd;
  }
  ints[i++] = liq.length;
  for (const sym of liq) {
    const l = s.liquidity[sym]!;
    ints[i++] = l.marketCapUsd === null ? -1 - at(sym) : at(sym);
    nums[n++] = l.marketCapUsd ?? 0;
    nums[n++] = l.advUsd;
    nums[n++] = l.spreadBps;
  }
  ints[i++] = sent.length;
  for (const sym of sent) {
    const x = s.sentiment[sym]!;
    ints[i++] = at(sym);
    nums[n++] = x.mentions;
    nums[n++] = x.score;
  }
  ints[i++] = vol.length;
  for (const sym of vol) {
    ints[i++] = at(sym);
    nums[n++] = s.realizedVol[sym]!;
  }
  ints[i++] = trades.length;
  for (const sym of trades) {
    const t = s.tradeStats![sym]!;
    ints[i++] = at(sym);
    nums[n++] = t.trades;
    nums[n++] = t.buyShare;
    nums[n++] = t.rushOrders;
  }
  return { cycle: s.cycle, closeMs: s.closeMs, ints, nums, hasTradeStats: s.tradeStats !== undefined };
}

export function unpackSnapshot(w: SnapshotWire, symbols: readonly string[]): MarketSnapshot {
  const { ints, nums } = w;
  let i = 0;
  let n = 0;
  const bars: Record<string, Bar> = {};
  for (let k = ints[i++]!; k > 0; k--) {
    bars[symbols[ints[i++]!]!] = { openMs: nums[n]!, open: nums[n + 1]!, high: nums[n + 2]!, low: nums[n + 3]!, close: nums[n + 4]!, volumeBase: nums[n + 5]!, volumeUsd: nums[n + 6]! };
    n += BAR;
  }
  const liquidity: Record<string, Liquidity> = {};
  for (let k = ints[i++]!; k > 0; k--) {
    const code = ints[i++]!;
    liquidity[symbols[code < 0 ? -1 - code : code]!] = { marketCapUsd: code < 0 ? null : nums[n]!, advUsd: nums[n + 1]!, spreadBps: nums[n + 2]! };
    n += LIQ;
  }
  const sentiment: Record<string, Sentiment> = {};
  for (let k = ints[i++]!; k > 0; k--) {
    sentiment[symbols[ints[i++]!]!] = { mentions: nums[n]!, score: nums[n + 1]! };
    n += SENT;
  }
  const realizedVol: Record<string, number> = {};
  for (let k = ints[i++]!; k > 0; k--) realizedVol[symbols[ints[i++]!]!] = nums[n++]!;
  const out: MarketSnapshot = { cycle: w.cycle, closeMs: w.closeMs, bars, liquidity, sentiment, realizedVol };
  if (w.hasTradeStats) {
    const tradeStats: Record<string, TradeStats> = {};
    for (let k = ints[i++]!; k > 0; k--) {
      tradeStats[symbols[ints[i++]!]!] = { trades: nums[n]!, buyShare: nums[n + 1]!, rushOrders: nums[n + 2]! };
      n += TRADE;
    }
    out.tradeStats = tradeStats;
  }
  return out;
}
