import { POST_HOURS, PRE_HOURS, pumpStatistics, type HourBar, type PumpStatistics, type PumpWindowBars } from '../alpha/pump-statistics.js';
import type { MarketDataSource } from '../data_ingest/market-data-source.js';
import { HOUR_MS } from '../utils/time.js';

/** An event as the statistics need it: the asset and the open of the bar holding the pump's start. */
export interface PumpStart {
  symbol: string;
  pumpStartMs: number;
}

/**
 * The hourly bars around each event, read from a market by walking its cycles in order (a synthetic market can only
 * be stepped forward): bars of any size are folded into hours (high, low, last close, summed quote volume). Only the
 * hours of some event's window are kept, so a long market costs little memory.
 */
export async function pumpWindows(src: MarketDataSource, fromCycle: number, lastCycle: number, barMs: number, events: readonly PumpStart[]): Promise<PumpWindowBars[]> {
  const windows = events.map((e) => {
    const hour0 = Math.floor(e.pumpStartMs / HOUR_MS);
    return { symbol: e.symbol, hour0, bars: new Array<HourBar | null>(PRE_HOURS + POST_HOURS).fill(null) };
  });
  const bySymbol = new Map<string, typeof windows>();
  for (const w of windows) bySymbol.set(w.symbol, [...(bySymbol.get(w.symbol) ?? []), w]);
  for (let c = fromCycle; c <= lastCycle; c++) {
    const snap = await src.snapshot(c);
    for (const [symbol, ws] of bySymbol) {
      const b = snap.bars[symbol];
      if (b === undefined) continue;
      const hour = Math.floor(b.openMs / HOUR_MS);
      for (const w of ws) {
        const i = hour - w.hour0 + PRE_HOURS;
        if (i < 0 || i >= w.bars.length) continue;
        const h = w.bars[i];
        if (h === null || h === undefined) w.bars[i] = { high: b.high, low: b.low, close: b.close, volume: b.volumeUsd };
        else {
          h.high = Math.max(h.high, b.high);
          h.low = Math.min(h.low, b.low);
          h.close = b.close;
          h.volume += b.volumeUsd;
        }
      }
    }
  }
  return windows.map((w) => ({ symbol: w.symbol, hourMs: w.hour0 * HOUR_MS, bars: w.bars }));
}

/** The pump statistics of a market's events that lie wholly inside [fromCycle, lastCycle]. */
export async function pumpStatisticsOf(src: MarketDataSource, fromCycle: number, lastCycle: number, barMs: number, events: readonly PumpStart[]): Promise<PumpStatistics> {
  const inside = events.filter((e) => e.pumpStartMs >= fromCycle * barMs && e.pumpStartMs + POST_HOURS * HOUR_MS <= (lastCycle + 1) * barMs);
  return pumpStatistics(await pumpWindows(src, fromCycle, lastCycle, barMs, inside));
}
