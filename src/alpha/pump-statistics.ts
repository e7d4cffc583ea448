import { median } from './metrics.js';

/**
 * What a pump looks like in hourly bars, measured the same way on any labelled market (the real Binance events, the
 * synthetic generator), so the generator can be held to the real events. Per event, with hour 0 the hourly bar that
 * holds the announcement and "pre" the last close before it (hour -1):
 *
 * - preDrift6h: pre / close of hour -7 - 1 (insiders buying before the call).
 * - volumeZLastHour, volumeZAnnouncementHour: log(1 + volume / median volume) of hour -1 and hour 0 as z-scores
 *   against the coin's own preceding 10 days (hours -241..-2; at least 5 days present); the median taken over the
 *   hours with volume, so quiet coins with many empty hours still have a scale.
 * - volumeMultiple: hour 0's volume over that median.
 * - peakFirstHour: highest high of hour 0 / pre - 1; peakInFirstHour: the highest high of hours 0..5 is in hour 0.
 * - retained24h: close of hour 24 / pre - 1 (what is left a day later: the dump's depth).
 * - halfLifeHours: hours from the peak hour to the first close that has given back half of the peak's gain (a dump's
 *   speed; 0 = within the peak hour; 24 when not within a day).
 * - hourUtc of the announcement; repeat coins: events on a coin with more than one event in the set.
 *
 * Events without the bars a figure needs (gaps, a short history) are left out of it and counted.
 */
export interface HourBar {
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One event's hourly bars: `bars[i]` is hour i - PRE_HOURS (null: no bar), hour 0 holding the announcement. */
export interface PumpWindowBars {
  symbol: string;
  /** Open of hour 0, ms UTC. */
  hourMs: number;
  bars: readonly (HourBar | null)[];
}

export const REFERENCE_HOURS = 240;
export const PRE_HOURS = REFERENCE_HOURS + 2;
export const POST_HOURS = 25;

export interface PumpStatistics {
  events: number;
  /** Events with every bar the figures need (hours -241..24 mostly present); the medians are over these. */
  measured: number;
  preDrift6h: number;
  volumeZLastHour: number;
  volumeZAnnouncementHour: number;
  volumeMultiple: number;
  peakFirstHour: number;
  sharePeakInFirstHour: number;
  retained24h: number;
  halfLifeHours: number;
  shareHours15To20Utc: number;
  shareOnRepeatCoins: number;
}

interface EventFigures {
  preDrift6h: number;
  zLast: number;
  zAnnouncement: number;
  volumeMultiple: number;
  peakFirstHour: number;
  peakInFirstHour: boolean;
  retained24h: number;
  halfLifeHours: number;
}

function figuresOf(w: PumpWindowBars): EventFigures | null {
  const at = (h: number) => w.bars[PRE_HOURS + h] ?? null;
  const pre = at(-1);
  const before6 = at(-7);
  const h0 = at(0);
  const h24 = at(24);
  if (pre === null || before6 === null || h0 === null || h24 === null || !(pre.close > 0) || !(before6.close > 0)) return null;
  const ref: number[] = [];
  for (let h = -REFERENCE_HOURS - 1; h <= -2; h++) {
    const b = at(h);
    if (b !== null) ref.push(b.volume);
  }
  const positive = ref.filter((v) => v > 0);
  if (ref.length < REFERENCE_HOURS / 2 || positive.length === 0) return null;
  const scale = median(positive);
  const lv = (v: number) => Math.log1p(v / scale);
  const logs = ref.map(lv);
  const mean = logs.reduce((a, v) => a + v, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, logs.length - 1));
  if (!(sd > 0)) return null;
  let peakHour = 0;
  let peakHigh = h0.high;
  for (let h = 1; h <= 5; h++) {
    const b = at(h);
    if (b !== null && b.high > peakHigh) {
      peakHigh = b.high;
      peakHour = h;
    }
  }
  const half = pre.close + 0.5 * (peakHigh - pre.close);
  let halfLife = 24;
  for (let h = peakHour; h <= 24; h++) {
    const b = at(h);
    if (b !== null && b.close <= half) {
      halfLife = h - peakHour;
      break;
    }
  }
  return {
    preDrift6h: pre.close / before6.close - 1,
    zLast: (lv(pre.volume) - mean) / sd,
    zAnnouncement: (lv(h0.volume) - mean) / sd,
    volumeMultiple: h0.volume / scale,
    peakFirstHour: h0.high / pre.close - 1,
    peakInFirstHour: peakHour === 0,
    retained24h: h24.close / pre.close - 1,
    halfLifeHours: halfLife,
  };
}

export function pumpStatistics(windows: readonly PumpWindowBars[]): PumpStatistics {
  const figures = windows.map(figuresOf).filter((f): f is EventFigures => f !== null);
  const perCoin = new Map<string, number>();
  for (const w of windows) perCoin.set(w.symbol, (perCoin.get(w.symbol) ?? 0) + 1);
  const share = (n: number, of: number) => (of === 0 ? Number.NaN : n / of);
  return {
    events: windows.length,
    measured: figures.length,
    preDrift6h: median(figures.map((f) => f.preDrift6h)),
    volumeZLastHour: median(figures.map((f) => f.zLast)),
    volumeZAnnouncementHour: median(figures.map((f) => f.zAnnouncement)),
    volumeMultiple: median(figures.map((f) => f.volumeMultiple)),
    peakFirstHour: median(figures.map((f) => f.peakFirstHour)),
    sharePeakInFirstHour: share(figures.filter((f) => f.peakInFirstHour).length, figures.length),
    retained24h: median(figures.map((f) => f.retained24h)),
    halfLifeHours: median(figures.map((f) => f.halfLifeHours)),
    shareHours15To20Utc: share(windows.filter((w) => { const h = new Date(w.hourMs).getUTCHours(); return h >= 15 && h <= 20; }).length, windows.length),
    shareOnRepeatCoins: share(windows.filter((w) => perCoin.get(w.symbol)! > 1).length, windows.length),
  };
}
